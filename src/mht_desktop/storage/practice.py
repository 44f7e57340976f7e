"""Practice rows in and out: instructors' practice files and learners' attempts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mht_desktop.core.clock import ensure_utc
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.practice.progress import AttemptRecord, ExerciseKind
from mht_desktop.storage.models import PracticeAttemptRow, PracticeFileRow


@dataclass(frozen=True, slots=True)
class StoredPracticeFile:
    """An imported practice file, as stored."""

    name: str
    kind: str
    source_path: str
    content: str
    content_hash: str
    item_ids: tuple[str, ...]
    imported_at: datetime


def _file(row: PracticeFileRow) -> StoredPracticeFile:
    return StoredPracticeFile(row.name, row.kind, row.source_path, row.content,
                              row.content_hash, tuple(str(i) for i in row.item_ids),
                              ensure_utc(row.imported_at))


def imported_files(session: Session) -> list[StoredPracticeFile]:
    """Every imported practice file, by name."""
    return [_file(r) for r in session.scalars(select(PracticeFileRow)
                                              .order_by(PracticeFileRow.name))]


def save_file(session: Session, *, name: str, kind: str, source_path: str, content: str,
              content_hash: str, item_ids: Sequence[str], now: datetime) -> bool:
    """Store a file, replacing an earlier import of the same name.

    Returns:
        True when it replaced an earlier import.
    """
    row = session.scalar(select(PracticeFileRow).where(PracticeFileRow.name == name))
    replaced = row is not None
    if row is None:
        row = PracticeFileRow(name=name)
        session.add(row)
    row.kind, row.source_path, row.content = kind, source_path, content
    row.content_hash, row.item_ids, row.imported_at = content_hash, list(item_ids), now
    session.flush()
    return replaced


def remove_file(session: Session, name: str) -> None:
    """Forget an imported file (learners' attempts on its items are kept).

    Raises:
        NotFoundError: when no file of that name was imported.
    """
    if session.execute(delete(PracticeFileRow).where(PracticeFileRow.name == name)
                       ).rowcount == 0:  # type: ignore[attr-defined]
        raise NotFoundError(f"No practice file called {name!r} was imported.")


def _record(row: PracticeAttemptRow) -> AttemptRecord:
    return AttemptRecord(
        id=row.id, kind=ExerciseKind(row.kind), item_id=row.item_id,
        started_at=ensure_utc(row.started_at),
        finished_at=ensure_utc(row.finished_at) if row.finished_at else None,
        outcome=row.outcome, score=row.score, flags=row.flags, detail=dict(row.detail))


def add_attempt(session: Session, profile_id: int, kind: ExerciseKind, item_id: str, *,
                started_at: datetime, finished_at: datetime | None = None, outcome: str = "",
                score: float | None = None, flags: int = 0,
                detail: dict[str, Any] | None = None) -> AttemptRecord:
    """Record an attempt (a drill as it starts; a note or case as it is finished)."""
    row = PracticeAttemptRow(profile_id=profile_id, kind=kind.value, item_id=item_id,
                             started_at=started_at, finished_at=finished_at, outcome=outcome,
                             score=score, flags=flags, detail=detail or {})
    session.add(row)
    session.flush()
    return _record(row)


def get_attempt(session: Session, profile_id: int, attempt_id: int) -> AttemptRecord:
    """One of the learner's attempts.

    Raises:
        NotFoundError: when it is not theirs or does not exist.
    """
    row = session.get(PracticeAttemptRow, attempt_id)
    if row is None or row.profile_id != profile_id:
        raise NotFoundError(f"Practice attempt {attempt_id} does not exist.")
    return _record(row)


def update_attempt(session: Session, attempt_id: int, *, detail: dict[str, Any],
                   finished_at: datetime | None = None, outcome: str | None = None,
                   score: float | None = None, flags: int | None = None) -> AttemptRecord:
    """Save a drill's progress (and its result once it ends)."""
    row = session.get(PracticeAttemptRow, attempt_id)
    if row is None:
        raise NotFoundError(f"Practice attempt {attempt_id} does not exist.")
    row.detail = detail
    if finished_at is not None:
        row.finished_at = finished_at
    if outcome is not None:
        row.outcome = outcome
    if score is not None:
        row.score = score
    if flags is not None:
        row.flags = flags
    session.flush()
    return _record(row)


def attempts(session: Session, profile_id: int, *, since: datetime | None = None,
             until: datetime | None = None) -> list[AttemptRecord]:
    """The learner's finished attempts in [since, until), oldest first."""
    query = (select(PracticeAttemptRow)
             .where(PracticeAttemptRow.profile_id == profile_id,
                    PracticeAttemptRow.finished_at.is_not(None))
             .order_by(PracticeAttemptRow.finished_at))
    if since is not None:
        query = query.where(PracticeAttemptRow.finished_at >= since)
    if until is not None:
        query = query.where(PracticeAttemptRow.finished_at < until)
    return [_record(r) for r in session.scalars(query)]
