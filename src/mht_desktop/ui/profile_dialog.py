"""Choosing who is studying: the first-run welcome and the profile switcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.errors import MhtError
from mht_desktop.core.profiles import Profile
from mht_desktop.ui.dialogs import ask_profile_name
from mht_desktop.ui.rich_text import show_message
from mht_desktop.ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext


class WelcomeDialog(QDialog):
    """First run: ask the learner's name and create their profile."""

    def __init__(self, app_ctx: AppContext, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_ctx = app_ctx
        self.tasks = tasks
        self.created: Profile | None = None
        self.setWindowTitle("Welcome to MHT Desktop")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<h2>Welcome</h2><p>MHT Desktop helps you prepare for work and certification as a "
            "mental health technician. Several people can share this computer: each gets "
            "their own progress.</p><p>What should we call you?</p>")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Your name")
        layout.addWidget(self.name_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.addButton("Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setEnabled(False)
        self.name_edit.textChanged.connect(
            lambda text: self.start_button.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _create(self) -> None:
        """Create the learner on the database lane; the dialog closes when it is stored."""
        name, profiles = self.name_edit.text(), self.app_ctx.profiles
        self.start_button.setEnabled(False)  # one learner per press, however slow the disk

        def created(result: tuple[Profile, object]) -> None:
            self.created = result[0]
            self.accept()

        def failed(exc: BaseException) -> None:
            self.start_button.setEnabled(bool(self.name_edit.text().strip()))
            if isinstance(exc, MhtError):
                show_message(self, "MHT Desktop", str(exc))  # e.g. the name is taken
            else:
                self.tasks.default_error_handler(exc)

        self.tasks.run(lambda: profiles.create(name), on_done=created, on_error=failed)


class ProfilePicker(QDialog):
    """Lists learners; open one or add a new one."""

    def __init__(self, app_ctx: AppContext, profiles: list[Profile], tasks: TaskRunner, *,
                 current: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_ctx = app_ctx
        self.tasks = tasks
        self.chosen: Profile | None = None
        self.setWindowTitle("Who is studying?")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Choose your profile:"))
        self.list = QListWidget()
        for profile in profiles:  # read on the lane by the caller
            item = QListWidgetItem(profile.name)
            item.setData(Qt.ItemDataRole.UserRole, profile)
            self.list.addItem(item)
            if profile.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self._open())
        layout.addWidget(self.list)
        new_button = QPushButton("New learner…")
        new_button.clicked.connect(self._new)
        layout.addWidget(new_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def _new(self) -> None:
        name = ask_profile_name(self, "New learner", "Name of the new learner:")
        if name is None:
            return
        profiles = self.app_ctx.profiles

        def created(result: tuple[Profile, object]) -> None:
            self.chosen = result[0]
            self.accept()

        def failed(exc: BaseException) -> None:
            show_message(self, "MHT Desktop", str(exc))

        self.tasks.run(lambda: profiles.create(name), on_done=created, on_error=failed)
