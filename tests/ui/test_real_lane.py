"""Every section on the real database lane (a worker thread), with the GUI-thread guard on.

The other UI tests use the immediate runner so timing cannot matter; these run the window as
the app does, so work that slipped onto the GUI thread or a result used before it arrived
shows up here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.services.test_quiz_service import _bank
from tests.ui.conftest import WindowFactory
from tests.ui.test_guide_view import write_chapters

from mht_desktop.core.cards import Rating
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services import guide as guide_service
from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import MainWindow
from mht_desktop.ui.task_runner import TaskRunner

WAIT_MS = 20000


@pytest.fixture
def lane() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


@pytest.fixture
def window(make_window: WindowFactory, ctx: AppContext, tmp_path: Path,
           sample_bank_file: Path, lane: TaskRunner,
           monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    folder = write_chapters(tmp_path / "guide")
    monkeypatch.setattr(guide_service, "guide_dir", lambda: folder)
    ctx.banks.import_file_now(sample_bank_file)
    ctx.banks.import_file_now(_bank(tmp_path, per_topic=4))
    return make_window(tasks=lane)


def test_guide_opens_and_turns_pages_on_the_lane(window: MainWindow, qtbot: QtBot) -> None:
    window.show_section("guide")
    view = window.guide
    qtbot.waitUntil(lambda: view.page is not None, timeout=WAIT_MS)
    assert view.page is not None and view.page.chapter_id == "01-first"
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.page is not None and view.page.chapter_id == "02-second",
                    timeout=WAIT_MS)


def test_flashcards_store_the_interval_on_the_button(window: MainWindow, qtbot: QtBot,
                                                     ctx: AppContext) -> None:
    window.show_section("flashcards")
    view = window.flashcards
    qtbot.waitUntil(lambda: view.deck_tree.topLevelItemCount() > 0, timeout=WAIT_MS)
    view.study_selected()
    qtbot.waitUntil(lambda: view.card is not None and view.outcomes is not None,
                    timeout=WAIT_MS)
    qtbot.keyClick(view.review, Qt.Key.Key_Space)
    outcomes, card = view.outcomes, view.card
    assert outcomes is not None and card is not None
    button = view.review.rating_buttons[Rating.EASY].text()
    assert button.startswith("Easy\n") and button.endswith("(4)")
    qtbot.keyClick(view.review, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: (view.card is not None and view.card.card_id != card.card_id)
                    or view.summary_page.isVisible(), timeout=WAIT_MS)
    stored = ctx.study(window.profile.id if window.profile else 0).card(card.card_id)
    assert stored.schedule.due - outcomes.shown_at == outcomes.interval(Rating.EASY)


def test_a_timed_exam_runs_on_the_lane(window: MainWindow, qtbot: QtBot) -> None:
    window.show_section("quiz")
    quiz = window.quiz
    qtbot.waitUntil(lambda: quiz.builder.start_button.isEnabled(), timeout=WAIT_MS)
    quiz.builder.mode_box.setCurrentIndex(quiz.builder.mode_box.findData(QuizMode.EXAM))
    quiz.builder.count_spin.setValue(3)
    quiz.builder.minutes_spin.setValue(5)
    quiz.start_from_builder()
    qtbot.waitUntil(lambda: quiz.attempt is not None and quiz.page.isVisible(),
                    timeout=WAIT_MS)
    assert quiz.clock.running and quiz.page.clock_label.text().startswith("Time left ")
    qtbot.keyClick(quiz.page, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: quiz.attempt is not None and quiz.attempt.items[0].answered,
                    timeout=WAIT_MS)
    qtbot.keyClick(quiz.page, Qt.Key.Key_F)  # mark for review
    qtbot.waitUntil(lambda: quiz.attempt is not None and quiz.attempt.items[0].marked,
                    timeout=WAIT_MS)
    quiz.finish()
    qtbot.waitUntil(lambda: quiz.results_page.isVisible(), timeout=WAIT_MS)
    assert not quiz.clock.running
    assert "2 unanswered" in quiz.results_page.results_view.toPlainText()


def test_progress_and_banks_load_on_the_lane(window: MainWindow, qtbot: QtBot) -> None:
    window.show_section("progress")
    progress = window.progress
    qtbot.waitUntil(lambda: progress.empty.isVisible() or progress.scroll_area.isVisible(),
                    timeout=WAIT_MS)
    window.show_section("banks")
    banks = window.banks
    qtbot.waitUntil(lambda: banks.tree.topLevelItemCount() == 2, timeout=WAIT_MS)
