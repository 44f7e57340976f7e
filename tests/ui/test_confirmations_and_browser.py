"""Dialogs say what they do and default to the safe answer; the card browser sorts A→Z."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from tests.ui.conftest import ScriptedDialogs, WindowFactory

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.dialog_service import QtDialogs
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.views.card_browser import CardBrowser

UI = Path(__file__).resolve().parents[2] / "src" / "mht_desktop" / "ui"
FRONTS = ["Deadline to act on an access request?", "Normal adult resting pulse?"]


@pytest.fixture
def window(make_window: WindowFactory, ctx: AppContext, sample_bank_file: Path) -> MainWindow:
    ctx.banks.import_file_now(sample_bank_file)
    return make_window("Flashcards")


def _browser(window: MainWindow, qtbot: QtBot) -> CardBrowser:
    browser = CardBrowser(window.view_ctx, window.flashcards.service, window)
    qtbot.addWidget(browser)
    return browser


def _fronts(browser: CardBrowser) -> list[str]:
    return [row.front for row in browser.model.rows]


@pytest.mark.parametrize("mode", [QuizMode.EXAM, QuizMode.TUTOR])
def test_abandon_names_what_is_abandoned_and_no_keeps_it(
        window: MainWindow, ctx: AppContext, dialogs: ScriptedDialogs, mode: QuizMode) -> None:
    attempt = ctx.quiz(window.profile.id).start(QuizConfig(mode=mode, count=2, seed=1))
    window.nav.setCurrentRow(SECTIONS.index("Quiz"))
    quiz = window.quiz
    quiz.refresh()
    assert quiz.builder.pending is not None and quiz.builder.pending.id == attempt.id
    what = "exam" if mode is QuizMode.EXAM else "quiz"
    dialogs.answer_confirm(False)
    quiz.builder.abandon_button.click()
    [(_kind, title, text)] = [a for a in dialogs.asked if a[0] == "confirm"]
    assert title == f"Abandon {what}" and f"Abandon the unfinished {what}?" in text
    quiz.refresh()
    assert quiz.builder.pending is not None  # No: still there to resume


def _answer_box(answers: list[tuple[str, bool]], key: Qt.Key) -> None:
    """Like a person: read the box, then press ``key`` (Enter takes the default button)."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(20, lambda: _answer_box(answers, key))
        return
    answers.append((box.text(), box.defaultButton() is box.button(QMessageBox.StandardButton.No)))
    QTest.keyClick(box, key)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Escape])
def test_a_real_confirmation_defaults_to_no(qtbot: QtBot, key: Qt.Key) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    answers: list[tuple[str, bool]] = []
    QTimer.singleShot(0, lambda: _answer_box(answers, key))
    said_yes = QtDialogs().confirm(parent, "Delete learner", "Delete Ana and all of their "
                                   "progress? This cannot be undone.")
    assert answers == [("Delete Ana and all of their progress? This cannot be undone.", True)]
    assert said_yes is False


def test_no_confirmation_in_the_app_defaults_to_yes() -> None:
    # Every question goes through rich_text.ask (the sink check keeps QMessageBox there);
    # none of them may ask for Yes as the default.
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "default_yes" and not (
                    isinstance(node.value, ast.Constant) and node.value.value is False):
                offenders.append(f"{path.name}:{node.value.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "question" \
                    and isinstance(node.value, ast.Name) and node.value.id == "QMessageBox":
                offenders.append(f"{path.name}:{node.lineno} (QMessageBox.{node.attr})")
    assert offenders == []


def test_card_info_has_a_close_button(window: MainWindow, qtbot: QtBot) -> None:
    browser = _browser(window, qtbot)
    browser.table.selectRow(0)
    browser.show_info()
    dialog = browser.info_dialog
    assert dialog is not None and dialog.isVisible()
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close is not None and close.isVisible()
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_card_browser_sorts_a_to_z_counts_matches_and_remembers_the_sort(
        window: MainWindow, qtbot: QtBot) -> None:
    browser = _browser(window, qtbot)
    header = browser.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        0, Qt.SortOrder.AscendingOrder)
    assert _fronts(browser) == FRONTS
    assert browser.count_label.text() == "2 cards"
    qtbot.keyClicks(browser.search, "pulse")
    assert _fronts(browser) == FRONTS[1:]
    assert browser.count_label.text() == "1 of 2 cards"
    browser.search.clear()
    assert browser.count_label.text() == "2 cards"

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_centre(header, 0))
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _fronts(browser) == FRONTS[::-1]
    browser.close()
    again = _browser(window, qtbot)  # reopened: sorted as the learner left it
    assert again.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _fronts(again) == FRONTS[::-1]


def _section_centre(header: QHeaderView, section: int) -> QPoint:
    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2,
                  header.height() // 2)
