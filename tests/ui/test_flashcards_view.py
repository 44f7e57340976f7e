from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from mht_desktop.core.cards import CardState
from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner
from mht_desktop.ui.views.card_browser import CardBrowser


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, tmp_path: Path, sample_bank_file: Path) -> MainWindow:
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(ctx, profile, tasks=ImmediateTaskRunner(), settings=settings)
    qtbot.addWidget(w)
    w.show()
    w.nav.setCurrentRow(SECTIONS.index("Flashcards"))
    return w


def test_deck_list_shows_banks_and_topics(window: MainWindow) -> None:
    view = window.flashcards
    top = view.deck_tree.topLevelItem(0)
    assert (top.text(0), top.text(1), top.text(3)) == ("Sample bank", "2", "0")
    assert sorted(top.child(i).text(0) for i in range(top.childCount())) == ["Privacy", "Safety"]


def test_review_session_with_the_keyboard_alone(window: MainWindow, qtbot: QtBot,
                                                ctx: AppContext) -> None:
    view = window.flashcards
    qtbot.mouseClick(view.study_all_button, Qt.MouseButton.LeftButton)
    page = view.review
    assert page.isVisible() and "Normal adult resting pulse?" in page.card_view.toPlainText()
    assert not page.answer_row.isVisible()
    qtbot.keyClick(page, Qt.Key.Key_Space)  # show the answer
    assert page.answer_row.isVisible()
    assert "60–100" in page.card_view.toPlainText()
    assert "10m" in page.rating_buttons[3].text()  # Good shows its next interval (3)
    qtbot.keyClick(page, Qt.Key.Key_3)  # Good
    assert "Deadline to act on an access request?" in page.card_view.toPlainText()
    qtbot.keyClick(page, Qt.Key.Key_Space)
    qtbot.keyClick(page, Qt.Key.Key_1)  # Again
    # Edit › Undo names the step; the real Ctrl+Z brings the second card back, unanswered.
    assert window.undo_action.text() == "&Undo answer"
    window.activateWindow()
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Deadline to act" in page.card_view.toPlainText() and not view.revealed
    qtbot.keyClick(page, Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_4)  # Easy
    with ctx.db.engine.connect() as c:
        ratings = [r for (r,) in c.exec_driver_sql("SELECT rating FROM review_logs ORDER BY id")]
    assert ratings == [3, 4]
    # The first card is still in learning (10 minutes): nothing else today → summary.
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert view.summary_page.isVisible()
    assert "You answered 2 card(s)" in view.summary_label.text()
    qtbot.keyClick(view.summary_page, Qt.Key.Key_Return)
    assert view.deck_page.isVisible()


def test_bury_and_cram_keep_schedules(window: MainWindow, qtbot: QtBot,
                                      ctx: AppContext) -> None:
    view = window.flashcards
    view.deck_tree.setCurrentItem(view.deck_tree.topLevelItem(0))
    view.cram_selected()
    page = view.review
    assert "Cram" in page.deck_label.text()
    for _ in range(2):
        qtbot.keyClick(page, Qt.Key.Key_Space)
        qtbot.keyClick(page, Qt.Key.Key_3)
    assert view.summary_page.isVisible()
    rows = view.service.browse(__import__("mht_desktop.storage.card_browser", fromlist=["x"])
                               .BrowseQuery())
    assert all(r.state is CardState.NEW for r in rows)


def test_card_browser_model(window: MainWindow, qtmodeltester: object) -> None:
    browser = CardBrowser(window.view_ctx, window.flashcards.service, window)
    assert browser.model.rowCount() == 2
    qtmodeltester.check(browser.model)  # type: ignore[attr-defined]
    browser.search.setText("pulse")
    assert browser.model.rowCount() == 1
    browser.table.selectRow(0)
    browser.toggle_suspend()
    assert "suspended" in browser.model.data(browser.model.index(0, 2))


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Space])
def test_enter_or_space_on_the_deck_list_starts_studying(window: MainWindow, qtbot: QtBot,
                                                         key: Qt.Key) -> None:
    view = window.flashcards
    assert view.deck_tree.currentItem() is view.deck_tree.topLevelItem(0)
    view.deck_tree.setFocus()
    qtbot.keyClick(view.deck_tree, key)
    assert view.review.isVisible()
    assert "Normal adult resting pulse?" in view.review.card_view.toPlainText()
