from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from tests.services.test_quiz_service import _bank
from tests.ui.conftest import WindowFactory

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(make_window: WindowFactory, ctx: AppContext, tmp_path: Path) -> MainWindow:
    ctx.banks.import_file_now(_bank(tmp_path, per_topic=4))
    return make_window("Quiz")


def _correct_display(window: MainWindow) -> int:
    item = window.quiz._item()
    return item.order.index(next(iter(item.question.correct_indexes)))


def test_short_exam_from_start_to_results_with_the_keyboard(window: MainWindow,
                                                            qtbot: QtBot) -> None:
    quiz = window.quiz
    quiz.builder.mode_box.setCurrentIndex(quiz.builder.mode_box.findData(QuizMode.EXAM))
    quiz.builder.count_spin.setValue(5)
    quiz.builder.minutes_spin.setValue(10)
    qtbot.mouseClick(quiz.builder.start_button, Qt.MouseButton.LeftButton)
    page = quiz.page
    assert page.isVisible() and page.clock_label.text().startswith("Time left 10:00")
    assert "clock pauses" in page.clock_note.text()
    # Q1: answer right with a digit; Q2: wrong with a letter and mark it; Q3: skip.
    qtbot.keyClick(page, Qt.Key.Key_1 + _correct_display(window))
    qtbot.keyClick(page, Qt.Key.Key_Return)
    wrong = next(d for d in range(3) if d != _correct_display(window))
    qtbot.keyClick(page, "ABC"[wrong])
    qtbot.keyClick(page, Qt.Key.Key_F)
    assert quiz._item().marked
    qtbot.keyClick(page, Qt.Key.Key_Right)
    qtbot.keyClick(page, Qt.Key.Key_N)
    assert quiz.index == 3
    qtbot.keyClick(page, Qt.Key.Key_Left)  # back to Q3, answer it right
    qtbot.keyClick(page, Qt.Key.Key_1 + _correct_display(window))
    assert not page.feedback_view.isVisible()  # no feedback during an exam
    assert "⚑" in quiz.page.nav_buttons[1].text()
    qtbot.keyClick(page, Qt.Key.Key_X)  # strike out the highlighted choice
    assert quiz._item().struck
    for _ in range(2):
        qtbot.keyClick(page, Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_Return)  # Enter on the last question → confirm → results
    assert quiz.results_page.isVisible()
    text = quiz.results_page.results_view.toPlainText()
    assert "40%" in text and "Not passed yet" in text and "2 unanswered" in text
    assert "By topic" in text and "Every question" in text
    qtbot.keyClick(quiz, Qt.Key.Key_Return)
    assert quiz.builder.isVisible() and quiz.builder.history_list.count() == 1


def test_tutor_mode_explains_every_answer(window: MainWindow, qtbot: QtBot) -> None:
    quiz = window.quiz
    quiz.builder.count_spin.setValue(2)
    quiz.start_from_builder()
    page = quiz.page
    wrong = next(d for d in range(3) if d != _correct_display(window))
    qtbot.keyClick(page, Qt.Key.Key_1 + wrong)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    feedback = page.feedback_view.toPlainText()
    assert "Not quite" in feedback and "Why" in feedback and "Because" in feedback
    assert "Your answer: " in feedback
    # Every choice carries its own verdict and feedback, next to it.
    notes = [n.text() for n in page.choice_notes]
    assert all(n.isVisible() for n in page.choice_notes) and len(notes) == 3
    assert "Your answer: not right" in notes[wrong]
    assert "✔ Correct answer" in notes[_correct_display(window)]
    assert sum("Wrong because." in n for n in notes) == 1   # the bank's feedback, under it
    # The stem box is as tall as its one-line stem, not a tall empty box above the choices.
    assert page.stem_view.height() < 4 * page.fontMetrics().lineSpacing() + 40
    assert page.choice_buttons[0].mapTo(page, QPoint(0, 0)).y() < page.height() / 2
    qtbot.keyClick(page, Qt.Key.Key_Return)  # next
    qtbot.keyClick(page, Qt.Key.Key_1 + _correct_display(window))
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert "Correct" in page.feedback_view.toPlainText()
    qtbot.keyClick(page, Qt.Key.Key_Return)  # last → results
    assert "50%" in quiz.results_page.results_view.toPlainText()


def test_unfinished_exam_is_offered_for_resumption(window: MainWindow, qtbot: QtBot,
                                                   make_window: WindowFactory) -> None:
    quiz = window.quiz
    quiz.builder.mode_box.setCurrentIndex(quiz.builder.mode_box.findData(QuizMode.EXAM))
    quiz.builder.count_spin.setValue(3)
    quiz.start_from_builder()
    qtbot.keyClick(quiz.page, Qt.Key.Key_1)
    window.close()  # quitting pauses the clock
    again = make_window("Quiz")
    assert again.quiz.builder.resume_frame.isVisible()
    assert "paused while the app was closed" in again.quiz.builder.resume_label.text()
    qtbot.mouseClick(again.quiz.builder.resume_button, Qt.MouseButton.LeftButton)
    assert again.quiz.page.isVisible() and again.quiz.attempt is not None
    assert again.quiz.attempt.items[0].answered


def test_ending_a_missed_review_early_shows_what_counted_not_zero(
        window: MainWindow, qtbot: QtBot) -> None:
    quiz = window.quiz
    quiz.builder.count_spin.setValue(2)
    quiz.start_from_builder()
    page = quiz.page
    for _ in range(2):  # both wrong: two questions to review
        wrong = next(d for d in range(3) if d != _correct_display(window))
        qtbot.keyClick(page, Qt.Key.Key_1 + wrong)
        qtbot.keyClick(page, Qt.Key.Key_Return)
        qtbot.keyClick(page, Qt.Key.Key_Return)
    qtbot.mouseClick(quiz.results_page.review_missed_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(page, Qt.Key.Key_1 + _correct_display(window))
    qtbot.keyClick(page, Qt.Key.Key_Return)       # right; the next question opens
    qtbot.mouseClick(page.finish_button, Qt.MouseButton.LeftButton)   # End quiz… → Yes
    text = quiz.results_page.results_view.toPlainText()
    assert "Missed-question review: 1 of 1 answered right" in text
    assert "\n0%" not in "\n" + text and "Not passed" not in text
    qtbot.keyClick(quiz, Qt.Key.Key_Return)
    history = [quiz.builder.history_list.item(i).text()
               for i in range(quiz.builder.history_list.count())]
    assert len(history) == 2 and "100%" in history[0] + history[1]
