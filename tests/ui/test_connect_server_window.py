"""File › "Connect to a program server…" and "Disconnect from the server", in the window.

A real PostgreSQL server set up by its coordinator; the window runs on the real task lane with
the GUI-thread guard on, and asks through scripted dialogs (the Dialogs protocol). The login is
tried on the lane; a refused one opens the form again with the reason; a good one reopens the
app on the server, and disconnecting reopens it on this computer with the history it had.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from tests.program.conftest import Program, program  # noqa: F401  (the fixture)
from tests.program.test_connect_profile import _bare, _local_learner, _state
from tests.ui.conftest import ScriptedDialogs
from tests.ui.test_program_startup import WAIT_MS

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.server_login import ServerLogin
from mht_desktop.ui.app import Startup
from mht_desktop.ui.main_window import MainWindow


def _begin(qtbot: QtBot, startup: Startup) -> Startup:
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=WAIT_MS):
        startup.begin()
    startup.tasks.wait()
    return startup


def _reopened(qtbot: QtBot, startup: Startup, action: str) -> Startup:
    """Trigger File › ``action`` and wait for the app to open again in a new window."""
    menu_action = _file_action(startup.window, action)
    with qtbot.waitSignal(startup.replaced, timeout=WAIT_MS) as replaced:
        menu_action.trigger()
    new = replaced.args[0]
    assert isinstance(new, Startup)
    qtbot.addWidget(new.window)
    qtbot.waitUntil(lambda: new.window.attached, timeout=WAIT_MS)
    new.tasks.wait()
    assert not startup.window.isVisible() and startup.app_ctx is None  # the old one closed
    return new


def _file_action(window: MainWindow, text: str) -> QAction:
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    found = [a for a in file_menu.actions() if a.text().replace("&", "") == text]
    assert found, f"File › {text} is missing"
    assert found[0].isEnabled()
    return found[0]


def test_connect_from_the_file_menu_then_disconnect_keeping_the_local_history(
        program: Program, clock: FixedClock, sample_bank_file: Path, tmp_path: Path,  # noqa: F811
        qtbot: QtBot) -> None:
    data = tmp_path / "laptop"
    pid = _local_learner(data, clock, sample_bank_file)
    url, password = _bare(program, "ana"), program.people["ana"].password
    dialogs = ScriptedDialogs()
    dialogs.answer_server_login(ServerLogin(url, password="not-it"),
                                ServerLogin(url, password=password))
    local = Startup(data)
    local.window.dialogs = dialogs
    _begin(qtbot, local)
    assert local.app_ctx is not None and not local.app_ctx.db.is_server

    online = _reopened(qtbot, local, "Connect to a program server…")
    try:
        forms = [(u, problem) for kind, u, problem in dialogs.asked if kind == "server login"]
        assert forms[0] == ("", "")
        assert forms[1][0] == url and "refused the login" in forms[1][1]
        [(title, said)] = [(t, s) for k, t, s in dialogs.asked if k == "inform"]
        assert title == "Connected to the program's server"
        assert "as Ana Diaz" in said and "not uploaded" in said
        assert online.app_ctx is not None and online.app_ctx.db.is_server
        assert online.window.profile is not None and online.window.profile.name == "Ana Diaz"
        saved, reviews, names = _state(data, pid)
        assert saved and password not in saved
        assert reviews == 2 and names == ["Ana"]  # no second profile for the same login

        dialogs.asked.clear()
        back = _reopened(qtbot, online, "Disconnect from the server")
    finally:
        online.window.close()
        online.close()
    try:
        assert dialogs.titles("confirm") == ["Disconnect from the server"]
        assert dialogs.titles("inform") == ["Disconnected from the server"]
        assert back.app_ctx is not None and not back.app_ctx.db.is_server
        assert back.window.profile is not None and back.window.profile.name == "Ana"
    finally:
        back.window.close()
        back.close()
    assert _state(data, pid) == ("", 2, ["Ana"])
