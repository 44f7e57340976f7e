"""Keyboard alone reaches everything with no trap; colour is never the only sign of a state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from tests.ui.conftest import WindowFactory

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.dialogs import shortcuts_html
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.rich_text import SafeTextDocument
from mht_desktop.ui.views.quiz_question import NAVIGATOR_STYLE
from mht_desktop.ui.views.quiz_results import results_html

MAX_TABS = 400


def _focusable(window: MainWindow) -> set[QWidget]:
    """Widgets of the shown section (and the section list) that Tab should reach."""
    section = window.stack.currentWidget()
    found = {window.nav}
    for widget in section.findChildren(QWidget):
        if (widget.isVisibleTo(window) and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.focusProxy() is None):
            found.add(widget)
    return found


def _tab_round(window: MainWindow, qtbot: QtBot, start: QWidget) -> list[QWidget]:
    """Press Tab from ``start`` until focus comes back to it; the widgets passed on the way."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen: list[QWidget] = []
    for _ in range(MAX_TABS):
        current = QApplication.focusWidget()
        assert current is not None
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not None and now.window() is window, "Tab left the window"
        if now is start:
            return seen
        seen.append(now)
    raise AssertionError(f"Tab never came back to the section list (a keyboard trap?); "
                         f"last: {[type(w).__name__ for w in seen[-5:]]}")


def test_tab_cycles_through_every_section_without_a_trap(
        ctx: AppContext, make_window: WindowFactory, qtbot: QtBot) -> None:
    ctx.banks.ensure_builtin_banks()
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    missed: dict[str, list[str]] = {}
    for row, section in enumerate(SECTIONS):
        window.nav.setCurrentRow(row)
        qtbot.wait(10)
        seen = set(_tab_round(window, qtbot, window.nav))
        left = [f"{type(w).__name__}({w.accessibleName() or w.objectName()!r})"
                for w in _focusable(window) - seen - {window.nav}]
        if left:
            missed[section] = sorted(left)
    assert missed == {}


def test_the_navigator_shows_answered_and_marked_by_more_than_colour(
        make_window: WindowFactory, ctx: AppContext, sample_bank_file: Path,
        qtbot: QtBot) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    window = make_window("Quiz")
    quiz = window.quiz
    quiz.builder.mode_box.setCurrentIndex(quiz.builder.mode_box.findData(QuizMode.EXAM))
    quiz.builder.count_spin.setValue(3)
    qtbot.mouseClick(quiz.builder.start_button, Qt.MouseButton.LeftButton)
    page = quiz.page
    qtbot.keyClick(page, Qt.Key.Key_1)       # Q1 answered
    qtbot.keyClick(page, Qt.Key.Key_Right)
    qtbot.keyClick(page, Qt.Key.Key_F)       # Q2 marked, not answered
    answered, marked, untouched = page.nav_buttons[:3]
    # Shape: a solid outline for answered, dashed for not yet; the flag for marked.
    assert [b.property("state") for b in (answered, marked, untouched)] == [
        "answered", "unanswered", "unanswered"]
    assert 'border: 2px dashed' in NAVIGATOR_STYLE
    assert '[state="answered"] { background: #8ab4f8; border-style: solid; }' in NAVIGATOR_STYLE
    assert "⚑" in marked.text() and "⚑" not in answered.text() + untouched.text()
    # Words, for a screen reader.
    assert answered.accessibleName() == "Question 1: answered"
    assert marked.accessibleName() == "Question 2: unanswered, marked for review, current"
    assert untouched.accessibleName() == "Question 3: unanswered"


def test_results_say_right_and_wrong_in_symbols_and_words(
        make_window: WindowFactory, ctx: AppContext, sample_bank_file: Path,
        qtbot: QtBot) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    window = make_window("Quiz")
    service = window.quiz.service
    attempt = service.start(QuizConfig(mode=QuizMode.TUTOR, count=2, seed=3))
    first, second = attempt.items[:2]
    wrong = next(i for i in range(len(second.question.choices))
                 if i not in second.question.correct_indexes)
    service.answer(attempt.id, first.position, frozenset(first.question.correct_indexes),
                   time_spent_s=5)
    service.answer(attempt.id, second.position, frozenset({wrong}), time_spent_s=5)
    doc = SafeTextDocument()
    doc.setHtml(results_html(service.submit(attempt.id), dark=False))
    text = doc.toPlainText()
    # Each question says right or wrong with a mark, not only a green or red colour…
    assert text.count("✔") == 1 and text.count("✘") == 1
    assert "Not passed yet" in text  # …and the verdict is words (50% is below the mark)


def test_the_guide_shortcuts_are_listed_in_help(make_window: WindowFactory) -> None:
    window = make_window("Guide")
    keys = {shortcut.key().toString()
            for shortcut in window.guide.findChildren(QShortcut)}
    assert keys >= {"Alt+Left", "Alt+Right"}
    listed = shortcuts_html()
    for key in keys:
        assert key in listed, key
