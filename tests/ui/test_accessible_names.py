"""Every widget a keyboard user can Tab to has a name a screen reader can say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QWidget
from pytestqt.qtbot import QtBot
from tests.ui.conftest import WindowFactory

from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import SECTIONS


def _spoken_name(widget: QWidget) -> str:
    # A spin box's text field is announced with the spin box, which carries the name.
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractSpinBox):
        widget = parent
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def test_every_focusable_widget_of_every_section_has_an_accessible_name(
        ctx: AppContext, make_window: WindowFactory, qtbot: QtBot) -> None:
    ctx.banks.ensure_builtin_banks()
    window = make_window()
    unnamed: dict[str, list[str]] = {}
    for row, section in enumerate(SECTIONS):
        window.nav.setCurrentRow(row)
        qtbot.wait(10)
        for widget in window.findChildren(QWidget):
            if not widget.isVisible() or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                continue
            if not _spoken_name(widget):
                unnamed.setdefault(section, []).append(
                    f"{type(widget).__name__}({widget.objectName()!r})")
    assert unnamed == {}
