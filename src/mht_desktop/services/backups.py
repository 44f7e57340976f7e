"""Backups of the learners' database: when to take them, which to keep, how to restore.

Taken with SQLite's online backup API (storage/backup_files.py) into the data folder's
``backups/``: on demand, after every 30 minutes of use, when the window closes, before a schema
upgrade, before a bank is removed or a learner deleted, and before a restore. The history is
thinned the way Anki does it: every backup of the last day, then the newest of each of the
last 12 days, 10 weeks and 9 months. A restore never deletes the current file: it is moved
aside, next to the database, and the caller is told where.

No Qt here; the window calls these through its task runner (the database lane).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import DatabaseError
from mht_desktop.storage.backup_files import (
    BackupContents,
    backups_dir,
    copy_database,
    copy_database_file,
    file_integrity_problem,
    new_backup_path,
    parse_backup_name,
    read_contents,
)
from mht_desktop.storage.paths import DATABASE_NAME

if TYPE_CHECKING:
    from mht_desktop.storage.database import Database

AUTO_EVERY = timedelta(minutes=30)
KEEP_ALL_FOR = timedelta(days=1)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 12, 10, 9


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file, described for a person choosing what to restore.

    Attributes:
        path: The file.
        taken_at: When it was taken (UTC).
        reason: Why (``manual``, ``auto``, ``on-close``, ``before-upgrade-from-0001``…).
        size: Bytes on disk.
        contents: What it holds; None when it cannot be read.
        problem: Why it cannot be used, when it cannot.
    """

    path: Path
    taken_at: datetime
    reason: str
    size: int
    contents: BackupContents | None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        """Whether the file can be restored."""
        return self.contents is not None and self.problem is None

    def describe(self) -> str:
        """One line: date, why, learners and counts."""
        when = self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if self.contents is None:
            return f"{when}  {self.reason}: cannot be used ({self.problem})"
        c = self.contents
        learners = ", ".join(c.learners) or "no learners"
        return (f"{when}  {self.reason}: {learners}; {c.banks} bank(s), {c.reviews:,} "
                f"review(s), {c.attempts:,} quiz(zes)")


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did.

    Attributes:
        restored: The backup now in use.
        moved_aside: Where the database that was replaced went (None if there was none).
    """

    restored: Path
    moved_aside: Path | None

    def message(self) -> str:
        """What to tell the user."""
        aside = (f" The database it replaced was kept as {self.moved_aside}."
                 if self.moved_aside is not None else "")
        return f"Restored the backup {self.restored.name}.{aside}"


class BackupService:
    """Backups of one data folder's database (local SQLite only)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        if db.path is None:
            raise DatabaseError("Backups are made of a local data folder; a program's server "
                                "is backed up by its coordinator.")
        self._db = db
        self._clock = clock
        self._data_dir = db.path.parent

    @property
    def folder(self) -> Path:
        """Where the backups live."""
        return backups_dir(self._data_dir)

    def create(self, reason: str = "manual") -> BackupInfo:
        """Take a backup now (consistent even while the app is writing), then thin the history.

        Raises:
            DatabaseError: the backup could not be written or failed its integrity check.
        """
        target = new_backup_path(self._data_dir, reason, self._clock.now())
        raw = self._db.engine.raw_connection()
        try:
            copy_database(raw.driver_connection, target)  # type: ignore[arg-type]
        finally:
            raw.close()
        self.thin()
        return describe(target)

    def create_if_due(self, used_since: datetime) -> BackupInfo | None:
        """The every-30-minutes backup: taken when the newest backup is older than that."""
        now = self._clock.now()
        if now - used_since < AUTO_EVERY:
            return None
        newest = self.history()
        if newest and now - newest[0].taken_at < AUTO_EVERY:
            return None
        return self.create("auto")

    def history(self) -> list[BackupInfo]:
        """Every backup, newest first, with what each holds."""
        return list_backups(self._data_dir)

    def thin(self) -> list[Path]:
        """Delete the backups the keeping rule no longer needs; returns what was deleted."""
        infos = [(i.path, i.taken_at) for i in self.history()]
        keep = keep_set(infos, self._clock.now())
        removed = []
        for path, _ in infos:
            if path not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
        return removed


def backup_before(db: Database, clock: Clock, reason: str) -> BackupInfo | None:
    """A backup before a change that deletes data (none for a server or in-memory database)."""
    if db.path is None:
        return None
    return BackupService(db, clock).create(reason)


def describe(path: Path) -> BackupInfo:
    """A backup file, read for the restore list (never raises for a bad file)."""
    parsed = parse_backup_name(path)
    taken_at, reason = parsed if parsed else (
        datetime.fromtimestamp(path.stat().st_mtime, UTC), "copied in")
    try:
        contents: BackupContents | None = read_contents(path)
        problem = None
    except DatabaseError as exc:
        contents, problem = None, str(exc)
    return BackupInfo(path, taken_at, reason, path.stat().st_size, contents, problem)


def list_backups(data_dir: Path) -> list[BackupInfo]:
    """Every backup in ``data_dir``'s ``backups/``, newest first (nothing opened but them)."""
    folder = data_dir / "backups"
    if not folder.is_dir():
        return []
    found = [describe(p) for p in folder.glob("*.sqlite3") if p.is_file()]
    return sorted(found, key=lambda i: i.taken_at, reverse=True)


def newest_good_backup(data_dir: Path) -> BackupInfo | None:
    """The newest backup that reads and passes its integrity check, if any."""
    for info in list_backups(data_dir):
        if info.usable and file_integrity_problem(info.path) is None:
            return info
    return None


def keep_set(backups: list[tuple[Path, datetime]], now: datetime) -> set[Path]:
    """Which backups to keep: all of the last day, then one per day, week and month.

    The newest backup of each of the last :data:`KEEP_DAILY` days, :data:`KEEP_WEEKLY` weeks
    and :data:`KEEP_MONTHLY` months is kept; everything of the last day is kept too.
    """
    newest_first = sorted(backups, key=lambda b: b[1], reverse=True)
    keep = {path for path, when in newest_first if now - when < KEEP_ALL_FOR}
    for limit, bucket in ((KEEP_DAILY, lambda d: d.date()),
                          (KEEP_WEEKLY, lambda d: tuple(d.isocalendar())[:2]),
                          (KEEP_MONTHLY, lambda d: (d.year, d.month))):
        seen: list[object] = []
        for path, when in newest_first:
            key = bucket(when.astimezone(UTC))
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            keep.add(path)
    return keep


def restore_backup(data_dir: Path, backup: Path, now: datetime) -> RestoreResult:
    """Put ``backup`` in place of the data folder's database. The database must be closed.

    The current file (with its ``-wal`` and ``-shm``) is renamed, never deleted, to
    ``mht-desktop-replaced-<time>.sqlite3`` beside it.

    Raises:
        DatabaseError: the backup is not a usable MHT Desktop database; nothing was changed.
    """
    info = describe(backup)
    problem = info.problem or file_integrity_problem(backup)
    if info.contents is None or problem is not None:
        raise DatabaseError(f"The backup {backup} cannot be restored: {problem}. Nothing was "
                            "changed.")
    database = data_dir / DATABASE_NAME
    moved: Path | None = None
    if database.exists():
        stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        moved = data_dir / f"mht-desktop-replaced-{stamp}.sqlite3"
        n = 1
        while moved.exists():
            n += 1
            moved = data_dir / f"mht-desktop-replaced-{stamp}-{n}.sqlite3"
        try:
            os.replace(database, moved)
            for suffix in ("-wal", "-shm"):  # they belong to the file moved aside
                companion = database.with_name(database.name + suffix)
                if companion.exists():
                    os.replace(companion, moved.with_name(moved.name + suffix))
        except OSError as exc:
            raise DatabaseError(f"Could not move {database} aside to restore a backup: "
                                f"{exc.strerror}. Nothing was deleted.") from exc
    try:
        copy_database_file(backup, database)
    except DatabaseError:
        if moved is not None and not database.exists():
            os.replace(moved, database)  # put the old file back rather than leave none
        raise
    return RestoreResult(backup, moved)
