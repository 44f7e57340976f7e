"""A Qt application for drawing without a window.

Why: the command line (``mht-desktop report``) and tests render PDFs with QtGui, which needs
a QGuiApplication — but a terminal, a cron job or a CI runner may have no display at all. This
module makes one on Qt's ``offscreen`` platform when no display is available, and reuses the
window's application when the GUI is already running.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QImage

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


# -- a guard for a PySide6 reference-count bug ----------------------------------------------
#
# PySide6 6.12.0 on CPython 3.11 returns None from every C++ ``void`` method without taking a
# reference to it (3.12 made None immortal, so there it is harmless). Each call — fillRect,
# setText, drawContents… — leaves None one reference short, and after a few thousand calls
# the interpreter aborts with "Fatal Python error: none_dealloc". Drawing a report makes
# thousands of such calls, so drawing code runs inside :func:`keep_none_alive`, which gives
# back whatever the block took. If PySide6 is fixed, the check below finds no leak and the
# guard does nothing.


def _give_back(count: int) -> None:
    # The lost references belong to no object, so they are given back the same way: owned by
    # nobody (a list holding None would hand them back again when it is freed at exit).
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None
    for _ in range(count):
        incref(None)


@cache
def _pyside_leaks_none() -> bool:
    if sys.version_info >= (3, 12):
        return False
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    before = sys.getrefcount(None)
    for _ in range(64):
        image.fill(0)
    lost = before - sys.getrefcount(None)
    _give_back(max(0, lost))
    return lost >= 32


@contextmanager
def keep_none_alive() -> Iterator[None]:
    """Run a block of Qt calls and restore any references to None it lost (see above)."""
    if not _pyside_leaks_none():
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        lost = before - sys.getrefcount(None)
        if lost > 0:
            _give_back(lost)
