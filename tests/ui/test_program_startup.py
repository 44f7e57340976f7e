"""Start-up on a program's server: a profile that remembers its server, and starting offline.

A real PostgreSQL server (tests/pg_server.py), really stopped for the offline start; the
window runs on the real task lane with the GUI-thread guard on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, make_url, text
from tests.program.conftest import Program, program  # noqa: F401  (the fixture)

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.services.replica import has_replica
from mht_desktop.ui import app as app_module
from mht_desktop.ui.app import Startup

WAIT_MS = 30000


def _bare(prog: Program, who: str) -> str:
    """The URL as the coordinator hands it out: no password."""
    creds = prog.people[who]
    return prog.url(who).replace(f":{creds.password}@", "@")


def _same_login(saved: str, expected: str) -> bool:
    a, b = make_url(saved), make_url(expected)
    return a.password is None and (a.username, a.database, dict(a.query)) == (
        b.username, b.database, dict(b.query))


def _start(qtbot: QtBot, data: Path, url: str | None = None) -> Startup:
    startup = Startup(data, database_url=url)
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=WAIT_MS):
        startup.begin()
    startup.tasks.wait()  # the sync after connecting runs on the lane too
    return startup


def _server_ratings(prog: Program) -> list[int]:
    engine = create_engine(prog.server.url(prog.database))
    with engine.connect() as c:
        ratings = [int(r) for r in c.execute(text("SELECT rating FROM review_logs")).scalars()]
    engine.dispose()
    return ratings


def test_a_profile_saved_with_its_server_connects_when_picked(
        program: Program, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", program.people["ana"].password)  # as a keychain would
    data = tmp_path / "laptop"
    local = AppContext.open(data)
    try:
        profile, _ = local.profiles.create("Ana at the program")
        local.profiles.connect_to_server(profile.id, program.url("ana"))  # password dropped
        saved = local.profiles.settings(profile.id).server_url
    finally:
        local.close()
    assert _same_login(saved, _bare(program, "ana"))
    assert program.people["ana"].password not in (data / "mht-desktop.sqlite3").read_bytes() \
        .decode("latin-1")

    startup = _start(qtbot, data)
    try:
        assert startup.app_ctx is not None and startup.app_ctx.db.is_server
        assert startup.window.profile is not None
        assert startup.window.profile.name == "Ana Diaz"  # the server's own profile
    finally:
        startup.window.close()
        startup.close()


def test_the_app_starts_with_the_server_down_studies_and_sends_when_it_is_back(
        program: Program, clock: FixedClock, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "OUTBOX_POLL_MS", 200)
    monkeypatch.setenv("PGPASSWORD", program.people["ana"].password)
    data = tmp_path / "laptop"
    url = _bare(program, "ana")

    first = _start(qtbot, data, url)  # online: the copy is made, the login remembered
    try:
        assert first.app_ctx is not None and first.app_ctx.db.is_server
    finally:
        first.window.close()
        first.close()
    assert has_replica(data, url)
    local = AppContext.open(data)
    try:
        [remembered] = local.profiles.list()
        assert remembered.name == "Ana Diaz"
        assert _same_login(local.profiles.settings(remembered.id).server_url, url)
    finally:
        local.close()

    program.server.stop("immediate")
    try:
        startup = _start(qtbot, data)  # no URL given: the profile knows its server
        assert startup.app_ctx is not None and startup.app_ctx.offline
        label = startup.outbox_label
        qtbot.waitUntil(lambda: label.isVisible() and label.text()
                        == "offline — studying from this computer's copy", timeout=WAIT_MS)
        window = startup.window
        window.show_section("flashcards")
        view = window.flashcards
        qtbot.waitUntil(lambda: view.deck_tree.topLevelItemCount() > 0, timeout=WAIT_MS)
        view.study_selected()
        qtbot.waitUntil(lambda: view.card is not None and view.outcomes is not None,
                        timeout=WAIT_MS)
        shown = view.card
        assert shown is not None
        qtbot.keyClick(view.review, Qt.Key.Key_Space)
        qtbot.keyClick(view.review, Qt.Key.Key_3)
        qtbot.waitUntil(lambda: view.card is not None and view.card.card_id != shown.card_id,
                        timeout=WAIT_MS)  # the next card, chosen offline
        qtbot.waitUntil(lambda: label.text() == "offline — 1 answer waiting", timeout=WAIT_MS)
    finally:
        program.server.start()
    try:
        qtbot.waitUntil(lambda: label.text() == "connected again — every answer sent",
                        timeout=WAIT_MS)
    finally:
        startup.window.close()
        startup.close()
    assert _server_ratings(program) == [int(Rating.GOOD)]  # Key 3 is Good, sent once
