"""Render the app icon (``packaging/mht-desktop.svg``) into the formats each platform wants.

``build/icons/`` gets PNGs at the usual sizes (Linux, AppImage), ``mht-desktop.ico`` (Windows)
and ``mht-desktop.icns`` (macOS). Qt's own SVG renderer and image writers do the work, so no
other tool is needed and the output is the same on every platform.

Usage: ``python packaging/make_icons.py [OUT_DIR]``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parents[1]
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    """The icon drawn at ``size`` × ``size`` pixels on a transparent background."""
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    """Write every icon file; print each path."""
    out = Path(argv[1]) if len(argv) > 1 else REPO / "build" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication([])
    svg = REPO / "packaging" / "mht-desktop.svg"
    for size in SIZES:
        path = out / f"mht-desktop-{size}.png"
        if not render(svg, size).save(str(path), "PNG"):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        print(path)
    # One large image is enough: Qt's ICO/ICNS writers store it and the OS scales it.
    for name, fmt, size in (("mht-desktop.ico", "ICO", 256), ("mht-desktop.icns", "ICNS", 512)):
        path = out / name
        if not render(svg, size).save(str(path), fmt):
            print(f"could not write {path} (Qt has no {fmt} writer here)", file=sys.stderr)
            return 1
        print(path)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
