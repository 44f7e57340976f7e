"""The offline replica: what a trainee needs to study, copied from the program's server.

A SQLite file of the app's own schema (built by the same migrations) in the local data
folder, one per server login. It holds the banks' content, the trainee's own profile, their
cards with the schedules the server last had, and their review history; nobody else's rows
(the server's row-level security would not hand them over anyway). Rows keep the server's
ids, so an answer given offline names the same card on the server when the outbox sends it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from mht_desktop.storage.models import Base

# Shared content first, in the order their foreign keys need.
SHARED_TABLES = ("banks", "topics", "questions", "flashcards", "practice_files")
# The trainee's own rows: column that names the profile.
OWN_TABLES = (("profiles", "id"), ("cards", "profile_id"), ("review_logs", "profile_id"))
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
            query = query.where(table.c[owner] == profile_id)
        counts[name] = 0
        for chunk in _chunks(dict(r) for r in server.execute(query).mappings()):
            replica.execute(insert(table), chunk)
            counts[name] += len(chunk)
    return counts


def replica_profile_id(replica: Session) -> int | None:
    """The one profile the replica was made for (None before the first copy)."""
    profiles = _table("profiles")
    return replica.scalar(select(profiles.c.id).limit(1))
