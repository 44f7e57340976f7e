"""Only our own SQLite files are opened; others stay byte-identical. Loose modes are tightened."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command

from mht_desktop.core.errors import DatabaseError
from mht_desktop.storage.database import Database, alembic_config, make_engine
from mht_desktop.storage.identity import APPLICATION_ID, header_application_id
from mht_desktop.storage.paths import DATABASE_NAME


def _foreign(path: Path, *statements: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize("statements", [
    ("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, phone TEXT)",
     "INSERT INTO contacts (name, phone) VALUES ('Ana', '555-0100')"),
    # Same name as one of ours, another shape: the migration used to half-run on it.
    ("CREATE TABLE profiles (id INTEGER PRIMARY KEY, handle TEXT, avatar BLOB)",
     "INSERT INTO profiles (handle) VALUES ('someone')"),
    ("PRAGMA application_id = 1234", "CREATE TABLE alembic_version (version_num TEXT)"),
], ids=["contacts", "profiles-of-another-shape", "another-application-id"])
def test_a_foreign_sqlite_file_is_refused_and_left_byte_identical(
        tmp_path: Path, statements: tuple[str, ...]) -> None:
    path = tmp_path / DATABASE_NAME
    before = _foreign(path, *statements)
    with pytest.raises(DatabaseError, match="another program.*left untouched"):
        Database.open(tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [DATABASE_NAME]  # no -wal, no backup


def test_a_new_database_carries_our_application_id(tmp_path: Path) -> None:
    Database.open(tmp_path).close()
    assert header_application_id(tmp_path / DATABASE_NAME) == APPLICATION_ID == 0x4D485444


def test_an_older_database_of_ours_is_recognised_and_stamped(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_NAME
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:  # what a version without the id left behind
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()
    assert header_application_id(path) == 0
    Database.open(tmp_path).close()
    assert header_application_id(path) == APPLICATION_ID


def test_an_empty_sqlite_file_is_used_as_a_new_database(tmp_path: Path) -> None:
    _foreign(tmp_path / DATABASE_NAME, "PRAGMA user_version = 0")
    db = Database.open(tmp_path)
    try:
        assert db.current_revision() is not None
    finally:
        db.close()


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_loose_modes_are_tightened_once_and_said(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Database.open(data).close()
    path = data / DATABASE_NAME
    data.chmod(0o777)
    path.chmod(0o644)
    db = Database.open(data)
    db.close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(db.notices) == 2 and "777" in db.notices[0] and "644" in db.notices[1]
    again = Database.open(data)
    again.close()
    assert again.notices == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_the_command_line_says_once_that_it_tightened_the_modes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mht_desktop.cli.main import main

    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "profile", "list"]) == 0
    (data / DATABASE_NAME).chmod(0o644)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "profile", "list"]) == 0
    assert "readable by other users (644)" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "profile", "list"]) == 0
    assert capsys.readouterr().err == ""
