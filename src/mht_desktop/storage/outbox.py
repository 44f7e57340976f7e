"""The offline outbox: answers kept on this computer until the program's server has them.

A small SQLite file beside the window settings, committed at once (WAL, ``synchronous=FULL``),
like a learner's own database. Each answer carries the id made when it was given; the server
stores an id once (``review_logs.uid`` is unique), so sending again after a failure that came
between the server's commit and ours stores nothing twice. A queue with one table, so it has
no migrations: its shape is checked when opened.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mht_desktop.storage.models import ReviewLogRow

OUTBOX_NAME = "outbox.sqlite3"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS outbox (uid TEXT PRIMARY KEY, kind TEXT NOT NULL, "
           "payload TEXT NOT NULL, created_at TEXT NOT NULL, sent_at TEXT)")


@dataclass(frozen=True, slots=True)
class Pending:
    """One answer waiting to be sent."""

    uid: str
    kind: str
    payload: dict[str, Any]


class OutboxStore:
    """The outbox file of one data folder and one server login."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(_SCHEMA)

    def put(self, uid: str, kind: str, payload: dict[str, Any]) -> None:
        """Keep an answer; committed when this returns."""
        self._conn.execute("INSERT INTO outbox (uid, kind, payload, created_at) VALUES "
                           "(?, ?, ?, ?)", (uid, kind, json.dumps(payload),
                                            datetime.now(UTC).isoformat()))

    def pending(self) -> list[Pending]:
        """Answers not yet on the server, oldest first."""
        rows = self._conn.execute("SELECT uid, kind, payload FROM outbox WHERE sent_at IS NULL "
                                  "ORDER BY rowid")
        return [Pending(uid, kind, json.loads(payload)) for uid, kind, payload in rows]

    def count(self, kinds: tuple[str, ...] | None = None) -> int:
        """How many entries are waiting (of ``kinds`` only, if given)."""
        if kinds is None:
            return int(self._conn.execute(
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])
        marks = ", ".join("?" * len(kinds))
        return int(self._conn.execute(
            f"SELECT count(*) FROM outbox WHERE sent_at IS NULL AND kind IN ({marks})",
            kinds).fetchone()[0])

    def mark_sent(self, uid: str) -> None:
        """The server has this answer."""
        self._conn.execute("UPDATE outbox SET sent_at = ? WHERE uid = ?",
                           (datetime.now(UTC).isoformat(), uid))

    def close(self) -> None:
        """Close the file."""
        self._conn.close()


def review_stored(session: Session, uid: str) -> bool:
    """Whether the server already has the review with this id."""
    return bool(session.scalar(select(exists().where(ReviewLogRow.uid == uid))))
