"""Card scheduling rows: choosing the next card, recording answers, undo.

Every learner has one card row per flashcard (created by :func:`sync_cards` when a study
screen opens), so choosing the next card is an index range scan on (profile, state, due)
rather than a search through every flashcard. The card browser's queries are in
:mod:`mht_desktop.storage.card_browser`.

Choosing a card and recording an answer run once per card shown, so they are Core
statements built once and run as :class:`~mht_desktop.storage.statements.Prepared` ones, in
a session or in a :meth:`~mht_desktop.storage.database.Database.work` unit (the study
loop's, without an ORM session). Building an ORM ``select()`` on every call cost about 300 µs
per query, SQLAlchemy's execution of a prebuilt one 50–100 µs; SQLite itself needs 5–15 µs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from mht_desktop.core.cards import (
    CardState,
    Deck,
    DeckCounts,
    Flag,
    Rating,
    Schedule,
    StudyCard,
)
from mht_desktop.core.clock import ensure_utc
from mht_desktop.core.errors import NotFoundError
from mht_desktop.storage.models import BankRow, CardRow, FlashcardRow, ReviewLogRow, TopicRow
from mht_desktop.storage.statements import Prepared, Work, work_in

_SNAPSHOT_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
                    "lapses", "suspended", "buried_until", "flag", "leech")


def sync_cards(session: Session, profile_id: int, now: datetime) -> int:
    """Give the learner a (new) card row for every flashcard that lacks one."""
    missing = (
        select(literal(profile_id), FlashcardRow.id, literal(int(CardState.NEW)),
               literal(now.replace(tzinfo=None)), literal(0), literal(0), literal(False),
               literal(0), literal(False))
        .where(~exists().where(CardRow.profile_id == profile_id,
                               CardRow.flashcard_id == FlashcardRow.id))
        .order_by(FlashcardRow.bank_id, FlashcardRow.position)
    )
    result: Any = session.execute(insert(CardRow).from_select(
        ["profile_id", "flashcard_id", "state", "due", "reps", "lapses", "suspended", "flag",
         "leech"], missing))
    return int(result.rowcount or 0)


def _live(deck: Deck) -> list[Any]:
    conditions: list[Any] = [BankRow.enabled.is_(True), FlashcardRow.retired.is_(False)]
    if deck.bank_id is not None:
        conditions.append(FlashcardRow.bank_id == deck.bank_id)
    if deck.topic_id is not None:
        conditions.append(FlashcardRow.topic_id == deck.topic_id)
    return conditions


def _available(now: datetime) -> Any:
    return and_(CardRow.suspended.is_(False),
                or_(CardRow.buried_until.is_(None), CardRow.buried_until <= now))


def card_select() -> Select[CardRow, FlashcardRow]:
    """Cards with their flashcard, joined to the bank (for filters on banks and topics)."""
    return (select(CardRow, FlashcardRow)
            .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
            .join(BankRow, BankRow.id == FlashcardRow.bank_id))


def to_schedule(row: CardRow) -> Schedule:
    """The core schedule of a card row."""
    return Schedule(state=CardState(row.state), due=ensure_utc(row.due), step=row.step,
                    stability=row.stability, difficulty=row.difficulty,
                    last_review=row.last_review, reps=row.reps, lapses=row.lapses)


def _to_study_card(card: CardRow, flashcard: FlashcardRow) -> StudyCard:
    return StudyCard(
        card_id=card.id, flashcard_id=flashcard.id, bank_id=flashcard.bank_id,
        topic_id=flashcard.topic_id, front=flashcard.front, back=flashcard.back,
        source=flashcard.source, tags=tuple(flashcard.tags or ()), schedule=to_schedule(card),
        flag=Flag(card.flag), suspended=card.suspended, leech=card.leech,
        reviewed=flashcard.reviewed, review_due=flashcard.review_due)


# -- prebuilt statements for the study loop ---------------------------------------------------
# Plain table columns (not ORM attributes), so executing them on a Connection stays in Core:
# no ORM compile step, no identity map, and a cheap cache key.
_CARDS = cast(Table, CardRow.__table__)
_FLASHCARDS = cast(Table, FlashcardRow.__table__)
_BANKS = cast(Table, BankRow.__table__)
_REVIEW_LOGS = cast(Table, ReviewLogRow.__table__)
_cards, _flashcards, _banks, _logs = _CARDS.c, _FLASHCARDS.c, _BANKS.c, _REVIEW_LOGS.c

# What a StudyCard needs, in the order _study_card_from_row reads it.
_STUDY_COLUMNS = (
    _cards.id, _cards.flashcard_id, _cards.state, _cards.step, _cards.stability,
    _cards.difficulty, _cards.due, _cards.last_review, _cards.reps, _cards.lapses, _cards.flag,
    _cards.suspended, _cards.leech, _flashcards.bank_id, _flashcards.topic_id,
    _flashcards.front, _flashcards.back, _flashcards.source, _flashcards.tags,
    _flashcards.reviewed, _flashcards.review_due)
_LEARNING_STATES = (int(CardState.LEARNING), int(CardState.RELEARNING))
_DUE = _STUDY_COLUMNS.index(_cards.due)


def _bound_time(name: str) -> BindParameter[datetime]:
    return bindparam(name, type_=_cards.due.type)


def _study_select() -> Select[Any]:
    return (select(*_STUDY_COLUMNS)
            .select_from(_CARDS.join(_FLASHCARDS, _flashcards.id == _cards.flashcard_id)
                         .join(_BANKS, _banks.id == _flashcards.bank_id)))


def _study_card_from_row(row: Sequence[Any]) -> StudyCard:
    (card_id, flashcard_id, state, step, stability, difficulty, due, last_review, reps, lapses,
     flag, suspended, leech, bank_id, topic_id, front, back, source, tags, reviewed,
     review_due) = row
    schedule = Schedule(state=CardState(state), due=ensure_utc(due), step=step,
                        stability=stability, difficulty=difficulty, last_review=last_review,
                        reps=reps, lapses=lapses)
    return StudyCard(card_id=card_id, flashcard_id=flashcard_id, bank_id=bank_id,
                     topic_id=topic_id, front=front, back=back, source=source,
                     tags=tuple(tags or ()), schedule=schedule, flag=Flag(flag),
                     suspended=suspended, leech=leech, reviewed=reviewed,
                     review_due=review_due)


@dataclass(frozen=True, slots=True)
class _ChoiceStatements:
    """The three queries :func:`next_card` chooses with, for one shape of deck."""

    # Learning and relearning cards due by :until (now, or the learn-ahead limit): the
    # first of each state, in one statement; next_card takes the earlier of the two.
    learning: Prepared
    review: Prepared  # review cards due before :day_end
    new: Prepared  # new cards in introduction order
    # What is left today (remaining_counts): new and review counts stop at :cap, what the
    # daily limit still allows, so a deck with a backlog is not counted card by card.
    count_new: Prepared
    count_learning: Prepared
    count_review: Prepared


@cache
def _choice_statements(by_bank: bool, by_topic: bool) -> _ChoiceStatements:
    """Built once per deck shape (all decks, a bank, a topic); deck ids are parameters.

    One statement per shape rather than ``(:bank IS NULL OR bank_id = :bank)`` keeps the
    SQL, and so SQLite's plan and the order of cards with equal due times, exactly as before.
    """
    now = _bound_time("now")
    conditions: list[ColumnElement[bool]] = [
        _cards.profile_id == bindparam("profile_id"), _cards.suspended.is_(False),
        or_(_cards.buried_until.is_(None), _cards.buried_until <= now),
        _banks.enabled.is_(True), _flashcards.retired.is_(False)]
    if by_bank:
        conditions.append(_flashcards.bank_id == bindparam("bank_id"))
    if by_topic:
        conditions.append(_flashcards.topic_id == bindparam("topic_id"))
    base = _study_select().where(*conditions)
    # Literal binds render ``IN (?, ?)``, which is what an ``in_()`` list expands to at run
    # time, without the per-execution expansion.
    learning = _cards.state.in_([literal(s) for s in _LEARNING_STATES])
    # ``state IN (1, 3) ORDER BY due`` cannot read the index in due order: SQLite joined
    # and sorted every learning card (64 µs with 43 of them); one ordered LIMIT 1 scan per
    # state stops at the first card (21 µs for both).
    first_learning = union_all(*(
        select(base.where(_cards.state == state, _cards.due <= _bound_time("until"))
               .order_by(_cards.due).limit(1).subquery())
        for state in _LEARNING_STATES))
    joined = _CARDS.join(_FLASHCARDS, _flashcards.id == _cards.flashcard_id).join(
        _BANKS, _banks.id == _flashcards.bank_id)

    def count(*where: ColumnElement[bool], capped: bool = True) -> Prepared:
        rows = select(_cards.id).select_from(joined).where(*conditions, *where)
        if capped:
            rows = rows.limit(bindparam("cap", type_=_cards.reps.type))
        return Prepared(select(func.count()).select_from(rows.subquery()))

    day_end = _bound_time("day_end")
    return _ChoiceStatements(
        count_new=count(_cards.state == int(CardState.NEW)),
        count_learning=count(learning, _cards.due < day_end, capped=False),
        count_review=count(_cards.state == int(CardState.REVIEW), _cards.due < day_end),
        learning=Prepared(first_learning),
        review=Prepared(base.where(_cards.state == int(CardState.REVIEW),
                                   _cards.due < _bound_time("day_end"))
                        .order_by(_cards.due).limit(1)),
        new=Prepared(base.where(_cards.state == int(CardState.NEW))
                     .order_by(_cards.due, _cards.id).limit(1)))


_TODAY_COUNTS = Prepared(
    select(func.count().filter(_logs.state_before == int(CardState.NEW)),
           func.count().filter(_logs.state_before == int(CardState.REVIEW)))
    .where(_logs.profile_id == bindparam("profile_id"),
           _logs.reviewed_at >= bindparam("day_start", type_=_logs.reviewed_at.type)))


@dataclass(frozen=True, slots=True)
class TodayCounts:
    """What the learner already did this study day."""

    new_introduced: int
    reviews_done: int

    def after_answer(self, state_before: CardState) -> TodayCounts:
        """The counts once one more card, in ``state_before`` when answered, is logged."""
        if state_before is CardState.NEW:
            return TodayCounts(self.new_introduced + 1, self.reviews_done)
        if state_before is CardState.REVIEW:
            return TodayCounts(self.new_introduced, self.reviews_done + 1)
        return self


def today_counts(session: Session | Work, profile_id: int, day_start: datetime) -> TodayCounts:
    """New cards introduced and review-state cards answered since ``day_start``."""
    row = work_in(session).first(_TODAY_COUNTS,
                                 {"profile_id": profile_id, "day_start": day_start})
    assert row is not None  # an aggregate without GROUP BY always has its row
    return TodayCounts(int(row[0]), int(row[1]))


def next_card(session: Session | Work, profile_id: int, deck: Deck, *, now: datetime,
              day_end: datetime, new_left: int, reviews_left: int,
              learn_ahead_until: datetime) -> StudyCard | None:
    """The card to show next, Anki's order: learning due now, reviews due today, new cards,
    then learning cards due a little later (so a session can finish without waiting).

    Each step is one LIMIT 1 range scan of ``ix_cards_profile_due`` and stops at the first
    card found, so the usual case is one or two queries of a few dozen microseconds each.
    """
    statements = _choice_statements(deck.bank_id is not None, deck.topic_id is not None)
    params: dict[str, Any] = {"profile_id": profile_id, "now": now, "day_end": day_end,
                              "until": now}
    if deck.bank_id is not None:
        params["bank_id"] = deck.bank_id
    if deck.topic_id is not None:
        params["topic_id"] = deck.topic_id
    work = work_in(session)
    steps: list[tuple[Prepared, dict[str, Any]]] = [(statements.learning, params)]
    if reviews_left > 0:
        steps.append((statements.review, params))
    if new_left > 0:
        steps.append((statements.new, params))
    steps.append((statements.learning, {**params, "until": learn_ahead_until}))
    for statement, values in steps:
        if statement is statements.learning:  # the earlier of learning and relearning
            found = min(work.rows(statement, values), key=_due, default=None)
        else:
            found = work.first(statement, values)
        if found is not None:
            return _study_card_from_row(found)
    return None


def _due(row: Sequence[Any]) -> datetime:
    return cast(datetime, row[_DUE])


def remaining_counts(session: Session | Work, profile_id: int, deck: Deck, *, now: datetime,
                     day_end: datetime, new_cap: int, review_cap: int) -> tuple[int, int, int]:
    """(new, learning, review) cards still available today, new and review counted up to
    ``new_cap`` and ``review_cap`` (what the daily limits allow; the view shows no more).
    """
    statements = _choice_statements(deck.bank_id is not None, deck.topic_id is not None)
    params: dict[str, Any] = {"profile_id": profile_id, "now": now, "day_end": day_end}
    if deck.bank_id is not None:
        params["bank_id"] = deck.bank_id
    if deck.topic_id is not None:
        params["topic_id"] = deck.topic_id
    work = work_in(session)
    counts = []
    for statement, cap in ((statements.count_new, new_cap),
                           (statements.count_learning, None),
                           (statements.count_review, review_cap)):
        if cap is not None and cap <= 0:  # a negative LIMIT is no limit at all in SQLite
            counts.append(0)
            continue
        row = work.first(statement, params if cap is None else {**params, "cap": cap})
        counts.append(int(row[0]) if row is not None else 0)
    return counts[0], counts[1], counts[2]


def deck_counts(session: Session, profile_id: int, *, now: datetime,
                day_end: datetime) -> list[DeckCounts]:
    """Counts per bank and per topic within each bank, for the deck list."""
    learning = CardRow.state.in_((int(CardState.LEARNING), int(CardState.RELEARNING)))
    available = _available(now)
    rows = session.execute(
        select(
            FlashcardRow.bank_id, FlashcardRow.topic_id,
            func.count().filter(CardRow.state == int(CardState.NEW), available),
            func.count().filter(learning, CardRow.due < day_end, available),
            func.count().filter(CardRow.state == int(CardState.REVIEW), CardRow.due < day_end,
                                available),
            func.count(),
        ).select_from(CardRow)
        .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
        .join(BankRow, BankRow.id == FlashcardRow.bank_id)
        .where(CardRow.profile_id == profile_id, *_live(Deck()))
        .group_by(FlashcardRow.bank_id, FlashcardRow.topic_id)
    ).all()
    titles = {(t.bank_id, t.id): t.title for t in session.scalars(select(TopicRow))}
    bank_titles = dict(session.execute(select(BankRow.id, BankRow.title)).all())
    out: list[DeckCounts] = []
    by_bank: dict[str, list[DeckCounts]] = {}
    for bank_id, topic_id, new, learn, due, total in rows:
        by_bank.setdefault(bank_id, []).append(DeckCounts(
            bank_id, topic_id, titles.get((bank_id, topic_id), topic_id), new, learn, due, total))
    for bank_id in sorted(by_bank, key=lambda b: bank_titles.get(b, b)):
        topics = by_bank[bank_id]
        out.append(DeckCounts(bank_id, None, bank_titles.get(bank_id, bank_id),
                              sum(t.new for t in topics), sum(t.learning for t in topics),
                              sum(t.due for t in topics), sum(t.total for t in topics)))
        out.extend(sorted(topics, key=lambda t: t.title))
    return out


_GET_CARD = Prepared(_study_select().where(_cards.id == bindparam("card_id")))


def get_card(session: Session | Work, card_id: int) -> StudyCard:
    """One card with its text."""
    found = work_in(session).first(_GET_CARD, {"card_id": card_id})
    if found is None:
        raise NotFoundError(f"Card {card_id} no longer exists.")
    return _study_card_from_row(found)


def snapshot(row: CardRow) -> dict[str, Any]:
    """Everything undo needs to put a card back as it was (JSON-safe)."""
    data: dict[str, Any] = {}
    for name in _SNAPSHOT_FIELDS:
        value = getattr(row, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    return data


def restore(row: CardRow, data: dict[str, Any]) -> None:
    """Put a card back to a :func:`snapshot`."""
    for name in _SNAPSHOT_FIELDS:
        value = data.get(name)
        if name in ("due", "last_review", "buried_until") and isinstance(value, str):
            value = datetime.fromisoformat(value)
        setattr(row, name, value)


_CARD_BEFORE_ANSWER = Prepared(select(_cards.profile_id,
                                      *(_cards[name] for name in _SNAPSHOT_FIELDS))
                               .where(_cards.id == bindparam("card_id")))
# Bound parameters in SET must not share a column's name; "new_" keeps them apart.
_SCHEDULE_COLUMNS = ("state", "due", "step", "stability", "difficulty", "last_review", "reps",
                     "lapses", "leech")
_UPDATE_AFTER_ANSWER = Prepared(
    update(_CARDS).where(_cards.id == bindparam("card_id"))
    .values({_cards[name]: bindparam(f"new_{name}", type_=_cards[name].type)
             for name in _SCHEDULE_COLUMNS}))
_INSERT_REVIEW = Prepared(insert(_REVIEW_LOGS), keys=(
    "profile_id", "card_id", "rating", "reviewed_at", "duration_ms", "state_before",
    "interval_days", "snapshot", "uid"))


@dataclass(frozen=True, slots=True)
class SavedReview:
    """What :func:`save_review` stored."""

    log_id: int
    state_before: CardState


def save_review(session: Session | Work, *, card_id: int, profile_id: int, after: Schedule,
                rating: Rating, now: datetime, duration_ms: int, leech: bool,
                uid: str | None = None) -> SavedReview:
    """Store an answer and the card's new schedule in the caller's transaction.

    Three prepared statements (read the card, update it, insert the log) rather than an
    ORM load and flush: this runs once per answer, before the commit's fsync.

    Args:
        leech: Whether the card is a leech after this answer (the rule is the core card
            model's :func:`~mht_desktop.core.cards.becomes_leech`).

    Returns:
        The review log id (for undo) and the card's state before the answer (what the daily
        limits count).
    """
    work = work_in(session)
    found = work.first(_CARD_BEFORE_ANSWER, {"card_id": card_id})
    if found is None or found[0] != profile_id:
        raise NotFoundError(f"Card {card_id} no longer exists.")
    before: dict[str, Any] = {}
    for name, value in zip(_SNAPSHOT_FIELDS, found[1:], strict=True):
        before[name] = value.isoformat() if isinstance(value, datetime) else value
    state_before = CardState(before["state"])
    work.run(_UPDATE_AFTER_ANSWER, {
        "card_id": card_id, "new_state": int(after.state), "new_due": after.due,
        "new_step": after.step, "new_stability": after.stability,
        "new_difficulty": after.difficulty, "new_last_review": now, "new_reps": after.reps,
        "new_lapses": after.lapses, "new_leech": bool(before["leech"]) or leech})
    log_id = work.insert(_INSERT_REVIEW, {
        "profile_id": profile_id, "card_id": card_id, "rating": int(rating),
        "reviewed_at": now, "duration_ms": duration_ms, "state_before": int(state_before),
        "interval_days": (after.due - now).total_seconds() / 86400, "snapshot": before,
        "uid": uid})
    return SavedReview(log_id, state_before)


def undo_review(session: Session, log_id: int) -> int:
    """Delete a review and restore the card as it was before it; returns the card id."""
    log = session.get(ReviewLogRow, log_id)
    if log is None:
        raise NotFoundError("That answer was already undone.")
    row = session.get(CardRow, log.card_id)
    if row is None:
        raise NotFoundError("That card no longer exists.")
    restore(row, log.snapshot)
    session.delete(log)
    return row.id


def update_card(session: Session, card_id: int, **values: Any) -> dict[str, Any]:
    """Change a card's flags (suspended, buried_until, flag…); returns the prior snapshot."""
    row = session.get(CardRow, card_id)
    if row is None:
        raise NotFoundError(f"Card {card_id} no longer exists.")
    before = snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    return before


def restore_card(session: Session, card_id: int, data: dict[str, Any]) -> None:
    """Undo :func:`update_card`."""
    row = session.get(CardRow, card_id)
    if row is not None:
        restore(row, data)


def reset_card(session: Session, card_id: int, now: datetime) -> dict[str, Any]:
    """Forget a card's schedule (it becomes new again); its history stays."""
    return update_card(session, card_id, state=int(CardState.NEW), due=now, step=None,
                       stability=None, difficulty=None, last_review=None, reps=0, lapses=0,
                       leech=False)


def new_remaining(session: Session, profile_id: int) -> int:
    """New cards in enabled banks that the learner has not started."""
    return int(session.scalar(
        select(func.count()).select_from(CardRow)
        .join(FlashcardRow, FlashcardRow.id == CardRow.flashcard_id)
        .join(BankRow, BankRow.id == FlashcardRow.bank_id)
        .where(CardRow.profile_id == profile_id, CardRow.state == int(CardState.NEW),
               CardRow.suspended.is_(False), *_live(Deck()))) or 0)


def cram_cards(session: Session, profile_id: int, deck: Deck) -> list[StudyCard]:
    """Every live card of a deck, for cram practice."""
    rows = session.execute(card_select().where(CardRow.profile_id == profile_id,
                                                CardRow.suspended.is_(False), *_live(deck)))
    return [_to_study_card(c, f) for c, f in rows]

