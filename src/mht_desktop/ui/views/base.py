"""What every section of the main window shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from mht_desktop.core.changes import Changes
from mht_desktop.ui.changes_bus import ChangesBus
from mht_desktop.ui.dialog_service import Dialogs, QtDialogs
from mht_desktop.ui.sections import Navigation, NoNavigation
from mht_desktop.ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext


@dataclass
class ViewContext:
    """What a view needs: the services, the DB lane, the change bus, and who is studying.

    ``dialogs`` is how a view asks the learner anything (tests script the answers);
    ``nav`` is how it goes to another section (``ctx.nav.show_section(QUIZ)``).
    """

    app: AppContext
    tasks: TaskRunner
    bus: ChangesBus
    profile_id: int
    dark: bool = False
    dialogs: Dialogs = field(default_factory=QtDialogs)
    nav: Navigation = field(default_factory=NoNavigation)


class SectionView(QWidget):
    """A section of the main window that refreshes from change notifications.

    A view marks itself stale when something it shows changes, and redraws the next time it
    is shown (Anki's pattern), so hidden views cost nothing.
    """

    title = "Section"
    undo_label_changed = Signal()
    _undo_label: str | None = None

    @property
    def undo_label(self) -> str | None:
        """The name of the step Undo would take back here ("Undo answer"), or None.

        Views keep it from what the lane last told them, so the Edit menu can name the step
        without asking the database.
        """
        return self._undo_label

    def set_undo_label(self, label: str | None) -> None:
        """Remember the name of the step Undo would take back (see :attr:`undo_label`)."""
        if label != self._undo_label:
            self._undo_label = label
            self.undo_label_changed.emit()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.bus.changed.connect(self._on_bus_changed)

    def watches(self, changes: Changes) -> bool:
        """Whether ``changes`` affect this view (override)."""
        return changes.any

    def refresh(self) -> None:
        """Reload what the view shows (override)."""

    def set_profile(self, profile_id: int) -> None:
        """Switch to another learner."""
        self.ctx.profile_id = profile_id
        self.mark_stale()

    def mark_stale(self) -> None:
        """Redraw now if visible, else on the next show."""
        self._stale = True
        if self.isVisible():
            self._refresh_now()

    def _refresh_now(self) -> None:
        self._stale = False
        self.refresh()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self._refresh_now()

    def _on_bus_changed(self, changes: Changes, initiator: object = None) -> None:
        # A view's own change was already applied from the call's result.
        if initiator is not self and self.watches(changes):
            self.mark_stale()

    def status(self, message: str, msecs: int = 8000) -> None:
        """Show a passing message in the window's status bar."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, msecs)

    def show_error(self, exc: BaseException) -> None:
        """Tell the user what went wrong: expected errors in their own words, bugs plainly.

        One path for every view (``ui.error_reporting``): an unexpected error is logged with
        its traceback and shown with "Copy details".
        """
        self.ctx.dialogs.error(self, exc)
