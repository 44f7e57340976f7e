"""What an instructor's class view reads: every trainee's answers the server lets them see.

Row-level security decides whose rows come back (an instructor gets their cohort's, the
coordinator everyone's), so these queries ask for "all trainees" and trust the server. The
same queries run on SQLite, where a learner's own file holds only their own rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mht_desktop.storage.models import (
    AttemptItemRow,
    LatestAnswerRow,
    ProfileRow,
    QuestionRow,
    QuizAttemptRow,
    ReviewLogRow,
    TopicRow,
)


@dataclass(frozen=True, slots=True)
class TraineeRow:
    """One trainee on the roster, with their activity since a given moment."""

    profile_id: int
    name: str
    cohort: str
    reviews_since: int
    answers_since: int
    last_active: datetime | None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One trainee's latest scored answer to one question."""

    profile_id: int
    question_id: int
    topic_id: str
    correct: bool


def trainees(session: Session, since: datetime) -> list[TraineeRow]:
    """Every visible trainee (not instructors), with their reviews and answers since ``since``.

    Each figure reads only what it needs: the reviews since ``since`` and the newest review
    from the (profile, time) index of ``review_logs``, a trainee at a time; the answers since
    ``since`` from the index on ``attempt_items.answered_at``; the newest answer from
    ``latest_answers`` (any answer's time, not only this week's). A year of history costs what
    a week does.
    """
    reviews_since = (select(func.count()).select_from(ReviewLogRow)
                     .where(ReviewLogRow.profile_id == ProfileRow.id,
                            ReviewLogRow.reviewed_at >= since)
                     .correlate(ProfileRow).scalar_subquery())
    last_review = (select(func.max(ReviewLogRow.reviewed_at))
                   .where(ReviewLogRow.profile_id == ProfileRow.id)
                   .correlate(ProfileRow).scalar_subquery())
    last_answer = (select(func.max(LatestAnswerRow.answered_at))
                   .where(LatestAnswerRow.profile_id == ProfileRow.id)
                   .correlate(ProfileRow).scalar_subquery())
    answers = (select(QuizAttemptRow.profile_id, func.count().label("n"))
               .join(AttemptItemRow, AttemptItemRow.attempt_id == QuizAttemptRow.id)
               .where(AttemptItemRow.answered_at >= since)
               .group_by(QuizAttemptRow.profile_id).subquery())
    rows = session.execute(
        select(ProfileRow.id, ProfileRow.name, ProfileRow.cohort, reviews_since, answers.c.n,
               last_review, last_answer)
        .outerjoin(answers, answers.c.profile_id == ProfileRow.id)
        .where(ProfileRow.is_instructor.is_(False))
        .order_by(ProfileRow.name))
    out = []
    for pid, name, cohort, n_reviews, n_answers, last_rev, last_ans in rows:
        times = [t for t in (last_rev, last_ans) if t is not None]
        out.append(TraineeRow(pid, name, cohort or "", n_reviews or 0, n_answers or 0,
                              max(times) if times else None))
    return out


def latest_answers(session: Session) -> list[AnswerRow]:
    """Each visible trainee's latest scored answer to each question they answered.

    Read from ``latest_answers``, which the database keeps (migration 0007), so a refresh
    reads one row per trainee and question instead of ranking every answer ever given.
    """
    rows = session.execute(
        select(LatestAnswerRow.profile_id, LatestAnswerRow.question_id, QuestionRow.topic_id,
               LatestAnswerRow.correct)
        .join(QuestionRow, QuestionRow.id == LatestAnswerRow.question_id)
        .join(ProfileRow, ProfileRow.id == LatestAnswerRow.profile_id)
        .where(ProfileRow.is_instructor.is_(False)))
    return [AnswerRow(p, q, t, bool(c)) for p, q, t, c in rows]


def question_texts(session: Session, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """(bank id, item id, stem) of each question in ``ids``."""
    if not ids:
        return {}
    rows = session.execute(select(QuestionRow.id, QuestionRow.bank_id, QuestionRow.item_id,
                                  QuestionRow.stem).where(QuestionRow.id.in_(ids)))
    return {qid: (bank, item, stem) for qid, bank, item, stem in rows}


def topic_titles(session: Session, ids: list[str]) -> dict[str, str]:
    """How each topic in ``ids`` is named (the first bank's title where banks share a topic)."""
    if not ids:
        return {}
    rows = session.execute(select(TopicRow.id, TopicRow.title).where(TopicRow.id.in_(ids))
                           .order_by(TopicRow.bank_id))
    titles: dict[str, str] = {}
    for topic_id, title in rows:
        titles.setdefault(topic_id, title)
    return titles
