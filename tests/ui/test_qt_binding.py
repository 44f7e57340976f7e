"""Guards against a Qt binding that corrupts Python's reference count of None.

PySide6 6.12.0 on CPython 3.11 drops a reference to None on every Qt call that returns
nothing; the app then aborts after a few thousand calls. pyproject.toml excludes it, and this
test fails loudly if such a build is installed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_qt_calls_do_not_leak_references_to_none(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    # A few references come and go with the interpreter's own work; a leak loses 2,000.
    assert abs(sys.getrefcount(None) - before) < 100
