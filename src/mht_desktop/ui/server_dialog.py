"""File › "Connect to a program server…": the form that asks for the server and the login.

Only the form: it checks nothing and touches no database. The window's action
(ui/server_actions.py) tries the login on the task lane and, when the server says no, opens
the form again with the values typed so far and the reason above them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.server_login import ServerLogin
from mht_desktop.ui.rich_text import plain_label

INTRO = ("Study on your training program's server instead of this computer. Your coordinator "
         "gave you the server's address (a URL beginning postgresql://), a login and a "
         "password. The connection is tried before anything changes.")
TLS_NOTE = ("A server on another computer is reached over an encrypted connection (TLS, "
            "sslmode=require) unless the URL sets its own sslmode. The password is never "
            "saved in MHT Desktop's files: the system keychain keeps it if there is one, "
            "otherwise the app asks for it at each start.")
HISTORY_NOTE = ("Your progress on this computer is not uploaded and nothing of it is deleted: "
                "it stays here, and this profile studies from it again if you disconnect.")


class ServerLoginDialog(QDialog):
    """The server URL, the login (if the URL does not name it) and the password."""

    def __init__(self, parent: QWidget | None, login: ServerLogin | None = None,
                 problem: str = "") -> None:
        """Open the form, filled in with ``login`` and ``problem`` said above it if given."""
        super().__init__(parent)
        self.setWindowTitle("Connect to a program server")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = plain_label(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.problem_label = plain_label(problem)
        self.problem_label.setObjectName("serverProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("font-weight: bold;")
        self.problem_label.setVisible(bool(problem))
        layout.addWidget(self.problem_label)
        form = QFormLayout()
        self.url_edit = QLineEdit(login.url if login else "")
        self.url_edit.setPlaceholderText("postgresql+psycopg://LOGIN@HOST/DATABASE")
        self.url_edit.setAccessibleName("Server URL")
        form.addRow("Server &URL:", self.url_edit)
        self.user_edit = QLineEdit(login.user if login else "")
        self.user_edit.setPlaceholderText("if the URL has no LOGIN@")
        self.user_edit.setAccessibleName("Login")
        form.addRow("&Login:", self.user_edit)
        self.password_edit = QLineEdit(login.password if login else "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        form.addRow("&Password:", self.password_edit)
        layout.addLayout(form)
        for text in (TLS_NOTE, HISTORY_NOTE):
            note = plain_label(text)
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.addButton("Test and connect",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        self.url_edit.textChanged.connect(self._update_button)
        self._update_button()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if login and login.url else self.url_edit).setFocus()

    def _update_button(self) -> None:
        self.connect_button.setEnabled(bool(self.url_edit.text().strip()))

    def login(self) -> ServerLogin:
        """What was typed."""
        return ServerLogin(self.url_edit.text().strip(), self.user_edit.text().strip(),
                           self.password_edit.text())


def ask_server_login(parent: QWidget, login: ServerLogin | None,
                     problem: str) -> ServerLogin | None:
    """Show the form (modal); what was typed, or None when cancelled."""
    dialog = ServerLoginDialog(parent, login, problem)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.login()
