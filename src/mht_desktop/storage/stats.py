"""Aggregate queries behind the Progress view and the reports.

Why this module is shaped the way it is: a learner who studies for a year has hundreds of
thousands of review logs, and the dashboard must still open in a blink (150 ms for every
figure at 500,000 logs). So nothing here returns rows one by one; every function asks the
database for a handful of sums (per topic, per study day, per hour) and returns plain tuples
that :mod:`mht_desktop.core.readiness` combines.

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
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    TextClause,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
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
    arg = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(ROUND((julianday({arg}) - 2440587.5) * 86400000) AS INTEGER)"


@compiles(epoch_ms, "postgresql")
def _epoch_ms_postgresql(element: epoch_ms, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
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
        .group_by(QuestionRow.topic_id)).all())
    return [(t, title, int(counts.get(t, 0))) for t, title in titles.items()]


# -- review logs ---------------------------------------------------------------------------

def first_review_at(session: Session, profile_id: int) -> datetime | None:
    """When the learner's first card review happened (an index lookup)."""
    return session.scalar(select(func.min(ReviewLogRow.reviewed_at))
                          .where(ReviewLogRow.profile_id == profile_id))


@lru_cache(maxsize=16)
def _per_day_statement(select_sql: str, days: int) -> TextClause:
    # Written as text and cached per length: building the same query with Core VALUES costs
    # ~30 ms of Python per call for a year of days, more than the query itself. The SQL is
    # standard (a VALUES CTE and a correlated scalar subquery), and the boundaries are bound
    # as UTCDateTime so they are stored-format strings on SQLite and timestamps elsewhere.
    rows = ", ".join(f"({i}, :b{i}, :b{i + 1})" for i in range(days))
    sql = f"WITH days(i, lo, hi) AS (VALUES {rows}) SELECT days.i, {select_sql} FROM days " \
          "ORDER BY days.i"
    return text(sql).bindparams(*[bindparam(f"b{i}", type_=UTCDateTime())
                                  for i in range(days + 1)])


def _per_day(session: Session, select_sql: str, bounds: Sequence[datetime],
             params: dict[str, Any]) -> list[Any]:
    """Evaluate ``select_sql`` (which may use ``days.i``, ``days.lo`` and ``days.hi``) for each
    day between consecutive ``bounds``, a chunk of days per statement."""
    out: list[Any] = []
    for start in range(0, max(0, len(bounds) - 1), _DAYS_PER_QUERY):
        chunk = bounds[start:start + _DAYS_PER_QUERY + 1]
        values: dict[str, Any] = {f"b{i}": moment for i, moment in enumerate(chunk)}
        values.update(params, offset=start)
        statement = _per_day_statement(select_sql, len(chunk) - 1)
        out.extend(value for _i, value in session.execute(statement, values))
    return out


# Inside the counted days the subquery returns "count duration" and walks each day's index
# range once (a count then a sum would walk it twice). Before them only whether the learner
# studied at all matters (for streaks), and one index probe per day answers that.
_REVIEW_DAY_SQL = (
    "CASE WHEN days.i + :offset >= :counted_from THEN "
    "(SELECT count(*) || ' ' || coalesce(sum(r.duration_ms), 0) FROM review_logs AS r "
    " WHERE r.profile_id = :profile_id AND r.reviewed_at >= days.lo AND r.reviewed_at < days.hi)"
    # Text in both branches, and an alias on the inner query: PostgreSQL requires both.
    " ELSE CAST((SELECT count(*) FROM (SELECT 1 FROM review_logs AS r "
    " WHERE r.profile_id = :profile_id AND r.reviewed_at >= days.lo AND r.reviewed_at < days.hi"
    " LIMIT 1) AS any_review) AS TEXT) END")


def review_days(session: Session, profile_id: int, bounds: Sequence[datetime], *,
                counted_from: int = 0) -> list[tuple[int, float]]:
    """Reviews and their total duration (ms) between consecutive ``bounds``.

    Args:
        session: The open session.
        profile_id: The learner.
        bounds: Ascending UTC day boundaries; day ``i`` is ``[bounds[i], bounds[i + 1])``.
        counted_from: Days from this index on are counted in full. Earlier days only say
            whether there was any review: (1, 0.0) or (0, 0.0).

    Returns:
        One (count, duration in ms) per day, in order.
    """
    out: list[tuple[int, float]] = []
    for packed in _per_day(session, _REVIEW_DAY_SQL, bounds,
                           {"profile_id": profile_id, "counted_from": counted_from}):
        count, _, total = str(packed).partition(" ")
        out.append((int(count), float(total or 0)))
    return out


_DUE_DAY_SQL = (
    "(SELECT count(*) FROM cards AS c WHERE c.profile_id = :profile_id "
    f"AND c.state IN ({int(CardState.LEARNING)}, {int(CardState.REVIEW)}, "
    f"{int(CardState.RELEARNING)}) AND c.due >= days.lo AND c.due < days.hi)")


def scheduled_days(session: Session, profile_id: int,
                   bounds: Sequence[datetime]) -> list[int]:
    """Cards in learning or review falling due between consecutive ``bounds``.

    These counts read the (profile, state, due) index alone, so they include suspended cards
    and cards of disabled banks; :func:`card_topic_days` counts those apart so the caller can
    take them off.
    """
    return [int(n) for n in _per_day(session, _DUE_DAY_SQL, bounds,
                                     {"profile_id": profile_id})]


def recent_card_answers(session: Session, profile_id: int, since: datetime,
                        topics: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(answers, answers other than Again) since ``since`` for the cards of ``topics``.

    This is the retention fallback for topics that have no card with an FSRS memory state,
    so the caller passes only such topics. The query walks from those topics' flashcards (an
    index search) to their cards and then to their logs, so a topic never studied costs a
    few index probes rather than a pass over the month's review logs.
    """
    if not topics:
        return {}
    enabled = select(BankRow.id).where(BankRow.enabled.is_(True))
    topic_flashcards = select(FlashcardRow.id).where(FlashcardRow.topic_id.in_(list(topics)),
                                                     FlashcardRow.bank_id.in_(enabled))
    topic_cards = select(CardRow.id).where(CardRow.profile_id == profile_id,
                                           CardRow.flashcard_id.in_(topic_flashcards))
    rows = session.execute(
        select(FlashcardRow.topic_id, func.count(),
               func.count().filter(ReviewLogRow.rating != int(Rating.AGAIN)))
        .select_from(ReviewLogRow)
        .join(CardRow, CardRow.id == ReviewLogRow.card_id)
        .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
        .where(ReviewLogRow.card_id.in_(topic_cards), ReviewLogRow.reviewed_at >= since)
        .group_by(FlashcardRow.topic_id))
    return {t: (int(n), int(ok)) for t, n, ok in rows}


# -- cards ---------------------------------------------------------------------------------

def _day_index(due: Any, starts: Sequence[datetime], lo: int, hi: int) -> Any:
    """Which of the days ``[lo, hi)`` a due date falls in, given ``starts[lo] <= due <
    starts[hi]``: a balanced tree of comparisons, so five string comparisons place a card
    among 30 days with no date arithmetic, exactly across daylight-saving changes."""
    if hi - lo == 1:
        return literal(lo)
    mid = (lo + hi) // 2
    return case((due < starts[mid], _day_index(due, starts, lo, mid)),
                else_=_day_index(due, starts, mid, hi))


def card_topic_days(session: Session, profile_id: int, *, now: datetime,
                    day_starts: Sequence[datetime], decay: float,
                    factor: float) -> list[tuple[str, int | None, int, int, int, float]]:
    """Per topic: live cards, reviewed live cards and their summed FSRS retrievability, split
    by the due day of the learner's *hidden* cards.

    One pass over the learner's cards serves the retention figure and corrects the due
    forecast: :func:`scheduled_days` counts every scheduled card from the index, and the
    hidden ones — suspended, retired, or in a disabled bank — are counted here per due day
    (index into ``day_starts``; overdue counts as day 0) so the caller can subtract them.
    For every other card the due day is None, so the groups stay few.

    Retrievability follows FSRS-6, ``(1 + factor · t / stability) ** decay`` with ``t`` the
    whole days since the last review, as ``fsrs.Scheduler.get_card_retrievability`` does.

    Args:
        session: The open session.
        profile_id: The learner.
        now: The moment retrievability is computed for.
        day_starts: Ascending UTC starts of the forecast's study days, plus the end of the
            last one.
        decay: FSRS's (negative) decay exponent.
        factor: FSRS's factor, ``0.9 ** (1 / decay) - 1``.

    Returns:
        (topic, hidden due day or None, cards in the group, live cards, reviewed live cards,
        their retrievability sum). For a hidden due day, "cards in the group" is the number
        of hidden cards falling due that day.
    """
    last = len(day_starts) - 1
    live = and_(BankRow.enabled.is_(True), FlashcardRow.retired.is_(False))
    hidden_day = case(
        (and_(CardRow.state != int(CardState.NEW), CardRow.due < day_starts[last],
              or_(CardRow.suspended.is_(True), ~live)),
         case((CardRow.due < day_starts[0], literal(0)),
              else_=_day_index(CardRow.due, day_starts, 0, last))),
        else_=None).label("hidden_day")
    reviewed = and_(live, CardRow.stability > 0, CardRow.last_review.is_not(None))
    elapsed = case((CardRow.last_review > now, 0),
                   # BigInteger: milliseconds since 1970 overflow PostgreSQL's 32-bit INTEGER.
                   else_=(literal(to_epoch_ms(now), BigInteger) - epoch_ms(CardRow.last_review))
                   // MS_PER_DAY)
    retrievability = func.pow(1.0 + factor * cast(elapsed, Float) / CardRow.stability, decay)
    rows = session.execute(
        select(FlashcardRow.topic_id, hidden_day, func.count(), func.count().filter(live),
               func.count().filter(reviewed),
               func.coalesce(func.sum(case((reviewed, retrievability), else_=None)), 0.0))
        .select_from(CardRow)
        .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
        .join(BankRow, BankRow.id == FlashcardRow.bank_id)
        .where(CardRow.profile_id == profile_id)
        .group_by(FlashcardRow.topic_id, literal_column("hidden_day")))
    return [(t, None if d is None else int(d), int(a), int(n), int(r), float(x))
            for t, d, a, n, r, x in rows]


# -- quiz answers --------------------------------------------------------------------------

def _answers() -> Any:
    return (select().select_from(AttemptItemRow)
            .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id))


def answer_hours(session: Session, profile_id: int,
                 shift_ms: int) -> list[tuple[int, int, float]]:
    """(hour bucket, answers, seconds spent) for every quiz answer, all time.

    Buckets are ``(epoch ms + shift_ms) // 1 hour``; :class:`core.periods.StudyCalendar`
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
