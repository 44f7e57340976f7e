"""File › "Connect to a program server…" and "Disconnect from the server".

The login is tried on the task lane (services/server_connection.py), never on the GUI thread;
when the server says no, the form opens again with what was typed and the reason. Once the
profile is switched, the window asks to be reopened (``MainWindow.reopen_requested``): the
start-up code opens the server, or this computer's data again, in a new window, the way a
restart would, and closes this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mht_desktop.core.errors import MhtError
from mht_desktop.core.server_login import ServerLogin

if TYPE_CHECKING:
    from mht_desktop.services.server_connection import Connected, Disconnected
    from mht_desktop.ui.main_window import MainWindow


@dataclass(frozen=True, slots=True)
class Reopen:
    """Open the app again: on a server (URL with its password, memory only) or locally."""

    database_url: str | None = None
    profile_name: str | None = None

    def __repr__(self) -> str:  # the URL may carry the password
        return f"Reopen(profile_name={self.profile_name!r})"


def connect_to_server(window: MainWindow) -> None:
    """Ask for a server and a login, try it on the lane, then switch this profile to it."""
    app_ctx, _ = window.data()
    if app_ctx.db.is_server or app_ctx.offline:
        window.dialogs.inform(window, "Connect to a program server",
                              "This profile already studies on a program's server. To use "
                              "another one, first choose File › Disconnect from the server.")
        return
    _ask(window, None, "")


def _ask(window: MainWindow, login: ServerLogin | None, problem: str) -> None:
    app_ctx, profile = window.data()
    typed = window.dialogs.ask_server_login(window, login, problem)
    if typed is None:
        return

    def connect() -> Connected:
        from mht_desktop.services.server_connection import connect_profile

        return connect_profile(app_ctx, profile.id, typed)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, MhtError):  # a wrong URL, a refused login…: say so, ask again
            _ask(window, typed, str(exc))
        else:
            window.dialogs.error(window, exc)

    def connected(result: Connected) -> None:
        window.dialogs.inform(window, "Connected to the program's server",
                              f"{result.message()} MHT Desktop now opens the server.")
        window.reopen_requested.emit(Reopen(database_url=result.connect_url))

    window.tasks.run(connect, on_done=connected, on_error=failed,
                     label="Connecting to the server…", parent=window)


def disconnect_from_server(window: MainWindow) -> None:
    """Make the profile on this computer study here again, after confirmation."""
    app_ctx, profile = window.data()
    data_dir = window.local_data_dir
    if not (app_ctx.db.is_server or app_ctx.offline) or data_dir is None:
        window.dialogs.inform(window, "Disconnect from the server",
                              f"{profile.name} already studies on this computer.")
        return
    if not window.dialogs.confirm(
            window, "Disconnect from the server",
            "Study on this computer again? The profile goes back to the progress kept on this "
            "computer; what you did on the server stays on the server, and you can connect "
            "again at any time."):
        return
    server = app_ctx.server_db or app_ctx.db
    url = server.engine.url.render_as_string(hide_password=True)

    def disconnect() -> Disconnected:
        from mht_desktop.services.server_connection import disconnect_login

        return disconnect_login(data_dir, url)

    def done(result: Disconnected) -> None:
        window.dialogs.inform(window, "Disconnected from the server", result.message())
        window.reopen_requested.emit(Reopen(profile_name=result.profile))

    window.tasks.run(disconnect, on_done=done,
                     on_error=lambda exc: window.dialogs.error(window, exc))
