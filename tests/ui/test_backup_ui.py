"""File ▸ Restore from backup…, the offer at start-up, and an answer that could not be saved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from tests.services.test_backups import _wreck
from tests.ui.conftest import ScriptedDialogs

from mht_desktop.core.clock import FixedClock
from mht_desktop.services.backups import list_backups
from mht_desktop.services.context import AppContext
from mht_desktop.storage.paths import DATABASE_NAME
from mht_desktop.ui import backup_dialog
from mht_desktop.ui.app import Startup
from mht_desktop.ui.backup_dialog import RestoreDialog, restore_from_backup
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, tmp_path: Path, sample_bank_file: Path,
           dialogs: ScriptedDialogs) -> MainWindow:
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    w = MainWindow(ctx, profile, tasks=ImmediateTaskRunner(), settings=settings,
                   dialogs=dialogs)
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_restore_dialog_lists_each_backup_and_asks_with_no_as_default(
        qtbot: QtBot, window: MainWindow, ctx: AppContext, clock: FixedClock) -> None:
    ctx.backups.create("manual")
    ctx.profiles.create("Ben")
    clock.current += timedelta(minutes=5)
    ctx.backups.create("auto")
    assert ctx.data_dir is not None
    asked: list[str] = []
    dialog = RestoreDialog(list_backups(ctx.data_dir), window,
                           confirm=lambda _p, _t, text: asked.append(text) or False)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert [table.item(r, 1).text() for r in range(2)] == ["auto", "manual"]  # newest first
    assert table.item(0, 2).text() == "Ana, Ben" and table.item(1, 2).text() == "Ana"
    assert table.item(0, 3).text() == "1"  # banks
    table.selectRow(1)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert asked and "manual" in asked[0] and dialog.chosen is None  # answered No
    dialog._confirm = lambda *_: True
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen is not None and dialog.chosen.reason == "manual"


def test_restore_from_the_menu_keeps_the_current_file_and_restarts(
        window: MainWindow, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx.backups.create("manual")
    ctx.banks.remove("sample")  # (takes its own backup first)
    told: list[str] = []
    monkeypatch.setattr(backup_dialog, "show_message", lambda _p, _t, text, **_: told.append(text))
    restarted: list[bool] = []
    restore_from_backup(window, restart=lambda: restarted.append(True),
                        choose=lambda backups: next(b for b in backups if b.reason == "manual"))
    assert restarted == [True]
    assert ctx.data_dir is not None
    replaced = sorted(ctx.data_dir.glob("mht-desktop-replaced-*.sqlite3"))
    assert len(replaced) == 1 and str(replaced[0]) in told[0]
    again = AppContext.open(ctx.data_dir)
    try:
        assert [b.id for b in again.banks.list()] == ["sample"]  # back as it was
    finally:
        again.close()


def test_a_damaged_database_at_start_up_offers_the_newest_good_backup(
        qtbot: QtBot, ctx: AppContext, sample_bank_file: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    ctx.profiles.create("Ana")
    ctx.backups.create("manual")
    data = ctx.data_dir
    assert data is not None
    ctx.close()
    _wreck(data / DATABASE_NAME)
    startup = Startup(data, profile_name="Ana")
    qtbot.addWidget(startup.window)
    offered: list[str] = []
    startup.confirm_restore = lambda _w, info, problem: offered.append(problem) or True
    with qtbot.waitSignal(startup.ready, timeout=60000):
        startup.begin()
    try:
        assert offered and "damaged" in offered[0]
        assert startup.window.attached and startup.window.profile is not None
        assert startup.window.profile.name == "Ana"
        assert list(data.glob("mht-desktop-replaced-*.sqlite3"))
        assert "Restored the backup" in startup.window.statusBar().currentMessage()
    finally:
        startup.close()


def test_an_answer_that_could_not_be_saved_says_so_and_can_be_retried(
        window: MainWindow, ctx: AppContext, qtbot: QtBot,
        dialogs: ScriptedDialogs) -> None:
    window.nav.setCurrentRow(SECTIONS.index("Flashcards"))
    view = window.flashcards
    qtbot.mouseClick(view.study_all_button, Qt.MouseButton.LeftButton)
    page = view.review
    qtbot.keyClick(page, Qt.Key.Key_Space)
    front = page.card_view.toPlainText()

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only = ON")  # every write is refused
    ctx.db.engine.dispose()
    event.listen(ctx.db.engine, "connect", read_only)
    qtbot.keyClick(page, Qt.Key.Key_3)
    errors = [text for kind, _title, text in dialogs.asked if kind == "error"]
    assert errors and "not saved" in errors[0] and "Nothing you saved was lost" not in errors[0]
    assert "not saved" in window.statusBar().currentMessage()
    assert page.card_view.toPlainText() == front and page.answer_row.isVisible()
    event.remove(ctx.db.engine, "connect", read_only)
    ctx.db.engine.dispose()
    qtbot.keyClick(page, Qt.Key.Key_3)  # the retry is saved
    with ctx.db.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM review_logs").scalar() == 1
