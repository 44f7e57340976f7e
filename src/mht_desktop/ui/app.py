"""Starting the window: open the data, choose the learner, show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from mht_desktop.core.errors import MhtError
from mht_desktop.core.profiles import Profile
from mht_desktop.services.context import AppContext
from mht_desktop.storage.paths import resolve_data_dir
from mht_desktop.ui.main_window import MainWindow, app_icon
from mht_desktop.ui.profile_dialog import ProfilePicker, WelcomeDialog
from mht_desktop.ui.task_runner import TaskRunner


def ui_settings(data_dir: Path | None) -> QSettings:
    """Window and look settings, kept beside the database (not in the user's registry)."""
    if data_dir is None:
        return QSettings()
    return QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)


def choose_profile(app_ctx: AppContext) -> Profile | None:
    """The learner to open: the only one, the one picked, or a new one on first run."""
    profiles = app_ctx.profiles.list()
    if not profiles:
        welcome = WelcomeDialog(app_ctx)
        return welcome.created if welcome.exec() == QDialog.DialogCode.Accepted else None
    if len(profiles) == 1:
        return profiles[0]
    picker = ProfilePicker(app_ctx, current=profiles[0].id)
    return picker.chosen if picker.exec() == QDialog.DialogCode.Accepted else None


def build_window(app_ctx: AppContext, profile: Profile, tasks: TaskRunner) -> MainWindow:
    """The main window for ``profile``, with the shipped banks loading in the background."""
    window = MainWindow(app_ctx, profile, tasks=tasks, settings=ui_settings(app_ctx.data_dir))
    window.apply_look()
    tasks.run(app_ctx.banks.ensure_builtin_banks, on_done=window.publish,
              on_error=lambda exc: window.statusBar().showMessage(str(exc), 15000))
    return window


def run_app(data_dir: str | None = None) -> int:
    """Run the GUI until the window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("MHT Desktop")
    app.setOrganizationName("mht-desktop")
    app.setWindowIcon(app_icon())
    try:
        app_ctx = AppContext.open(resolve_data_dir(data_dir))
    except MhtError as exc:
        QMessageBox.critical(None, "MHT Desktop cannot start", str(exc))
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1
    profile = choose_profile(app_ctx)
    if profile is None:
        app_ctx.close()
        return 0
    app_ctx.profiles.mark_used(profile.id)
    tasks = TaskRunner()
    window = build_window(app_ctx, profile, tasks)
    window.show()
    QTimer.singleShot(0, window.raise_)
    code = app.exec()
    tasks.wait()
    app_ctx.close()
    return code
