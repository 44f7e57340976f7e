"""File › "Connect to a program server…" and "Disconnect from the server", in the window.

A real PostgreSQL server set up by its coordinator; the window runs on the real task lane with
the GUI-thread guard on, and asks through scripted dialogs (the Dialogs protocol). The login is
tried on the lane; a refused one opens the form again with the reason; a good one reopens the
app on the server, and disconnecting reopens it on this computer with the history it had.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
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
from mht_desktop.ui.views.guide_view import GuideView


def _begin(qtbot: QtBot, startup: Startup) -> Startup:
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=WAIT_MS):
        startup.begin()
    startup.tasks.wait()
    return startup


def _reopened(qtbot: QtBot, startup: Startup, action: str) -> Startup:
    """Trigger File › ``action`` and wait for the app to open again in a new window."""
    menu_action = _file_action(startup.window, action)
    return _follow(qtbot, startup, menu_action.trigger)


def _follow(qtbot: QtBot, startup: Startup, do: Callable[[], object]) -> Startup:
    """Do what reopens the app; the new start once its window shows the learner's data."""
    news: list[Startup] = []
    ready: list[bool] = []

    def replaced(new: Startup) -> None:  # connected before it begins (see Startup._reopen)
        news.append(new)
        new.ready.connect(lambda: ready.append(True))

    startup.replaced.connect(replaced)
    do()
    qtbot.waitUntil(lambda: bool(ready), timeout=WAIT_MS)
    [new] = news
    qtbot.addWidget(new.window)
    shown = new.window.view_at(new.window.nav.currentRow())
    if isinstance(shown, GuideView):  # its chapter comes after the list, on the lane again
        qtbot.waitUntil(lambda: shown.page is not None, timeout=WAIT_MS)
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


def test_switching_to_a_connected_profile_opens_its_server(
        program: Program, clock: FixedClock, sample_bank_file: Path, tmp_path: Path,  # noqa: F811
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from mht_desktop.services.context import AppContext
    from mht_desktop.services.server_connection import connect_profile
    from mht_desktop.ui.profile_actions import open_profile

    data = tmp_path / "laptop"
    pid = _local_learner(data, clock, sample_bank_file)
    local = AppContext.open(data, clock=clock)
    try:
        connect_profile(local, pid, ServerLogin(program.url("ana")))
        ben, _ = local.profiles.create("Ben")
        ana = local.profiles.get(pid)
    finally:
        local.close()
    monkeypatch.setenv("PGPASSWORD", program.people["ana"].password)  # as a keychain would
    startup = Startup(data, profile_name="Ben")
    startup.window.dialogs = ScriptedDialogs()
    _begin(qtbot, startup)
    assert startup.window.profile is not None and startup.window.profile.id == ben.id
    # What File › Learner profile › Switch… does with the profile picked.
    new = _follow(qtbot, startup, lambda: open_profile(startup.window, ana))
    try:
        assert new.app_ctx is not None and new.app_ctx.db.is_server
        assert new.window.profile is not None and new.window.profile.name == "Ana Diaz"
    finally:
        new.tasks.wait()
        new.window.close()
        new.close()
