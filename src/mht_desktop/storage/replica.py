"""The offline replica: what a trainee needs to study, copied from the program's server.

A SQLite file of the app's own schema (built by the same migrations) in the local data
folder, one per server login. It holds the banks' content, the trainee's own profile, their
cards with the schedules the server last had, their review history, and their quiz attempts
with every answer and their flagged questions (so a quiz or an exam built offline draws from
the same pools — unseen, missed, flagged, smart — as on the server); nobody else's rows (the
server's row-level security would not hand them over anyway). Rows keep the server's ids, so
an answer given offline names the same card or question on the server when the outbox sends
it. An attempt started offline gets the replica's next id, which means nothing on the server:
the outbox names it by its ``uid`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, insert, select
from sqlalchemy.orm import Session

from mht_desktop.storage.models import Base

# Shared content first, in the order their foreign keys need.
SHARED_TABLES = ("banks", "topics", "questions", "flashcards", "practice_files")
# The trainee's own rows: column that names the profile (attempt_items: through its attempt).
OWN_TABLES = (("profiles", "id"), ("cards", "profile_id"), ("review_logs", "profile_id"),
              ("quiz_attempts", "profile_id"), ("attempt_items", "attempt_id"),
              ("question_flags", "profile_id"))
CHUNK = 1000


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _own(table: Table, column: str, profile_id: int) -> ColumnElement[bool]:
    if table.name == "attempt_items":
        attempts = _table("quiz_attempts")
        return table.c[column].in_(
            select(attempts.c.id).where(attempts.c.profile_id == profile_id))
    return table.c[column] == profile_id


def copy_for_offline(server: Session, replica: Session, profile_id: int) -> dict[str, int]:
    """Replace the replica's rows with the server's, in the replica's one transaction.

    Returns:
        How many rows of each table were copied.
    """
    counts: dict[str, int] = {}
    wanted = [*((name, None) for name in SHARED_TABLES), *OWN_TABLES]
    # Children first when emptying, parents first when filling.
    for name, _ in reversed(wanted):
        replica.execute(delete(_table(name)))
    for name, owner in wanted:
        table = _table(name)
        query = select(table)
        if owner is not None:
            query = query.where(_own(table, owner, profile_id))
        counts[name] = 0
        for chunk in _chunks(dict(r) for r in server.execute(query).mappings()):
            replica.execute(insert(table), chunk)
            counts[name] += len(chunk)
    return counts


def replica_profile_id(replica: Session) -> int | None:
    """The one profile the replica was made for (None before the first copy)."""
    profiles = _table("profiles")
    return replica.scalar(select(profiles.c.id).limit(1))
