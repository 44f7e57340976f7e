"""What an instructor's class view reads: every trainee's answers the server lets them see.

Row-level security decides whose rows come back (an instructor gets their cohort's, the
coordinator everyone's), so these queries ask for "all trainees" and trust the server. The
same queries run on SQLite, where a learner's own file holds only their own rows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, select
from sqlalchemy.orm import Session

from mht_desktop.core.item_stats import ItemTally
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
class TopicTally:
    """One trainee's latest answers in one topic: how many, how many right."""

    profile_id: int
    topic_id: str
    right: int
    answered: int


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


def _right(condition: ColumnElement[bool] | None = None) -> ColumnElement[int]:
    """How many latest answers are right (and meet ``condition``)."""
    when = LatestAnswerRow.correct if condition is None else and_(LatestAnswerRow.correct,
                                                                 condition)
    return func.sum(case((when, 1), else_=0))


def topic_tallies(session: Session) -> list[TopicTally]:
    """Each visible trainee's latest answers counted by topic (one row per trainee and topic).

    Latest answers come from ``latest_answers``, which the database keeps (migration 0007),
    so a refresh counts one row per trainee and question instead of ranking every answer
    ever given, and only the counts leave the server.
    """
    rows = session.execute(
        select(LatestAnswerRow.profile_id, QuestionRow.topic_id, _right(), func.count())
        .join(QuestionRow, QuestionRow.id == LatestAnswerRow.question_id)
        .join(ProfileRow, ProfileRow.id == LatestAnswerRow.profile_id)
        .where(ProfileRow.is_instructor.is_(False))
        .group_by(LatestAnswerRow.profile_id, QuestionRow.topic_id))
    return [TopicTally(p, t, int(r), int(n)) for p, t, r, n in rows]


def item_tallies(session: Session, upper: Collection[int],
                 lower: Collection[int]) -> list[ItemTally]:
    """The sums of each question's statistics over visible trainees' latest answers.

    Args:
        upper: The strongest trainees (profile ids), as :func:`kelley_groups` chose them.
        lower: The weakest.

    A trainee's rest score on a question is their share right on their other questions; it
    is counted only for trainees who answered more than one (as ``item_statistics`` does).
    """
    la = LatestAnswerRow
    n, r = func.count(), _right()
    # Everything that depends on the trainee alone is worked out once per trainee here, not
    # once per answer below: their rest score if this answer was right (a) or wrong (b),
    # NULL for a trainee with a single answer, and their group.
    a = case((n > 1, cast(r - 1, Float) / (n - 1)))
    b = case((n > 1, cast(r, Float) / (n - 1)))
    totals = (select(la.profile_id, a.label("a"), b.label("b"), (a * a).label("a2"),
                     (b * b).label("b2"),
                     case((la.profile_id.in_(sorted(upper)), 1), else_=0).label("up"),
                     case((la.profile_id.in_(sorted(lower)), 1), else_=0).label("low"))
              .join(ProfileRow, ProfileRow.id == la.profile_id)
              .where(ProfileRow.is_instructor.is_(False))
              .group_by(la.profile_id).subquery("totals"))
    t = totals.c
    right, wrong = la.correct.is_(True), la.correct.is_(False)

    def when(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
        return case((condition, value))

    rows = session.execute(
        select(la.question_id, func.count(), _right(),
               func.count(when(right, t.a)), func.count(when(wrong, t.b)),
               func.coalesce(func.sum(when(right, t.a)), 0.0),
               func.coalesce(func.sum(when(wrong, t.b)), 0.0),
               func.coalesce(func.sum(case((right, t.a2), else_=t.b2)), 0.0),
               func.sum(t.up), func.sum(case((right, t.up), else_=0)),
               func.sum(t.low), func.sum(case((right, t.low), else_=0)))
        .join(totals, t.profile_id == la.profile_id)
        .group_by(la.question_id))
    return [ItemTally(q, int(n), int(r), int(pr), int(pw), float(sr), float(sw), float(sq),
                      int(un), int(ur), int(ln), int(lr))
            for q, n, r, pr, pw, sr, sw, sq, un, ur, ln, lr in rows]


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
