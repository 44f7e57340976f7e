"""Quiz attempts and their items: every answer is its own committed row update."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from mht_desktop.core.banks import Question
from mht_desktop.core.clock import ensure_utc
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.quiz import AttemptStatus, Pool, QuestionHistory
from mht_desktop.storage.banks import question_from_row
from mht_desktop.storage.models import (
    AttemptItemRow,
    BankRow,
    QuestionFlagRow,
    QuestionRow,
    QuizAttemptRow,
    TopicRow,
)


@dataclass(frozen=True, slots=True)
class PoolEntry:
    """A question that may be drawn."""

    question_id: int
    topic: str
    difficulty: int


def question_pool(session: Session, profile_id: int, *, topics: Sequence[str] | None,
                  difficulties: Sequence[int] | None, pool: Pool) -> list[PoolEntry]:
    """Live questions of enabled banks matching the filters."""
    stmt = (select(QuestionRow.id, QuestionRow.topic_id, QuestionRow.difficulty)
            .join(BankRow, BankRow.id == QuestionRow.bank_id)
            .where(BankRow.enabled.is_(True), QuestionRow.retired.is_(False)))
    if topics:
        stmt = stmt.where(QuestionRow.topic_id.in_(list(topics)))
    if difficulties:
        stmt = stmt.where(QuestionRow.difficulty.in_(list(difficulties)))
    answered = (select(AttemptItemRow.question_id)
                .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
                .where(QuizAttemptRow.profile_id == profile_id,
                       AttemptItemRow.answered_at.is_not(None)))
    if pool is Pool.UNSEEN:
        stmt = stmt.where(QuestionRow.id.not_in(answered))
    elif pool is Pool.MISSED:
        stmt = stmt.where(QuestionRow.id.in_(missed_ids_select(profile_id)))
    elif pool is Pool.FLAGGED:
        stmt = stmt.where(QuestionRow.id.in_(
            select(QuestionFlagRow.question_id).where(QuestionFlagRow.profile_id == profile_id)))
    return [PoolEntry(i, t, d) for i, t, d in session.execute(stmt.order_by(QuestionRow.id))]


def missed_ids_select(profile_id: int) -> Any:
    """Questions whose most recent answer by this learner was wrong."""
    latest = (select(AttemptItemRow.question_id,
                     func.max(AttemptItemRow.answered_at).label("last"))
              .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
              .where(QuizAttemptRow.profile_id == profile_id,
                     AttemptItemRow.answered_at.is_not(None))
              .group_by(AttemptItemRow.question_id).subquery())
    return (select(AttemptItemRow.question_id)
            .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
            .join(latest, and_(latest.c.question_id == AttemptItemRow.question_id,
                               latest.c.last == AttemptItemRow.answered_at))
            .where(QuizAttemptRow.profile_id == profile_id,
                   AttemptItemRow.correct.is_(False)))


def question_histories(session: Session, profile_id: int, question_ids: Sequence[int],
                       now: datetime) -> dict[int, QuestionHistory]:
    """Per-question answer history for smart practice."""
    rows = session.execute(
        select(AttemptItemRow.question_id, AttemptItemRow.correct, AttemptItemRow.answered_at,
               QuestionRow.topic_id)
        .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
        .join(QuestionRow, QuestionRow.id == AttemptItemRow.question_id)
        .where(QuizAttemptRow.profile_id == profile_id, AttemptItemRow.answered_at.is_not(None))
        .order_by(AttemptItemRow.answered_at))
    stats: dict[int, list[Any]] = {}
    for qid, correct, answered_at, topic in rows:
        entry = stats.setdefault(qid, [topic, 0, 0, None, None])
        entry[1] += 1
        entry[2] += 1 if correct else 0
        entry[3] = bool(correct)
        entry[4] = answered_at
    wanted = set(question_ids)
    return {qid: QuestionHistory(qid, e[0], e[1], e[2], e[3],
                                 (now - ensure_utc(e[4])).total_seconds() / 86400)
            for qid, e in stats.items() if qid in wanted}


def topic_accuracy(session: Session, profile_id: int) -> dict[str, float]:
    """Share of answers right per topic (all time)."""
    rows = session.execute(
        select(QuestionRow.topic_id, func.avg(AttemptItemRow.score))
        .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
        .join(QuestionRow, QuestionRow.id == AttemptItemRow.question_id)
        .where(QuizAttemptRow.profile_id == profile_id, AttemptItemRow.answered_at.is_not(None))
        .group_by(QuestionRow.topic_id))
    return {t: float(a or 0.0) for t, a in rows}


def load_questions(session: Session, ids: Sequence[int]) -> dict[int, Question]:
    """Core questions by row id."""
    if not ids:
        return {}
    rows = session.scalars(select(QuestionRow).where(QuestionRow.id.in_(list(ids))))
    return {r.id: question_from_row(r) for r in rows}


def topic_titles(session: Session) -> dict[str, str]:
    """Readable titles of every topic id."""
    return {t: title for t, title in session.execute(select(TopicRow.id, TopicRow.title))}


def create_attempt(session: Session, *, profile_id: int, mode: str, config: dict[str, Any],
                   seed: int, now: datetime, time_limit_s: int | None,
                   items: Sequence[tuple[int, list[int]]], uid: str | None = None) -> int:
    """Store a new attempt and its questions (in display order).

    Args:
        uid: The id made where an attempt started offline was built (the outbox sends it).
    """
    attempt = QuizAttemptRow(profile_id=profile_id, mode=mode,
                             status=AttemptStatus.IN_PROGRESS.value, config=config, seed=seed,
                             started_at=now, time_limit_s=time_limit_s, elapsed_s=0.0,
                             current_index=0, uid=uid)
    session.add(attempt)
    session.flush()
    for position, (question_id, order) in enumerate(items):
        session.add(AttemptItemRow(attempt_id=attempt.id, position=position,
                                   question_id=question_id, choice_order=order, struck=[],
                                   marked=False, time_spent_s=0.0))
    session.flush()
    return attempt.id


def add_item(session: Session, attempt_id: int, question_id: int, order: list[int]) -> int:
    """Append a question to an attempt (missed-question review asks again)."""
    position = session.scalar(select(func.count()).where(
        AttemptItemRow.attempt_id == attempt_id)) or 0
    session.add(AttemptItemRow(attempt_id=attempt_id, position=position,
                               question_id=question_id, choice_order=order, struck=[],
                               marked=False, time_spent_s=0.0))
    session.flush()
    return int(position)


def attempt_row(session: Session, attempt_id: int) -> QuizAttemptRow:
    """The attempt row (raises if it is gone)."""
    row = session.get(QuizAttemptRow, attempt_id)
    if row is None:
        raise NotFoundError(f"Quiz attempt {attempt_id} no longer exists.")
    return row


def attempt_by_uid(session: Session, uid: str) -> QuizAttemptRow | None:
    """The attempt started offline with this id, if the database has it."""
    return session.scalar(select(QuizAttemptRow).where(QuizAttemptRow.uid == uid))


def find_item(session: Session, attempt_id: int, position: int) -> AttemptItemRow | None:
    """One item of an attempt, or None if the attempt has no such position (yet)."""
    return session.scalar(select(AttemptItemRow).where(AttemptItemRow.attempt_id == attempt_id,
                                                       AttemptItemRow.position == position))


def item_rows(session: Session, attempt_id: int) -> list[AttemptItemRow]:
    """The attempt's items in order."""
    return list(session.scalars(select(AttemptItemRow).where(
        AttemptItemRow.attempt_id == attempt_id).order_by(AttemptItemRow.position)))


def item_counts(session: Session, attempt_ids: list[int]) -> dict[int, int]:
    """How many questions each attempt has (one grouped query, not one per attempt)."""
    if not attempt_ids:
        return {}
    rows = session.execute(
        select(AttemptItemRow.attempt_id, func.count())
        .where(AttemptItemRow.attempt_id.in_(attempt_ids))
        .group_by(AttemptItemRow.attempt_id))
    return {attempt_id: int(count) for attempt_id, count in rows}


def item_row(session: Session, attempt_id: int, position: int) -> AttemptItemRow:
    """One item of an attempt."""
    row = find_item(session, attempt_id, position)
    if row is None:
        raise NotFoundError(f"Question {position + 1} is not part of this quiz.")
    return row


def in_progress(session: Session, profile_id: int) -> list[QuizAttemptRow]:
    """Unfinished attempts, newest first."""
    return list(session.scalars(select(QuizAttemptRow).where(
        QuizAttemptRow.profile_id == profile_id,
        QuizAttemptRow.status == AttemptStatus.IN_PROGRESS.value)
        .order_by(QuizAttemptRow.started_at.desc())))


def attempts(session: Session, profile_id: int, limit: int = 200) -> list[QuizAttemptRow]:
    """Finished attempts, newest first."""
    return list(session.scalars(select(QuizAttemptRow).where(
        QuizAttemptRow.profile_id == profile_id,
        QuizAttemptRow.status == AttemptStatus.SUBMITTED.value)
        .order_by(QuizAttemptRow.finished_at.desc()).limit(limit)))


def set_flag(session: Session, profile_id: int, question_id: int, flagged: bool,
             now: datetime) -> None:
    """Flag or unflag a question for later."""
    row = session.get(QuestionFlagRow, (profile_id, question_id))
    if flagged and row is None:
        session.add(QuestionFlagRow(profile_id=profile_id, question_id=question_id,
                                    flagged_at=now))
    elif not flagged and row is not None:
        session.delete(row)


def flagged_ids(session: Session, profile_id: int) -> set[int]:
    """Questions this learner flagged."""
    return set(session.scalars(select(QuestionFlagRow.question_id).where(
        QuestionFlagRow.profile_id == profile_id)))


def abandon_others(session: Session, profile_id: int, keep: int) -> None:
    """Mark every other unfinished attempt abandoned (one exam at a time)."""
    session.execute(update(QuizAttemptRow).where(
        QuizAttemptRow.profile_id == profile_id, QuizAttemptRow.id != keep,
        QuizAttemptRow.status == AttemptStatus.IN_PROGRESS.value,
    ).values(status=AttemptStatus.ABANDONED.value))
