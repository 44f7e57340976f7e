"""A Qt application for drawing without a window.

Why: the command line (``mht-desktop report``) and tests render PDFs with QtGui, which needs
a QGuiApplication — but a terminal, a cron job or a CI runner may have no display at all. This
module makes one on Qt's ``offscreen`` platform when no display is available, and reuses the
window's application when the GUI is already running.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

from mht_desktop.core.errors import MhtError

_app: QGuiApplication | None = None  # kept alive for the life of the process


class RenderingError(MhtError):
    """Qt cannot draw here (e.g. a non-GUI Qt application is already running)."""


def _has_display() -> bool:
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ensure_gui_app() -> QGuiApplication:
    """The running QGuiApplication, or a new one (offscreen when there is no display).

    Raises:
        RenderingError: when a plain QCoreApplication already exists (it cannot draw).
    """
    global _app
    existing = QCoreApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    if existing is not None:
        raise RenderingError("Cannot draw the report: a non-graphical Qt application is "
                             "already running in this process.")
    if not _has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication(sys.argv[:1] or ["mht-desktop"])
    return _app
