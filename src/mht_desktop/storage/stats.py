"""Aggregate queries behind the Progress view and the reports.

Why this module is shaped the way it is: a learner who studies for a year has hundreds of
thousands of review logs, and the dashboard must still open in a blink (150 ms for every
figure at 500,000 logs). So nothing here returns rows one by one; every function asks the
database for a handful of sums (per topic, per study day, per hour) and returns plain tuples
that :mod:`mht_desktop.core.stats` combines.

Two tricks keep it fast, both measured on the benchmark data:

* Review logs are counted per study day with one *range* count per day (a correlated
  subquery over the covering index ``ix_review_logs_profile_time_duration``) instead of
  ``GROUP BY date(...)``: SQLite would sort all 500,000 rows for the GROUP BY (~180 ms), while
  the range counts walk the index once in order (~20 ms). The day boundaries come from the
  caller, so study days that start at 4 AM local time, across daylight-saving changes, are
  exact.
* Card figures (FSRS retrievability per topic and the 30-day due forecast) come from one pass
  over the learner's cards grouped by (topic, due day), with the arithmetic done in SQL on
  whole milliseconds so no figure depends on floating-point rounding at a day boundary.

Timestamps are bucketed with :class:`epoch_ms`, which compiles for SQLite (the app's engine)
and for PostgreSQL (a shared classroom server).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    column,
    func,
    select,
    values,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from mht_desktop.core.cards import CardState, Rating
from mht_desktop.core.quiz import AttemptStatus
from mht_desktop.storage.models import (
    AttemptItemRow,
    BankRow,
    CardRow,
    FlashcardRow,
    QuestionRow,
    QuizAttemptRow,
    ReviewLogRow,
    TopicRow,
    UTCDateTime,
)
from mht_desktop.storage.quizzes import missed_ids_select

MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
# SQLite allows 999 bound parameters in old builds; each day range binds two.
_DAYS_PER_QUERY = 400


class epoch_ms(FunctionElement[int]):  # noqa: N801 - reads like the SQL function it is
    """Milliseconds since 1970-01-01 UTC of a stored (naive UTC) timestamp, as an integer."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_ms, "sqlite")
def _epoch_ms_sqlite(element: epoch_ms, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() keeps whole milliseconds internally; rounding after the multiplication
    # gives them back exactly, so day and hour arithmetic below is integer arithmetic.
    arg = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(ROUND((julianday({arg}) - 2440587.5) * 86400000) AS INTEGER)"


@compiles(epoch_ms, "postgresql")
def _epoch_ms_postgresql(element: epoch_ms, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM {arg}) * 1000) AS BIGINT)"


def to_epoch_ms(moment: datetime) -> int:
    """An aware datetime as integer milliseconds since the Unix epoch."""
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _hour_bucket(moment: Any, shift_ms: int) -> ColumnElement[int]:
    return (epoch_ms(moment) + shift_ms) // MS_PER_HOUR


# -- topics --------------------------------------------------------------------------------

def topic_catalog(session: Session) -> list[tuple[str, str, int]]:
    """(topic id, title, live questions) for every topic of the enabled banks.

    A topic id shared by two banks is one topic; it takes the title of the first bank in
    title order, and its question count covers both.
    """
    titles: dict[str, str] = {}
    for topic_id, title in session.execute(
            select(TopicRow.id, TopicRow.title).join(BankRow, BankRow.id == TopicRow.bank_id)
            .where(BankRow.enabled.is_(True)).order_by(BankRow.title, TopicRow.position)):
        titles.setdefault(topic_id, title)
    counts = dict(session.execute(
        select(QuestionRow.topic_id, func.count())
        .join(BankRow, BankRow.id == QuestionRow.bank_id)
        .where(BankRow.enabled.is_(True), QuestionRow.retired.is_(False))
        .group_by(QuestionRow.topic_id)).tuples().all())
    return [(t, title, int(counts.get(t, 0))) for t, title in titles.items()]


# -- review logs ---------------------------------------------------------------------------

def first_review_at(session: Session, profile_id: int) -> datetime | None:
    """When the learner's first card review happened (an index lookup)."""
    return session.scalar(select(func.min(ReviewLogRow.reviewed_at))
                          .where(ReviewLogRow.profile_id == profile_id))


def review_days(session: Session, profile_id: int,
                bounds: Sequence[datetime]) -> list[tuple[int, float]]:
    """Reviews and their total duration (ms) between consecutive ``bounds``.

    Args:
        session: The open session.
        profile_id: The learner.
        bounds: Ascending UTC day boundaries; day ``i`` is ``[bounds[i], bounds[i + 1])``.

    Returns:
        One (count, duration in ms) per day, in order.
    """
    out: list[tuple[int, float]] = []
    for start in range(0, max(0, len(bounds) - 1), _DAYS_PER_QUERY):
        chunk = bounds[start:start + _DAYS_PER_QUERY + 1]
        days = values(column("i", Integer), column("lo", UTCDateTime()),
                      column("hi", UTCDateTime()), name="days").data(
            [(i, chunk[i], chunk[i + 1]) for i in range(len(chunk) - 1)]).cte("days")
        # One subquery returning "count duration" walks each day's index range once;
        # two subqueries (count, then sum) would walk it twice.
        packed = (select(cast(func.count(), String) + " "
                         + cast(func.coalesce(func.sum(ReviewLogRow.duration_ms), 0), String))
                  .where(ReviewLogRow.profile_id == profile_id,
                         ReviewLogRow.reviewed_at >= days.c.lo,
                         ReviewLogRow.reviewed_at < days.c.hi)
                  .scalar_subquery())
        rows = session.execute(select(days.c.i, packed).order_by(days.c.i)).all()
        for _i, text in rows:
            count, _, total = str(text).partition(" ")
            out.append((int(count), float(total)))
    return out


def recent_card_answers(session: Session, profile_id: int, since: datetime,
                        topics: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(answers, answers other than Again) since ``since`` per topic, for cards that have no
    FSRS memory state (the retention fallback); only ``topics`` are asked about."""
    if not topics:
        return {}
    rows = session.execute(
        select(FlashcardRow.topic_id, func.count(),
               func.count().filter(ReviewLogRow.rating != int(Rating.AGAIN)))
        .select_from(ReviewLogRow)
        .join(CardRow, CardRow.id == ReviewLogRow.card_id)
        .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
        .where(ReviewLogRow.profile_id == profile_id, ReviewLogRow.reviewed_at >= since,
               FlashcardRow.topic_id.in_(list(topics)))
        .group_by(FlashcardRow.topic_id))
    return {t: (int(n), int(ok)) for t, n, ok in rows}


# -- cards ---------------------------------------------------------------------------------

def card_topic_days(session: Session, profile_id: int, *, now: datetime,
                    day_starts: Sequence[datetime], decay: float,
                    factor: float) -> list[tuple[str, int | None, int, int, float]]:
    """Per (topic, due day): cards, reviewed cards and their summed FSRS retrievability.

    The due day is the index of the study day a card falls due on, counted from
    ``day_starts[0]`` (overdue cards count as day 0); it is None for cards that are new,
    suspended, or due after the last boundary. Retrievability follows FSRS-6:
    ``(1 + factor · t / stability) ** decay`` with ``t`` the whole days since the last review.

    Args:
        session: The open session.
        profile_id: The learner.
        now: The moment retrievability is computed for.
        day_starts: Ascending UTC starts of the forecast's study days, plus the end of the
            last one.
        decay: FSRS's (negative) decay exponent.
        factor: FSRS's factor, ``0.9 ** (1 / decay) - 1``.
    """
    due_ms = epoch_ms(CardRow.due)
    starts = [to_epoch_ms(d) for d in day_starts]
    # Days are 24 h except across a daylight-saving change, so split the forecast into runs
    # of 24-hour days and divide within each run.
    whens: list[tuple[Any, Any]] = []
    run_start, run_index = starts[0], 0
    for i in range(1, len(starts)):
        if starts[i] - starts[i - 1] != MS_PER_DAY:
            whens.append((due_ms < starts[i], run_index + (due_ms - run_start) // MS_PER_DAY))
            run_start, run_index = starts[i], i
    day_in_run = run_index + (due_ms - run_start) // MS_PER_DAY
    day_index = case(*whens, else_=day_in_run) if whens else day_in_run
    due_day = case(
        (and_(CardRow.state != int(CardState.NEW), CardRow.suspended.is_(False),
              CardRow.due < day_starts[-1]),
         case((CardRow.due < day_starts[0], 0), else_=day_index)),
        else_=None).label("due_day")
    reviewed = and_(CardRow.stability.is_not(None), CardRow.stability > 0,
                    CardRow.last_review.is_not(None))
    elapsed = (to_epoch_ms(now) - epoch_ms(CardRow.last_review)) // MS_PER_DAY
    elapsed = case((elapsed < 0, 0), else_=elapsed)
    retrievability = func.pow(1.0 + factor * cast(elapsed, Float) / CardRow.stability, decay)
    rows = session.execute(
        select(FlashcardRow.topic_id, due_day, func.count(), func.count().filter(reviewed),
               func.coalesce(func.sum(case((reviewed, retrievability), else_=None)), 0.0))
        .select_from(CardRow)
        .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
        .join(BankRow, BankRow.id == FlashcardRow.bank_id)
        .where(CardRow.profile_id == profile_id, BankRow.enabled.is_(True),
               FlashcardRow.retired.is_(False))
        .group_by(FlashcardRow.topic_id, due_day))
    return [(t, None if d is None else int(d), int(n), int(r), float(s))
            for t, d, n, r, s in rows]


# -- quiz answers --------------------------------------------------------------------------

def _answers() -> Any:
    return (select().select_from(AttemptItemRow)
            .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id))


def answer_hours(session: Session, profile_id: int,
                 shift_ms: int) -> list[tuple[int, int, float]]:
    """(hour bucket, answers, seconds spent) for every quiz answer, all time.

    Buckets are ``(epoch ms + shift_ms) // 1 hour``; :class:`core.stats.StudyCalendar`
    turns them into study dates.
    """
    bucket = _hour_bucket(AttemptItemRow.answered_at, shift_ms).label("bucket")
    rows = session.execute(
        _answers().add_columns(bucket, func.count(),
                               func.coalesce(func.sum(AttemptItemRow.time_spent_s), 0.0))
        .where(QuizAttemptRow.profile_id == profile_id, AttemptItemRow.answered_at.is_not(None))
        .group_by(bucket))
    return [(int(b), int(n), float(s)) for b, n, s in rows]


def topic_answer_hours(session: Session, profile_id: int, shift_ms: int,
                       since: datetime) -> list[tuple[str, int, int, float]]:
    """(topic, hour bucket, answers, summed score) for quiz answers since ``since``."""
    bucket = _hour_bucket(AttemptItemRow.answered_at, shift_ms).label("bucket")
    rows = session.execute(
        _answers().add_columns(QuestionRow.topic_id, bucket, func.count(),
                               func.coalesce(func.sum(AttemptItemRow.score), 0.0))
        .join(QuestionRow, QuestionRow.id == AttemptItemRow.question_id)
        .where(QuizAttemptRow.profile_id == profile_id, AttemptItemRow.answered_at >= since)
        .group_by(QuestionRow.topic_id, bucket))
    return [(t, int(b), int(n), float(s)) for t, b, n, s in rows]


def topic_answers(session: Session, profile_id: int, since: datetime | None,
                  until: datetime | None) -> list[tuple[str, int, float, int]]:
    """(topic, answers, summed score, distinct questions) for answers in [since, until)."""
    stmt = (_answers().add_columns(QuestionRow.topic_id, func.count(),
                                   func.coalesce(func.sum(AttemptItemRow.score), 0.0),
                                   func.count(AttemptItemRow.question_id.distinct()))
            .join(QuestionRow, QuestionRow.id == AttemptItemRow.question_id)
            .where(QuizAttemptRow.profile_id == profile_id,
                   AttemptItemRow.answered_at.is_not(None)))
    if since is not None:
        stmt = stmt.where(AttemptItemRow.answered_at >= since)
    if until is not None:
        stmt = stmt.where(AttemptItemRow.answered_at < until)
    rows = session.execute(stmt.group_by(QuestionRow.topic_id))
    return [(t, int(n), float(s), int(d)) for t, n, s, d in rows]


def missed_by_topic(session: Session, profile_id: int) -> dict[str, int]:
    """Questions whose latest answer was wrong, counted per topic."""
    missed = missed_ids_select(profile_id).subquery()
    rows = session.execute(
        select(QuestionRow.topic_id, func.count(func.distinct(QuestionRow.id)))
        .where(QuestionRow.id.in_(select(missed.c.question_id)))
        .group_by(QuestionRow.topic_id))
    return {t: int(n) for t, n in rows}


def submitted_attempts(session: Session, profile_id: int, since: datetime | None,
                       until: datetime | None,
                       ) -> list[tuple[int, str, datetime, float, bool | None, int, float]]:
    """(id, mode, finished at, score, passed, questions, seconds) of submitted attempts in
    [since, until), oldest first."""
    questions = (select(func.count()).where(AttemptItemRow.attempt_id == QuizAttemptRow.id)
                 .scalar_subquery())
    stmt = (select(QuizAttemptRow.id, QuizAttemptRow.mode, QuizAttemptRow.finished_at,
                   QuizAttemptRow.score, QuizAttemptRow.passed, questions,
                   QuizAttemptRow.elapsed_s)
            .where(QuizAttemptRow.profile_id == profile_id,
                   QuizAttemptRow.status == AttemptStatus.SUBMITTED.value,
                   QuizAttemptRow.finished_at.is_not(None)))
    if since is not None:
        stmt = stmt.where(QuizAttemptRow.finished_at >= since)
    if until is not None:
        stmt = stmt.where(QuizAttemptRow.finished_at < until)
    rows = session.execute(stmt.order_by(QuizAttemptRow.finished_at, QuizAttemptRow.id))
    return [(int(i), str(m), f, float(s or 0.0), p, int(n), float(e or 0.0))
            for i, m, f, s, p, n, e in rows]
