"""Every symbol the UI draws exists in the font it is drawn with (no missing-glyph boxes).

The exam timer once began with "⏱", which DejaVu Sans (the default sans-serif on the Linux
desktops we support, and the font here) does not have: it drew as a box. This reads every
string literal in the UI and rendering code, and checks each non-ASCII character against the
application's default font, regular and bold, as Qt resolves it.
"""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

from PySide6.QtGui import QFont, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication

SRC = Path(__file__).resolve().parents[2] / "src" / "mht_desktop"


def drawn_symbols() -> dict[str, set[str]]:
    """Non-ASCII characters in string literals under ui/ and rendering/, with their files."""
    found: dict[str, set[str]] = {}
    for path in sorted([*(SRC / "ui").rglob("*.py"), *(SRC / "rendering").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for ch in node.value:
                    if ord(ch) > 127:
                        found.setdefault(ch, set()).add(path.relative_to(SRC).as_posix())
    return found


def missing_in(font: QFont, symbols: dict[str, set[str]]) -> list[str]:
    """The symbols ``font`` has no glyph for, described for a failure message."""
    metrics = QFontMetrics(font)
    return [f"{ch!r} U+{ord(ch):04X} {unicodedata.name(ch, '?')} in {sorted(files)}"
            for ch, files in sorted(symbols.items()) if not metrics.inFontUcs4(ord(ch))]


def test_the_scan_finds_the_symbols_we_draw() -> None:
    symbols = drawn_symbols()
    for ch in "—…✔⚑":  # used in the quiz, results and menus
        assert ch in symbols


def test_the_default_font_has_every_symbol_we_draw(qapp: QApplication) -> None:
    symbols = drawn_symbols()
    regular = QApplication.font()
    bold = QFont(regular)
    bold.setBold(True)
    family = QFontInfo(regular).family()
    assert missing_in(regular, symbols) == [], f"missing from {family}"
    assert missing_in(bold, symbols) == [], f"missing from {family} bold"


def test_the_check_sees_a_missing_glyph(qapp: QApplication) -> None:
    # A private-use code point no font we depend on draws.
    assert missing_in(QApplication.font(), {"\ue000": {"x.py"}}) != []
