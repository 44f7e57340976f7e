"""SQLite errors after a successful open become typed errors with clear messages.

Each fault is real: another connection holding the write lock, a read-only connection,
``PRAGMA max_page_count`` (SQLite's own SQLITE_FULL, as a full disk gives), a duplicate row.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from mht_desktop.core.errors import (
    ConflictError,
    DatabaseBusyError,
    DatabaseReadOnlyError,
    DiskFullError,
)
from mht_desktop.storage import database
from mht_desktop.storage.database import Database, make_engine
from mht_desktop.storage.paths import DATABASE_NAME

INSERT = text("INSERT INTO profiles (name, created_at, settings) VALUES (:n, '2026-01-01', :s)")


def _with_pragma(db: Database, *pragmas: str) -> None:
    """Make every new connection of ``db`` run ``pragmas`` (after our own settings)."""
    db.engine.dispose()

    def apply(dbapi_connection: Any, _record: Any) -> None:
        for pragma in pragmas:
            dbapi_connection.execute(pragma)
    event.listen(db.engine, "connect", apply)


def test_a_write_lock_held_too_long_is_explained(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    original = database._on_connect

    def quick(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA busy_timeout=100")
    monkeypatch.setattr(database, "_on_connect", quick)
    db = Database.open(tmp_path)
    holder = sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError, match="busy.*more than 5 seconds.*not saved"), \
                db.session() as s:
            s.execute(INSERT, {"n": "Ana", "s": "{}"})
    finally:
        holder.rollback()
        holder.close()
        db.close()


def test_a_read_only_database_is_explained(tmp_path: Path) -> None:
    Database.open(tmp_path).close()
    path = tmp_path / DATABASE_NAME
    # Root ignores file modes, so open the file the way SQLite does for a read-only file.
    engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    db = Database(engine, path)
    try:
        with pytest.raises(DatabaseReadOnlyError, match="read-only.*not saved"), db.session() as s:
            s.execute(INSERT, {"n": "Ana", "s": "{}"})
    finally:
        db.close()


def test_a_full_disk_is_explained(tmp_path: Path) -> None:
    db = Database.open(tmp_path)
    with db.engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
    _with_pragma(db, f"PRAGMA max_page_count = {pages}")
    try:
        with pytest.raises(DiskFullError, match="disk holding the database.*is full.*not saved"), \
                db.session() as s:
            s.execute(INSERT, {"n": "Ana", "s": "x" * 200_000})
        with db.session() as s:  # nothing half-written
            assert s.execute(text("SELECT count(*) FROM profiles")).scalar() == 0
    finally:
        db.close()


def test_two_writers_adding_the_same_row_get_a_conflict_message(tmp_path: Path) -> None:
    first = Database.open(tmp_path)
    second = Database.open(tmp_path)
    try:
        with first.session() as s:
            s.execute(INSERT, {"n": "Ana", "s": "{}"})
        # The second has its own connection: the name was taken meanwhile.
        with pytest.raises(ConflictError, match="at the same moment.*Try again"), \
                second.session() as s:
            s.execute(INSERT, {"n": "Ana", "s": "{}"})
    finally:
        first.close()
        second.close()
