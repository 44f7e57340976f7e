"""File ▸ Create backup and File ▸ Restore from backup…, and the offer made at start-up.

Everything that touches a file runs on the database lane through the task runner; this module
only shows lists and asks. A restore replaces the database under the open window, so after it
the app starts again on the restored data (the window's services hold the old connection).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QProcess, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.ui.rich_text import ask, plain_label, show_message

if TYPE_CHECKING:
    from mht_desktop.services.backups import BackupInfo, RestoreResult
    from mht_desktop.services.context import AppContext
    from mht_desktop.ui.main_window import MainWindow
    from mht_desktop.ui.task_runner import TaskRunner

COLUMNS = ("Taken", "Why", "Learners", "Banks", "Reviews", "Quizzes")


class RestoreDialog(QDialog):
    """Lists the backups with what each holds; Restore asks once more (No is the default)."""

    def __init__(self, backups: list[BackupInfo], parent: QWidget | None = None, *,
                 confirm: Callable[[QWidget, str, str], bool] = ask) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.resize(760, 380)
        self.backups = backups
        self.chosen: BackupInfo | None = None
        self._confirm = confirm
        layout = QVBoxLayout(self)
        intro = plain_label(
            "Choose the backup to go back to. Your current data is not deleted: the file is "
            "renamed and kept beside the database, and MHT Desktop starts again on the backup.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(backups), len(COLUMNS))
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, info in enumerate(backups):
            c = info.contents
            cells = [info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                     info.reason.replace("-", " "),
                     ", ".join(c.learners) if c else f"cannot be used: {info.problem}",
                     str(c.banks) if c else "", f"{c.reviews:,}" if c else "",
                     f"{c.attempts:,}" if c else ""]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if not info.usable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col in (0, 1, 3, 4, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        if not backups:
            layout.addWidget(plain_label("No backups yet. File ▸ Create backup makes one; the "
                                         "app also makes one every 30 minutes and on closing."))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "Restore…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self._on_restore)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.table.itemSelectionChanged.connect(self._on_selection)
        usable = next((i for i, b in enumerate(backups) if b.usable), None)
        if usable is not None:
            self.table.selectRow(usable)

    def _selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        info = self.backups[rows[0].row()]
        return info if info.usable else None

    def _on_selection(self) -> None:
        self.restore_button.setEnabled(self._selected() is not None)

    def _on_restore(self) -> None:
        info = self._selected()
        if info is None:
            return
        if not self._confirm(self, "Restore from backup",
                             f"Replace your current data with the backup {info.describe()}?\n\n"
                             "Anything done since then is no longer shown. The current "
                             "database is kept, renamed, beside the backup's copy."):
            return
        self.chosen = info
        self.accept()


def _tell(parent: QWidget) -> Callable[[BaseException], None]:
    def tell(exc: BaseException) -> None:
        show_message(parent, "MHT Desktop", str(exc))
    return tell


def restart_app() -> None:
    """Start MHT Desktop again (same arguments) and quit this one."""
    QProcess.startDetached(sys.executable, sys.argv)
    app = QApplication.instance()
    if app is not None:
        app.quit()


def create_backup(window: MainWindow) -> None:
    """File ▸ Create backup, on the lane; the status bar says where it went."""
    app_ctx = window.app_ctx
    if app_ctx is None:
        return
    window.tasks.run(lambda: app_ctx.backups.create("manual"),
                     on_done=lambda info: window.statusBar().showMessage(
                         f"Backup saved: {info.path}", 10000),
                     on_error=_tell(window), label="Creating a backup…", parent=window)


def restore_from_backup(window: MainWindow, *,
                        choose: Callable[[list[BackupInfo]], BackupInfo | None] | None = None,
                        restart: Callable[[], None] = restart_app) -> None:
    """File ▸ Restore from backup…: list (lane), choose and confirm, restore (lane), restart.

    Args:
        window: The main window (its task runner and data).
        choose: Picks a backup instead of the dialog (tests).
        restart: Starts the app again on the restored data (tests replace it).
    """
    from mht_desktop.services.backups import list_backups, restore_backup

    app_ctx, tasks = window.app_ctx, window.tasks
    if app_ctx is None:
        return
    if app_ctx.db.path is None:
        show_message(window, "MHT Desktop", "Backups are made of a local data folder; a "
                     "program's server is backed up by its coordinator.")
        return
    data_dir = app_ctx.db.path.parent

    def pick(backups: list[BackupInfo]) -> None:
        if choose is not None:
            chosen = choose(backups)
        else:
            dialog = RestoreDialog(backups, window)
            chosen = dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        if chosen is None:
            return
        path = chosen.path

        def work() -> RestoreResult:
            app_ctx.close()  # release the file; the app restarts on the restored data
            return restore_backup(data_dir, path, datetime.now(UTC))

        def done(result: RestoreResult) -> None:
            show_message(window, "MHT Desktop", result.message() + "\n\nMHT Desktop now starts "
                         "again on the restored data.", icon=QMessageBox.Icon.Information)
            restart()

        tasks.run(work, on_done=done, label="Restoring the backup…", parent=window,
                  on_error=_tell(window))

    tasks.run(lambda: list_backups(data_dir), on_done=pick, on_error=_tell(window))


def offer_newest_backup(parent: QWidget | None, info: BackupInfo, problem: str) -> bool:
    """At start-up, for a damaged database: ask whether to restore ``info`` (default No)."""
    return ask(parent, "MHT Desktop: the database is damaged",
               f"{problem}\n\nThe newest good backup is {info.describe()}.\n\nRestore it now? "
               "The damaged file is kept, renamed, beside it.")


def damaged_database_dir(exc: BaseException, data_dir: Path) -> Path | None:
    """The data folder to offer a backup for, when ``exc`` says its database is damaged."""
    from mht_desktop.core.errors import DatabaseDamagedError

    return data_dir if isinstance(exc, DatabaseDamagedError) else None


class BackupSchedule(QObject):
    """The automatic backups of an open window: every 30 minutes of use, and on closing.

    The timer only asks; the service decides (a backup is due once the window has been in use
    30 minutes and the newest backup is older than that), on the lane.
    """

    CHECK_EVERY_MS = 5 * 60 * 1000

    def __init__(self, window: QMainWindow, tasks: TaskRunner, app_ctx: AppContext) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._app_ctx = app_ctx
        self._used_since = app_ctx.clock.now()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        if app_ctx.db.path is not None:  # a program's server is backed up by its coordinator
            self.timer.start(self.CHECK_EVERY_MS)

    def check(self) -> None:
        """Take the every-30-minutes backup if it is due (on the lane)."""
        backups, since = self._app_ctx.backups, self._used_since
        self._tasks.run(lambda: backups.create_if_due(since), on_done=self._said,
                        on_error=self._failed)

    def on_close(self) -> None:
        """Queue the closing backup (the window waits for the lane before it goes)."""
        self.timer.stop()
        if self._app_ctx.db.path is None:
            return
        backups = self._app_ctx.backups
        self._tasks.run(lambda: backups.create("on-close"), on_error=self._failed)

    def _said(self, info: BackupInfo | None) -> None:
        if info is not None:
            self._window.statusBar().showMessage(f"Backup saved: {info.path.name}", 8000)

    def _failed(self, exc: BaseException) -> None:
        # A failed automatic backup must not interrupt study, but must not pass unseen.
        self._window.statusBar().showMessage(f"The automatic backup failed: {exc}", 20000)
