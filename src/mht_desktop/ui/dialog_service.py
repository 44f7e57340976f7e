"""How views ask the learner something: one :class:`Dialogs` object in the view context.

Views never open a modal ``QMessageBox`` or file dialog themselves; they ask the context's
``dialogs``. The application passes :class:`QtDialogs`; tests pass a scripted object with the
same methods (the pattern Mnemosyne uses for its review widget), so no modal dialog can hang
a test and a test can check what the learner was asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from mht_desktop.ui.rich_text import ask, show_message

if TYPE_CHECKING:
    from mht_desktop.core.server_login import ServerLogin


class Dialogs(Protocol):
    """Questions a view may put to the learner."""

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        """A Yes/No question; True for Yes."""
        ...

    def ask_text(self, parent: QWidget, title: str, label: str, text: str) -> str | None:
        """Multi-line text, starting from ``text``; None when cancelled."""
        ...

    def ask_save_path(self, parent: QWidget, title: str, suggested: str,
                      filters: str) -> str | None:
        """Where to save a file; None when cancelled."""
        ...

    def ask_open_paths(self, parent: QWidget, title: str, folder: str,
                       filters: str) -> list[str]:
        """Files to open; empty when cancelled."""
        ...

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        """A message the learner acknowledges."""
        ...

    def ask_server_login(self, parent: QWidget, login: ServerLogin | None,
                         problem: str) -> ServerLogin | None:
        """A program server's URL, login and password (filled in with ``login``, the
        ``problem`` with the last try said above); None when cancelled."""
        ...

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        """Something the learner should know went wrong (an expected error)."""
        ...

    def error(self, parent: QWidget | None, exc: BaseException) -> None:
        """An error: its own message when expected, else the unexpected-error dialog."""
        ...


class QtDialogs:
    """The real dialogs."""

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        return ask(parent, title, text)

    def ask_text(self, parent: QWidget, title: str, label: str, text: str) -> str | None:
        value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
        return value if ok else None

    def ask_save_path(self, parent: QWidget, title: str, suggested: str,
                      filters: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return path or None

    def ask_open_paths(self, parent: QWidget, title: str, folder: str,
                       filters: str) -> list[str]:
        paths, _filter = QFileDialog.getOpenFileNames(parent, title, folder, filters)
        return list(paths)

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        show_message(parent, title, text, icon=QMessageBox.Icon.Information)

    def ask_server_login(self, parent: QWidget, login: ServerLogin | None,
                         problem: str) -> ServerLogin | None:
        from mht_desktop.ui.server_dialog import ask_server_login

        return ask_server_login(parent, login, problem)

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        show_message(parent, title, text)

    def error(self, parent: QWidget | None, exc: BaseException) -> None:
        from mht_desktop.ui.error_reporting import report

        report(exc, parent)
