"""Starting the window: show it at once, open the data on the worker lane, then fill it.

Importing the data layer (SQLAlchemy, the models, the services) takes longer than Qt needs to
show a bare window, so start-up does not wait for it: the main window opens as a shell, the
database is opened on the task lane, and the learner's section appears when it is ready.
Nothing here imports the data layer at module level.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from mht_desktop.core.errors import DatabaseDamagedError, MhtError
from mht_desktop.core.profiles import Profile
from mht_desktop.storage.paths import resolve_data_dir
from mht_desktop.ui.imports import forget_imported_sources, import_and_forget_source
from mht_desktop.ui.main_window import MainWindow
from mht_desktop.ui.rich_text import plain_label, show_message
from mht_desktop.ui.task_runner import TaskRunner
from mht_desktop.ui.window_frame import app_icon

if TYPE_CHECKING:
    from mht_desktop.services.backups import BackupInfo
    from mht_desktop.services.context import AppContext
    from mht_desktop.ui.server_actions import Reopen


def ui_settings(data_dir: Path | None) -> QSettings:
    """Window and look settings, kept beside the database (not in the user's registry)."""
    if data_dir is None:
        return QSettings()
    return QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)


def choose_profile(app_ctx: AppContext, profiles: Sequence[Profile], tasks: TaskRunner, *,
                   parent: QWidget | None = None) -> Profile | None:
    """The learner to open: the only one, the one picked, or a new one on first run.

    Args:
        app_ctx: The open data.
        profiles: The learners, most recently used first (read on the worker lane).
        tasks: The lane, for a learner created in the picker.
        parent: The window the dialogs belong to.
    """
    from mht_desktop.ui.profile_dialog import ProfilePicker, WelcomeDialog

    if not profiles:
        welcome = WelcomeDialog(app_ctx, tasks, parent)
        return welcome.created if welcome.exec() == QDialog.DialogCode.Accepted else None
    if len(profiles) == 1:
        return profiles[0]
    picker = ProfilePicker(app_ctx, list(profiles), tasks, current=profiles[0].id, parent=parent)
    return picker.chosen if picker.exec() == QDialog.DialogCode.Accepted else None


# Importing the data layer in steps lets the source text PySide6's import hook reads (see
# ui/imports.py) be dropped between steps instead of piling up: about 12 MB at the peak.
DATA_LAYER_STEPS = ("sqlalchemy.util", "sqlalchemy.sql", "sqlalchemy.engine", "sqlalchemy",
                    "sqlalchemy.orm", "mht_desktop.storage.models",
                    "mht_desktop.services.context")


def import_data_layer() -> None:
    """Import SQLAlchemy and the services (slow: call it off the UI thread)."""
    for name in DATA_LAYER_STEPS:
        import_and_forget_source(name)


def _open_data(data_dir: Path,
               database_url: str | None = None) -> tuple[AppContext, list[Profile]]:
    """On the worker lane: import the data layer, open the database, list the learners.

    With a ``database_url`` the data is the training program's server instead of the folder;
    when the server cannot be reached, the copy made at the last connect (if any), so the
    trainee studies offline.
    """
    import_data_layer()
    from mht_desktop.services.context import AppContext

    if database_url is None:
        app_ctx = AppContext.open(data_dir)
    else:
        from mht_desktop.core.errors import ServerUnreachableError
        from mht_desktop.services.credentials import complete_url
        from mht_desktop.services.replica import has_replica

        # The keychain is asked here, on the lane; PasswordNeeded sends the window to ask.
        url = complete_url(database_url)[0]
        try:
            app_ctx = AppContext.open_url(url)
        except ServerUnreachableError:
            if not has_replica(data_dir, url):
                raise
            app_ctx = AppContext.open_offline(url, data_dir)
    try:
        if app_ctx.db.is_server:  # a trainee or instructor opens their own profile only
            own = app_ctx.profiles.own()
            if own is not None:
                return app_ctx, [own]
        return app_ctx, app_ctx.profiles.list()
    except BaseException:
        app_ctx.close()
        raise


# How often the window checks the offline outbox (a local count; the server only when
# answers are waiting).
OUTBOX_POLL_MS = 5000


class Startup(QObject):
    """One start of the app: the window, the task lane and, once open, the data.

    Signals:
        ready: the learner's data is open and their section has what it shows.
        failed: the data could not be opened (the message says what and where).
        cancelled: nobody was chosen to study (the welcome or picker was closed).
        replaced: the window asked to open again (on a server, or on this computer): the
            new ``Startup`` has begun, and this one closes.
    """

    ready = Signal()
    failed = Signal(str)
    cancelled = Signal()
    # File › Connect / Disconnect: a new start (already begun) takes over from this one.
    replaced = Signal(object)

    def __init__(self, data_dir: Path, *, profile_name: str | None = None,
                 database_url: str | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.database_url = database_url
        self.profile_name = profile_name
        self.app_ctx: AppContext | None = None
        self._offered_backup = False
        # Asks whether to restore the newest good backup of a damaged database (tests answer).
        self.confirm_restore: Callable[[QWidget | None, BackupInfo, str], bool] = _ask_restore
        self.tasks = TaskRunner()
        self.window = MainWindow(None, None, tasks=self.tasks, settings=ui_settings(data_dir))
        self.window.apply_look()
        self.window.local_data_dir = data_dir
        self.window.reopen_requested.connect(self._reopen)
        forget_imported_sources()  # what the hook read of the window's own modules

    def begin(self) -> None:
        """Show the window and start opening the data in the background."""
        self.window.show()
        QTimer.singleShot(0, self.window.raise_)
        self.tasks.run(lambda: _open_data(self.data_dir, self.database_url), on_done=self._opened,
                       on_error=self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        from mht_desktop.services.credentials import PasswordNeeded

        if isinstance(exc, PasswordNeeded) and self.database_url is not None:
            self._ask_password(exc.login)
            return
        if self.database_url is None and isinstance(exc, DatabaseDamagedError) \
                and not self._offered_backup:
            # Instead of stopping: look (on the lane) for the newest good backup to offer.
            self._offered_backup = True
            data_dir = self.data_dir

            def newest() -> BackupInfo | None:
                from mht_desktop.services.backups import newest_good_backup

                return newest_good_backup(data_dir)
            self.tasks.run(newest, on_done=lambda info: self._offer_backup(info, exc),
                           on_error=lambda _: self._give_up(exc))
            return
        self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, MhtError) else f"Unexpected error: {exc}"
        show_message(self.window, "MHT Desktop cannot start", message,
                     icon=QMessageBox.Icon.Critical)
        self.failed.emit(message)

    def _ask_password(self, login: str) -> None:
        """Ask for the server password (not in the URL, not in the keychain), then retry."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        password, ok = QInputDialog.getText(
            self.window, "Sign in to your program's server", f"Password for {login}:",
            QLineEdit.EchoMode.Password)
        if not ok or not password:
            self.cancelled.emit()
            return
        from mht_desktop.services.credentials import remember_password, with_password

        url = self.database_url
        assert url is not None
        full_url = with_password(url, password)

        def open_and_remember() -> tuple[AppContext, list[Profile]]:
            opened = _open_data(self.data_dir, full_url)
            remember_password(url, password)  # it worked: the keychain keeps it, if any
            return opened

        self.tasks.run(open_and_remember, on_done=self._opened, on_error=self._open_failed)

    def _offer_backup(self, info: BackupInfo | None, exc: BaseException) -> None:
        if info is None or not self.confirm_restore(self.window, info, str(exc)):
            self._give_up(exc)
            return
        data_dir, path = self.data_dir, info.path

        def restore_and_open() -> tuple[str, tuple[AppContext, list[Profile]]]:
            from mht_desktop.services.backups import restore_backup

            result = restore_backup(data_dir, path, datetime.now(UTC))
            return result.message(), _open_data(data_dir)

        def restored(result: tuple[str, tuple[AppContext, list[Profile]]]) -> None:
            said, opened = result
            # Said once the window shows the learner's data, so start-up's own "Working…"
            # does not cover it.
            self.ready.connect(lambda: self.window.statusBar().showMessage(said, 30000))
            self._opened(opened)

        self.tasks.run(restore_and_open, on_done=restored, on_error=self._give_up)

    def _opened(self, result: tuple[AppContext, list[Profile]]) -> None:
        app_ctx, profiles = result
        self.app_ctx = app_ctx
        named = [p for p in profiles if p.name == self.profile_name]
        if named:
            profile: Profile | None = named[0]
        else:
            self.window.set_waiting_for_learner(len(profiles) != 1)
            profile = choose_profile(app_ctx, profiles, self.tasks, parent=self.window)
            self.window.set_waiting_for_learner(False)
        if profile is None:
            self.cancelled.emit()
            return
        if self.database_url is None:  # a profile saved with a server URL connects to it
            self.tasks.run(lambda: app_ctx.profiles.settings(profile.id).server_url,
                           on_done=lambda url: self._connect_or_attach(app_ctx, profile, url))
            return
        self._attach(app_ctx, profile)

    def _connect_or_attach(self, app_ctx: AppContext, profile: Profile, url: str) -> None:
        if not url:
            self._attach(app_ctx, profile)
            return
        self.database_url, self.profile_name, self.app_ctx = url, None, None
        data_dir = self.data_dir

        def connect() -> tuple[AppContext, list[Profile]]:
            app_ctx.close()  # the local file: this profile's progress is on the server
            return _open_data(data_dir, url)

        self.tasks.run(connect, on_done=self._opened, on_error=self._open_failed)

    def _attach(self, app_ctx: AppContext, profile: Profile) -> None:
        self.tasks.run(lambda: app_ctx.profiles.mark_used(profile.id))
        if app_ctx.db.is_server or app_ctx.offline:
            # Before the views are built: their study and quiz services keep answers in it.
            app_ctx.attach_outbox(self.data_dir)
        self.window.attach(app_ctx, profile)
        window = self.window
        if app_ctx.db.notices:  # e.g. permissions tightened: said once
            window.statusBar().showMessage(" ".join(app_ctx.db.notices), 20000)
        if self.database_url is None:  # on a program's server the coordinator loads the banks
            self.tasks.run(app_ctx.banks.ensure_builtin_banks, on_done=window.publish,
                           on_error=lambda exc: window.statusBar().showMessage(str(exc), 15000))
        if app_ctx.db.is_server or app_ctx.offline:
            self._watch_outbox(app_ctx)
        if app_ctx.db.is_server:
            self._after_connect(app_ctx, profile)
        # The lane is serial, so this runs after the section's first load and the check of
        # the shipped banks: the window is then showing the learner's data.
        self.tasks.run(lambda: None, on_done=lambda _: self.ready.emit())

    def _after_connect(self, app_ctx: AppContext, profile: Profile) -> None:
        """On the lane: send what waits, refresh the offline copy, remember this login."""
        data_dir, url = self.data_dir, self.database_url
        assert url is not None

        def sync() -> None:
            from mht_desktop.services.context import AppContext
            from mht_desktop.services.replica import refresh_replica

            own = app_ctx.profiles.own()
            if own is None or own.id != profile.id:
                return  # the coordinator looking at someone's profile: nothing to keep
            outbox = app_ctx.outbox
            if outbox is not None and outbox.waiting:
                outbox.flush()
            if outbox is None or not outbox.waiting:  # never over answers not yet sent
                refresh_replica(app_ctx.db, data_dir, url, profile.id, app_ctx.clock)
            local = AppContext.open(data_dir)
            try:  # next time, picking this profile connects (the password is not saved)
                local.profiles.remember_server_login(profile.name, url)
            finally:
                local.close()

        self.tasks.run(sync, on_error=lambda exc: self.window.statusBar().showMessage(
            f"Could not keep an offline copy: {exc}", 15000))

    def _watch_outbox(self, app_ctx: AppContext) -> None:
        """Server mode: answers wait in an outbox while offline; say so, and keep sending."""

        self.outbox_label = plain_label()
        self.outbox_label.setObjectName("outboxStatus")
        self.outbox_label.hide()
        self.window.statusBar().addPermanentWidget(self.outbox_label)

        def send() -> tuple[int, int, bool]:
            outbox = app_ctx.outbox
            if outbox is None:
                return 0, 0, True
            if outbox.waiting:
                outbox.flush()
            return outbox.waiting, outbox.answers_waiting, outbox.online

        def show(state: tuple[int, int, bool]) -> None:
            waiting, answers, online = state
            if waiting:
                state_text = "offline" if not online else "sending"
                if answers:
                    noun = "answer" if answers == 1 else "answers"
                    self.outbox_label.setText(f"{state_text} — {answers} {noun} waiting")
                else:  # a quiz started or ended offline, nothing answered in it yet
                    self.outbox_label.setText(f"{state_text} — a quiz waiting to be sent")
            elif app_ctx.offline:  # started without the server: say what is studied from
                self.outbox_label.setText("connected again — every answer sent" if online
                                          else "offline — studying from this computer's copy")
            self.outbox_label.setVisible(bool(waiting) or app_ctx.offline)

        self.outbox_timer = QTimer(self)
        self.outbox_timer.setInterval(OUTBOX_POLL_MS)
        self.outbox_timer.timeout.connect(
            lambda: self.tasks.run(send, on_done=show, on_error=lambda _exc: None))
        self.outbox_timer.start()
        self.tasks.run(send, on_done=show, on_error=lambda _exc: None)  # at once, not in 5 s

    def _reopen(self, request: Reopen) -> None:
        """Open the app again as ``request`` says, in a new window, and close this one."""
        new = Startup(self.data_dir, profile_name=request.profile_name,
                      database_url=request.database_url)
        new.window.dialogs = self.window.dialogs  # the same way of asking (tests script it)
        self.replaced.emit(new)
        new.begin()  # its window shows first, so closing this one does not quit the app
        self.window.close()
        self.close()

    def close(self) -> None:
        """Wait for queued work, then release the database."""
        if hasattr(self, "outbox_timer"):
            self.outbox_timer.stop()
        self.tasks.wait()
        if self.app_ctx is not None:
            self.app_ctx.close()
            self.app_ctx = None


def _ask_restore(parent: QWidget | None, info: BackupInfo, problem: str) -> bool:
    from mht_desktop.ui.backup_dialog import offer_newest_backup

    return offer_newest_backup(parent, info, problem)


def run_app(data_dir: str | None = None, database_url: str | None = None) -> int:
    """Run the GUI until the window closes; returns the exit code.

    Args:
        data_dir: The local data folder (window settings live there in server mode too).
        database_url: A training program's PostgreSQL server to study on instead.
    """
    from mht_desktop.ui import error_reporting, gui_thread_guard

    guard = gui_thread_guard.wanted()
    app_cls = gui_thread_guard.GuardedApplication if guard else QApplication
    app = QApplication.instance() or app_cls(sys.argv[:1])
    assert isinstance(app, QApplication)
    if guard:
        gui_thread_guard.enable()
    error_reporting.install()  # uncaught errors: logged, and a dialog with "Copy details"
    app.setApplicationName("MHT Desktop")
    app.setOrganizationName("mht-desktop")
    app.setWindowIcon(app_icon())
    try:
        path = resolve_data_dir(data_dir)
    except MhtError as exc:
        show_message(None, "MHT Desktop cannot start", str(exc), icon=QMessageBox.Icon.Critical)
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1
    startup = Startup(path, database_url=database_url)

    def failed(message: str) -> None:
        print(f"mht-desktop: {message}", file=sys.stderr)
        app.exit(1)

    current = [startup]

    def follow(new: Startup) -> None:  # File › Connect / Disconnect opened the app again
        current[0] = new
        wire(new)

    def wire(one: Startup) -> None:
        one.failed.connect(failed)
        one.cancelled.connect(lambda: app.exit(0))
        one.replaced.connect(follow)

    wire(startup)
    startup.begin()
    code = app.exec()
    current[0].close()
    return code
