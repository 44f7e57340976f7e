"""The first-run welcome creates the learner on the database lane, not the GUI thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from mht_desktop.services.context import AppContext
from mht_desktop.ui.profile_dialog import WelcomeDialog
from mht_desktop.ui.task_runner import TaskRunner


def test_the_first_learner_is_created_on_the_lane(qtbot: QtBot, ctx: AppContext) -> None:
    tasks = TaskRunner()  # the real lane: the GUI-thread guard fails a session opened here
    dialog = WelcomeDialog(ctx, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.start_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "  Rosa  ")
    with qtbot.waitSignal(dialog.accepted, timeout=30000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert not dialog.start_button.isEnabled()  # pressed once, while it is stored
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created is not None and dialog.created.name == "Rosa"
    tasks.wait()
    assert [p.name for p in ctx.profiles.list()] == ["Rosa"]


def test_a_taken_name_keeps_the_dialog_open(qtbot: QtBot, ctx: AppContext,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ctx.profiles.create("Rosa")
    shown: list[str] = []
    monkeypatch.setattr("mht_desktop.ui.profile_dialog.show_message",
                        lambda _parent, _title, text, **_kw: shown.append(text))
    tasks = TaskRunner()
    dialog = WelcomeDialog(ctx, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Rosa")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert dialog.isVisible() and dialog.created is None
    assert dialog.start_button.isEnabled()
    tasks.wait()
    assert [p.name for p in ctx.profiles.list()] == ["Rosa"]
