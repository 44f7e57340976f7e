"""Pointing a profile on this computer at the program's server, and back (service and CLI).

A real PostgreSQL server set up by its coordinator (tests/program/conftest.py). The login is
tried before anything is saved; a wrong URL, a refused login, a coordinator's login and a
server of a newer schema each say what is wrong and save nothing; the local history is left
exactly as it was, connected or not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url

from mht_desktop.cli.main import main
from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import DatabaseError
from mht_desktop.core.server_login import ServerLogin
from mht_desktop.services.context import AppContext
from mht_desktop.services.server_connection import connect_profile, saved_url
from tests.program.conftest import Program


def _bare(prog: Program, who: str) -> str:
    creds = prog.people[who]
    return prog.url(who).replace(f":{creds.password}@", "@")


def _local_learner(data: Path, clock: FixedClock, sample_bank_file: Path) -> int:
    """A learner who studied on this computer: 'Ana', with two reviews."""
    local = AppContext.open(data, clock=clock)
    try:
        local.banks.import_file_now(sample_bank_file)
        profile, _ = local.profiles.create("Ana")
        study = local.study(profile.id)
        for _ in range(2):
            card = study.next_card()
            assert card is not None
            study.answer(card, Rating.GOOD)
        return profile.id
    finally:
        local.close()


def _state(data: Path, profile_id: int) -> tuple[str, int, list[str]]:
    """(saved server URL, local reviews, local profile names)."""
    from sqlalchemy import func, select

    from mht_desktop.storage.models import ReviewLogRow

    local = AppContext.open(data)
    try:
        with local.db.session() as s:
            reviews = s.scalar(select(func.count()).select_from(ReviewLogRow)
                               .where(ReviewLogRow.profile_id == profile_id)) or 0
        return (local.profiles.settings(profile_id).server_url, int(reviews),
                [p.name for p in local.profiles.list()])
    finally:
        local.close()


def test_the_cli_connects_a_profile_and_disconnects_it_keeping_its_local_history(
        program: Program, clock: FixedClock, sample_bank_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "laptop"
    pid = _local_learner(data, clock, sample_bank_file)
    monkeypatch.setenv("PGPASSWORD", program.people["ana"].password)
    assert main(["--data-dir", str(data), "profile", "connect", "Ana",
                 _bare(program, "ana")]) == 0
    said = capsys.readouterr().out
    assert "as Ana Diaz" in said and "not uploaded" in said and "PGPASSWORD" in said
    saved, reviews, names = _state(data, pid)
    assert make_url(saved).username == program.people["ana"].role
    assert make_url(saved).password is None
    assert program.people["ana"].password not in (data / "mht-desktop.sqlite3").read_bytes() \
        .decode("latin-1")
    assert reviews == 2 and names == ["Ana"]

    # Connected, the profile opens on the server (what the window does when it is picked).
    server = AppContext.open_url(saved, clock=clock)
    try:
        own = server.profiles.own()
        assert own is not None and own.name == "Ana Diaz"
        # After the first start there the window remembers the login: no second profile.
        local = AppContext.open(data)
        try:
            remembered, _ = local.profiles.remember_server_login(own.name, saved)
            assert remembered is not None and remembered.id == pid
        finally:
            local.close()
    finally:
        server.close()

    assert main(["--data-dir", str(data), "profile", "disconnect", "Ana"]) == 0
    assert "studies on this computer again" in capsys.readouterr().out
    assert _state(data, pid) == ("", 2, ["Ana"])
    assert main(["--data-dir", str(data), "profile", "disconnect", "Ana"]) == 1
    assert "already studies on this computer" in capsys.readouterr().err


@pytest.mark.parametrize(("how", "expected"), [
    ("wrong-scheme", "must be for PostgreSQL"),
    ("no-database", "names no database"),
    ("refused", "refused the login"),
    ("unknown-role", "refused the login"),
    ("coordinator", "has no learner profile"),
    ("no-user", "Which login?"),
])
def test_a_bad_login_says_what_is_wrong_and_saves_nothing(
        program: Program, clock: FixedClock, sample_bank_file: Path, tmp_path: Path,
        how: str, expected: str) -> None:
    data = tmp_path / "laptop"
    pid = _local_learner(data, clock, sample_bank_file)
    ana, socket = program.people["ana"], str(program.server.socket_dir)
    login = {
        "wrong-scheme": ServerLogin("mysql://ana@db.example.org/program"),
        "no-database": ServerLogin(f"postgresql+psycopg://{ana.role}@/?host={socket}"),
        "refused": ServerLogin(_bare(program, "ana"), password="not-the-password"),
        "unknown-role": ServerLogin(_bare(program, "ana"), user="nobody_here", password="x"),
        "coordinator": ServerLogin(program.server.url(program.database)),
        "no-user": ServerLogin(f"postgresql+psycopg:///{program.database}?host={socket}",
                               password="x"),
    }[how]
    local = AppContext.open(data, clock=clock)
    try:
        with pytest.raises(DatabaseError, match=expected):
            connect_profile(local, pid, login)
    finally:
        local.close()
    assert _state(data, pid) == ("", 2, ["Ana"])


def test_a_server_of_a_newer_schema_is_refused_with_a_clear_message(
        program: Program, clock: FixedClock, sample_bank_file: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "laptop"
    pid = _local_learner(data, clock, sample_bank_file)
    program.server.admin_sql("UPDATE alembic_version SET version_num = '9999'",
                             program.database)
    monkeypatch.setenv("PGPASSWORD", program.people["ana"].password)
    try:
        assert main(["--data-dir", str(data), "profile", "connect", "Ana",
                     _bare(program, "ana")]) == 1
    finally:
        from mht_desktop.storage.database import SCHEMA_HEAD

        program.server.admin_sql(f"UPDATE alembic_version SET version_num = '{SCHEMA_HEAD}'",
                                 program.database)
    assert "newer version of MHT Desktop" in capsys.readouterr().err
    assert _state(data, pid) == ("", 2, ["Ana"])


@pytest.mark.parametrize(("url", "sslmode"), [
    ("postgresql+psycopg://ana@db.example.org/program", "require"),
    ("postgresql://ana@db.example.org:6543/program?sslmode=verify-full", "verify-full"),
    ("postgresql+psycopg://ana@localhost/program", None),
    ("postgresql+psycopg://ana@/program?host=/run/postgresql", None),
])
def test_the_saved_url_uses_tls_for_any_host_but_this_computer(url: str,
                                                               sslmode: str | None) -> None:
    saved = make_url(saved_url(ServerLogin(url, password="secret")))
    assert saved.query.get("sslmode") == sslmode
    assert saved.password is None and saved.drivername == "postgresql+psycopg"
