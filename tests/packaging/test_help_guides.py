"""Help › User guide and Instructor guide open our own guides inside the app."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from mht_desktop.services.resources import help_dir
from mht_desktop.ui.help_dialog import GUIDES, show_guide


def test_both_guides_ship_where_help_looks() -> None:
    for file_name, _title in GUIDES.values():
        text = (help_dir() / file_name).read_text(encoding="utf-8")
        assert text.startswith("# MHT Desktop"), file_name


def test_the_user_guide_opens_rendered_with_a_close_button(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: dict[str, str] = {}

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen["title"] = dialog.windowTitle()
        seen["text"] = dialog.findChild(QTextBrowser).toPlainText()
        dialog.reject()

    QTimer.singleShot(100, read_and_close)
    show_guide(parent, "user")
    assert seen["title"] == "MHT Desktop — User guide"
    assert "Moving to another laptop" in seen["text"]
    assert "##" not in seen["text"]  # Markdown was rendered, not shown as source
