"""The exam navigator: one button per question, restyled only where something changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.services.test_quiz_service import _bank
from tests.ui.conftest import WindowFactory

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.main_window import MainWindow
from mht_desktop.ui.views.quiz_question import NAV_AHEAD


@pytest.fixture
def window(make_window: WindowFactory, ctx: AppContext, tmp_path: Path) -> MainWindow:
    ctx.banks.import_file_now(_bank(tmp_path, per_topic=4))
    return make_window("Quiz")


def _looks(window: MainWindow) -> list[tuple[str, bool, bool]]:
    return [(b.property("state"), bool(b.property("marked")), bool(b.property("current")))
            for b in window.quiz.page.nav_buttons]


def test_answers_and_marks_show_on_their_buttons(window: MainWindow, qtbot: QtBot) -> None:
    quiz = window.quiz
    quiz.start(QuizConfig(mode=QuizMode.EXAM, count=6, minutes=10, seed=3))
    page = quiz.page
    assert len(page.nav_buttons) == 6 and all(b.isVisible() for b in page.nav_buttons)
    assert _looks(window)[0] == ("unanswered", False, True)
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_Return)       # answer Q1 and move on
    qtbot.keyClick(page, Qt.Key.Key_F)            # mark Q2
    looks = _looks(window)
    assert looks[0] == ("answered", False, False)
    assert looks[1] == ("unanswered", True, True)
    assert looks[2:] == [("unanswered", False, False)] * 4
    assert page.nav_buttons[1].text() == "2⚑"
    assert "marked for review" in page.nav_buttons[1].toolTip()
    qtbot.mouseClick(page.nav_buttons[4], Qt.MouseButton.LeftButton)
    assert quiz.index == 4 and _looks(window)[4][2] and not _looks(window)[1][2]


def test_the_next_exam_reuses_the_buttons(window: MainWindow) -> None:
    quiz = window.quiz
    quiz.start(QuizConfig(mode=QuizMode.EXAM, count=8, minutes=10, seed=1))
    first = list(quiz.page.nav_buttons)
    quiz.service.abandon(quiz.attempt.id)  # type: ignore[union-attr]
    quiz.start(QuizConfig(mode=QuizMode.EXAM, count=5, minutes=10, seed=2))
    page = quiz.page
    assert page.nav_buttons == first[:5]
    assert [b.isVisible() for b in page.nav_pool[:8]] == [True] * 5 + [False] * 3
    assert not any(b.isVisible() for b in page.nav_pool[8:])  # made ahead, not used yet
    assert _looks(window) == [("unanswered", False, True)] + [("unanswered", False, False)] * 4


def test_the_first_exam_uses_buttons_made_ahead_and_styled_by_their_look(
        window: MainWindow, qtbot: QtBot) -> None:
    page = window.quiz.page
    qtbot.waitUntil(lambda: len(page.nav_pool) >= NAV_AHEAD, timeout=10000)  # while idle
    ahead = list(page.nav_pool)
    window.quiz.start(QuizConfig(mode=QuizMode.EXAM, count=6, minutes=10, seed=3))
    assert page.nav_pool == ahead and page.nav_buttons == ahead[:6]
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_Return)  # Q1 answered, Q2 current
    # The style sheet's looks reach the buttons: the current question's number is bold.
    assert [b.font().bold() for b in page.nav_buttons] == [False, True, False, False, False,
                                                           False]
    assert _looks(window)[:2] == [("answered", False, False), ("unanswered", False, True)]
