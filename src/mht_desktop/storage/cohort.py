"""What an instructor's class view reads: every trainee's answers the server lets them see.

Row-level security decides whose rows come back (an instructor gets their cohort's, the
coordinator everyone's), so these queries ask for "all trainees" and trust the server. The
same queries run on SQLite, where a learner's own file holds only their own rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
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
    answered: bool = False  # has answered any question (so is ranked for item statistics)


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
                              max(times) if times else None, last_ans is not None))
    return out


def _right(condition: ColumnElement[bool] | None = None) -> ColumnElement[int]:
    """How many latest answers are right (and meet ``condition``)."""
    when = LatestAnswerRow.correct if condition is None else and_(LatestAnswerRow.correct,
                                                                 condition)
    return func.sum(case((when, 1), else_=0))


def class_tallies(session: Session, group: int) -> tuple[list[TopicTally], list[ItemTally]]:
    """Visible trainees' latest answers counted by trainee and topic, and by question.

    Args:
        group: How many trainees make each Kelley group (``kelley_group_size`` of the number
            of trainees with answers).

    Latest answers come from ``latest_answers``, which the database keeps (migration 0007),
    and only counts leave the server. One statement does it all, so the latest answers are
    read twice, not three times: once into counts by trainee and topic (which are also each
    trainee's totals), once into the sums of each question's statistics, with what depends
    on the trainee alone worked out once per trainee from those totals: their rest score if
    this answer was right (``a``) or wrong (``b``), NULL for a trainee with one answer (as
    ``item_statistics`` counts them), and their rank, weakest first (the profile settles a
    tie, as in the service), which puts them in the lower or upper group.
    """
    la = LatestAnswerRow
    by_topic = (select(la.profile_id, QuestionRow.topic_id, _right().label("r"),
                       func.count().label("n"))
                .join(QuestionRow, QuestionRow.id == la.question_id)
                .join(ProfileRow, ProfileRow.id == la.profile_id)
                .where(ProfileRow.is_instructor.is_(False))
                .group_by(la.profile_id, QuestionRow.topic_id).cte("by_topic"))
    totals = (select(by_topic.c.profile_id, func.sum(by_topic.c.r).label("r"),
                     func.sum(by_topic.c.n).label("n"))
              .group_by(by_topic.c.profile_id).subquery("totals"))
    t = totals.c
    paired = t.n > 1

    def ratio(top: ColumnElement[Any], bottom: ColumnElement[Any]) -> ColumnElement[Any]:
        # Both as floating point: the quotient Python's ``/`` gives, on either engine.
        return cast(top, Float) / cast(bottom, Float)

    weights = select(
        t.profile_id,
        case((paired, ratio(t.r - 1, t.n - 1))).label("a"),
        case((paired, ratio(t.r, t.n - 1))).label("b"),
        func.row_number().over(order_by=(ratio(t.r, t.n), t.profile_id)).label("rank"),
        func.count().over().label("ranked")).subquery("weights")
    w = weights.c
    right, wrong = la.correct.is_(True), la.correct.is_(False)
    up, low = w.rank > w.ranked - group, w.rank <= group

    def when(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[Any]:
        return case((condition, value))

    items = (select(literal(1).label("kind"), la.question_id.label("key"),
                    null().label("topic"), func.count(), _right(),
                    func.count(when(right, w.a)), func.count(when(wrong, w.b)),
                    func.coalesce(func.sum(when(right, w.a)), 0.0),
                    func.coalesce(func.sum(when(wrong, w.b)), 0.0),
                    func.coalesce(func.sum(case((right, w.a * w.a), else_=w.b * w.b)), 0.0),
                    func.sum(case((up, 1), else_=0)), _right(up),
                    func.sum(case((low, 1), else_=0)), _right(low))
             .join(weights, w.profile_id == la.profile_id)
             .group_by(la.question_id))
    nothing = [null()] * 9
    topics = select(literal(0), by_topic.c.profile_id, by_topic.c.topic_id, by_topic.c.n,
                    by_topic.c.r, *nothing)
    tallies: tuple[list[TopicTally], list[ItemTally]] = ([], [])
    for kind, key, topic, n, r, pr, pw, sr, sw, sq, un, ur, ln, lr in session.execute(
            union_all(topics, items)):
        if kind == 0:
            tallies[0].append(TopicTally(key, topic, int(r), int(n)))
        else:
            tallies[1].append(ItemTally(key, int(n), int(r), int(pr), int(pw), float(sr),
                                        float(sw), float(sq), int(un), int(ur), int(ln),
                                        int(lr)))
    return tallies


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
