"""The card browser's queries: cards matching a learner's filters, and a card's history.

These run when the learner opens or filters the browser, not once per card shown, so they
use ordinary ORM selects (the study loop's prebuilt statements are in
:mod:`mht_desktop.storage.cards`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mht_desktop.core.cards import CardState, Flag, Rating
from mht_desktop.core.clock import ensure_utc
from mht_desktop.storage.cards import card_select
from mht_desktop.storage.models import CardRow, FlashcardRow, ReviewLogRow


@dataclass(frozen=True, slots=True)
class CardRowView:
    """One row of the card browser."""

    card_id: int
    front: str
    back: str
    bank_id: str
    topic_id: str
    tags: tuple[str, ...]
    state: CardState
    due: datetime
    lapses: int
    reps: int
    suspended: bool
    flag: Flag
    leech: bool


@dataclass(frozen=True, slots=True)
class BrowseQuery:
    """Card-browser filters; every one is optional."""

    text: str = ""
    bank_id: str | None = None
    topic_id: str | None = None
    tag: str | None = None
    state: CardState | None = None
    suspended: bool | None = None
    due_before: datetime | None = None
    min_lapses: int = 0
    sort: str = "due"
    descending: bool = False
    limit: int = 5000


_SORTS = {"front": FlashcardRow.front, "topic": FlashcardRow.topic_id, "due": CardRow.due,
          "lapses": CardRow.lapses, "reps": CardRow.reps, "state": CardRow.state}


def browse(session: Session, profile_id: int, query: BrowseQuery) -> list[CardRowView]:
    """Cards matching the browser's filters."""
    stmt = card_select().where(CardRow.profile_id == profile_id,
                                FlashcardRow.retired.is_(False))
    if query.text:
        pattern = f"%{query.text.lower()}%"
        stmt = stmt.where(or_(func.lower(FlashcardRow.front).like(pattern),
                              func.lower(FlashcardRow.back).like(pattern)))
    if query.bank_id:
        stmt = stmt.where(FlashcardRow.bank_id == query.bank_id)
    if query.topic_id:
        stmt = stmt.where(FlashcardRow.topic_id == query.topic_id)
    if query.state is not None:
        stmt = stmt.where(CardRow.state == int(query.state))
    if query.suspended is not None:
        stmt = stmt.where(CardRow.suspended.is_(query.suspended))
    if query.due_before is not None:
        stmt = stmt.where(CardRow.due < query.due_before, CardRow.state != int(CardState.NEW))
    if query.min_lapses:
        stmt = stmt.where(CardRow.lapses >= query.min_lapses)
    column = _SORTS.get(query.sort, CardRow.due)
    stmt = stmt.order_by(column.desc() if query.descending else column, CardRow.id)
    out = []
    for card, flashcard in session.execute(stmt.limit(query.limit)):
        tags = tuple(flashcard.tags or ()) + (("leech",) if card.leech else ())
        if query.tag and query.tag.lower() not in (t.lower() for t in tags):
            continue
        out.append(CardRowView(card.id, flashcard.front, flashcard.back, flashcard.bank_id,
                               flashcard.topic_id, tags, CardState(card.state),
                               ensure_utc(card.due), card.lapses, card.reps, card.suspended,
                               Flag(card.flag), card.leech))
    return out


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One line of a card's review history."""

    reviewed_at: datetime
    rating: Rating
    state_before: CardState
    interval_days: float
    duration_ms: int


def history(session: Session, card_id: int) -> list[ReviewEntry]:
    """A card's reviews, oldest first."""
    rows = session.scalars(select(ReviewLogRow).where(ReviewLogRow.card_id == card_id)
                           .order_by(ReviewLogRow.reviewed_at))
    return [ReviewEntry(r.reviewed_at, Rating(r.rating), CardState(r.state_before),
                        r.interval_days, r.duration_ms) for r in rows]
