"""Backup copies of the database file, made with SQLite's online backup API.

``sqlite3.Connection.backup`` copies a consistent snapshot page by page while the app keeps
running (readers and the one writer are not blocked for long), which a plain file copy of a
WAL database is not. Each copy is written beside its final name, checked with ``PRAGMA
integrity_check``, made owner-only and only then moved into place, so a backup that exists is
a backup that opens.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mht_desktop.core.errors import DatabaseError
from mht_desktop.storage.paths import restrict_to_owner

PAGES_PER_STEP = 2048  # copy in steps so the writer gets the lock between them
BACKUPS_FOLDER = "backups"
# mht-desktop-20261201-221500-before-migration.sqlite3 (UTC, so names sort by time)
_NAME = re.compile(r"^mht-desktop-(\d{8}-\d{6})(?:-\d+)?-([a-z0-9-]+)\.sqlite3$")


def backups_dir(data_dir: Path) -> Path:
    """The owner-only ``backups/`` folder of a data folder (created if missing)."""
    folder = data_dir / BACKUPS_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    if os.name != "nt":
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    return folder


def new_backup_path(data_dir: Path, reason: str, when: datetime) -> Path:
    """A fresh file name in ``backups/`` for a backup taken at ``when`` for ``reason``."""
    folder = backups_dir(data_dir)
    stamp = when.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"mht-desktop-{stamp}-{reason}.sqlite3"
    n = 1
    while path.exists():  # two in the same second (a test, a quick double click)
        n += 1
        path = folder / f"mht-desktop-{stamp}-{n}-{reason}.sqlite3"
    return path


def parse_backup_name(path: Path) -> tuple[datetime, str] | None:
    """When a backup was taken and why, from its file name (None for other files)."""
    found = _NAME.match(path.name)
    if found is None:
        return None
    when = datetime.strptime(found.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    return when, found.group(2)


def backup_before_migration(database: Path, revision: str) -> Path:
    """Snapshot ``database`` into its ``backups/`` before a schema upgrade from ``revision``."""
    target = new_backup_path(database.parent, f"before-upgrade-from-{revision}",
                             datetime.now(UTC))
    copy_database_file(database, target)
    return target


@dataclass(frozen=True, slots=True)
class BackupContents:
    """What a backup file holds, for the restore list.

    Attributes:
        learners: Profile names, in creation order.
        banks: Number of question banks.
        cards: Number of flashcard schedules (one per learner and flashcard).
        reviews: Number of flashcard reviews.
        attempts: Number of quizzes and exams.
        revision: The schema revision the file is at.
    """

    learners: tuple[str, ...]
    banks: int
    cards: int
    reviews: int
    attempts: int
    revision: str | None


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Write a checked, owner-only snapshot of ``source`` to ``target``.

    Raises:
        DatabaseError: the copy could not be written (disk full, no permission) or did not
            pass the integrity check; nothing is left at ``target`` then.
    """
    partial = target.with_name(target.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=PAGES_PER_STEP)
            # A backup is a single file: no WAL beside it, whatever the source used.
            copy.execute("PRAGMA journal_mode=DELETE")
            problem = integrity_problem(copy)
        finally:
            copy.close()
        if problem is not None:
            raise DatabaseError(f"The backup {target.name} failed its integrity check "
                                f"({problem}); it was not kept.")
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        restrict_to_owner(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise DatabaseError(f"Could not write the backup {target}: {exc}") from exc
    except DatabaseError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def copy_database_file(source: Path, target: Path) -> None:
    """Snapshot the database at ``source`` (opened read-only) into ``target``."""
    try:
        connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Could not read {source} to back it up: {exc}") from exc
    try:
        copy_database(connection, target)
    finally:
        connection.close()


def integrity_problem(connection: sqlite3.Connection) -> str | None:
    """None when ``PRAGMA integrity_check`` says ok, else its first complaint."""
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else str(first)


def file_integrity_problem(path: Path) -> str | None:
    """:func:`integrity_problem` of the database file at ``path`` (read-only)."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return integrity_problem(connection)
    finally:
        connection.close()


def read_contents(path: Path) -> BackupContents:
    """What the backup at ``path`` holds (read-only).

    Raises:
        DatabaseError: the file cannot be read as one of our databases.
    """
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            def count(table: str) -> int:
                return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

            learners = tuple(name for (name,) in connection.execute(
                "SELECT name FROM profiles ORDER BY id"))
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return BackupContents(learners, count("banks"), count("cards"),
                                  count("review_logs"), count("quiz_attempts"),
                                  revision[0] if revision else None)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"The backup {path} cannot be read: {exc}") from exc
