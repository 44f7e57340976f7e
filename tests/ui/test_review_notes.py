"""Content past its review date: the banks view says so, and the item carries a quiet note."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from tests.conftest import SAMPLE_BANK

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner

# The test clock reads 2026-01-05: these items fell due in June 2025.
LAPSED = SAMPLE_BANK.replace("reviewed = 2026-01-01\nreview_due = 2028-01-01",
                             "reviewed = 2024-06-01\nreview_due = 2025-06-01")


def _window(qtbot: QtBot, ctx: AppContext, tmp_path: Path, bank: str, section: str,
            ) -> MainWindow:
    path = tmp_path / "sample.mhtbank.toml"
    path.write_text(bank, encoding="utf-8")
    report, _ = ctx.banks.import_file_now(path)
    assert report.imported
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, profile, tasks=ImmediateTaskRunner(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(SECTIONS.index(section))
    return window


def test_the_banks_view_shows_review_status(qtbot: QtBot, ctx: AppContext,
                                            tmp_path: Path) -> None:
    window = _window(qtbot, ctx, tmp_path, LAPSED, "Question banks")
    assert window.banks.tree.topLevelItem(0).text(6) == "5 past review date"


def test_a_current_bank_shows_its_next_check(qtbot: QtBot, ctx: AppContext,
                                             tmp_path: Path) -> None:
    window = _window(qtbot, ctx, tmp_path, SAMPLE_BANK, "Question banks")
    assert window.banks.tree.topLevelItem(0).text(6) == "Current · next check Jan 2028"


def test_a_lapsed_flashcard_carries_a_last_checked_note(qtbot: QtBot, ctx: AppContext,
                                                        tmp_path: Path) -> None:
    view = _window(qtbot, ctx, tmp_path, LAPSED, "Flashcards").flashcards
    qtbot.mouseClick(view.study_all_button, Qt.MouseButton.LeftButton)
    assert "Last checked 1 Jun 2024; this may have changed" in view.review.card_view.toPlainText()


def test_a_current_flashcard_has_no_note(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    view = _window(qtbot, ctx, tmp_path, SAMPLE_BANK, "Flashcards").flashcards
    qtbot.mouseClick(view.study_all_button, Qt.MouseButton.LeftButton)
    assert "Last checked" not in view.review.card_view.toPlainText()


def test_a_lapsed_question_carries_a_last_checked_note(qtbot: QtBot, ctx: AppContext,
                                                       tmp_path: Path) -> None:
    quiz = _window(qtbot, ctx, tmp_path, LAPSED, "Quiz").quiz
    quiz.builder.mode_box.setCurrentIndex(quiz.builder.mode_box.findData(QuizMode.TUTOR))
    quiz.builder.count_spin.setValue(3)
    qtbot.mouseClick(quiz.builder.start_button, Qt.MouseButton.LeftButton)
    assert "Last checked 1 Jun 2024" in quiz.page.stem_view.toPlainText()
