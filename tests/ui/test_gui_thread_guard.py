"""The GUI-thread guard is on in every UI test, and it catches database work in an event."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from mht_desktop.services.context import AppContext
from mht_desktop.storage.thread_guard import DatabaseOnWrongThread, installed
from mht_desktop.ui.task_runner import ImmediateTaskRunner


def test_the_guard_is_on() -> None:
    assert installed()


def test_database_work_in_a_click_handler_fails_loudly(qtbot: QtBot, ctx: AppContext) -> None:
    button = QPushButton("List learners")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: ctx.profiles.list())
    with qtbot.captureExceptions() as caught:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert caught and isinstance(caught[0][1], DatabaseOnWrongThread)
    assert "GUI thread" in str(caught[0][1])


def test_the_same_work_through_the_task_runner_is_fine(qtbot: QtBot, ctx: AppContext) -> None:
    runner = ImmediateTaskRunner()
    seen: list[int] = []
    button = QPushButton("List learners")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: runner.run(ctx.profiles.list,
                                              on_done=lambda ps: seen.append(len(ps))))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen == [0]


def test_a_tests_own_setup_is_not_judged(ctx: AppContext) -> None:
    """Outside any event the GUI is not blocked: a test may prepare data directly."""
    ctx.profiles.create("Ana")
    assert [p.name for p in ctx.profiles.list()] == ["Ana"]


@pytest.mark.parametrize("on_error", [True, False])
def test_a_guard_failure_is_never_swallowed_by_on_error(qtbot: QtBot, ctx: AppContext,
                                                         on_error: bool) -> None:
    runner = ImmediateTaskRunner()
    errors: list[BaseException] = []
    button = QPushButton("Go")
    qtbot.addWidget(button)
    # The database used in on_done (on the GUI thread), not in the task.
    button.clicked.connect(lambda: runner.run(
        lambda: 1, on_done=lambda _: ctx.profiles.list(),
        on_error=errors.append if on_error else None))
    with qtbot.captureExceptions() as caught:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert caught and isinstance(caught[0][1], DatabaseOnWrongThread)
    assert not errors
