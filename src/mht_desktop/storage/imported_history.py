"""Storing review history brought from another app (Anki) for one learner.

Runs in the caller's transaction, right after the bank's items were stored, so a package
imports with its history or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from mht_desktop.core.cards import Schedule
from mht_desktop.storage.models import CardRow, FlashcardRow, ReviewLogRow


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One answer to store: the button, when, how long, and the card's state before it."""

    rating: int
    reviewed_at: datetime
    duration_ms: int
    state_before: int
    interval_days: float


@dataclass(frozen=True, slots=True)
class CardHistory:
    """A flashcard's schedule after its imported answers, and those answers."""

    item_id: str
    schedule: Schedule
    suspended: bool
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True, slots=True)
class HistoryCounts:
    """What :func:`store_history` did."""

    cards: int
    reviews: int
    kept: int  # cards the learner had already reviewed here: left as they were


def store_history(session: Session, *, profile_id: int, bank_id: str,
                  histories: Sequence[CardHistory]) -> HistoryCounts:
    """Give the learner the imported schedule and review log of each card.

    A card this learner has already answered here keeps its own history (importing the
    same package twice must not double its reviews).
    """
    flashcards: dict[str, int] = {item_id: row_id for item_id, row_id in session.execute(
        select(FlashcardRow.item_id, FlashcardRow.id).where(FlashcardRow.bank_id == bank_id))}
    existing = {row.flashcard_id: row for row in session.scalars(
        select(CardRow).where(CardRow.profile_id == profile_id,
                              CardRow.flashcard_id.in_(list(flashcards.values()))))}
    answered = set(session.scalars(
        select(ReviewLogRow.card_id).where(ReviewLogRow.profile_id == profile_id)
        .group_by(ReviewLogRow.card_id).having(func.count() > 0)))
    cards = reviews = kept = 0
    logs: list[dict[str, object]] = []
    for history in histories:
        flashcard_id = flashcards.get(history.item_id)
        if flashcard_id is None or not history.entries:
            continue
        row = existing.get(flashcard_id)
        if row is not None and row.id in answered:
            kept += 1
            continue
        if row is None:
            row = CardRow(profile_id=profile_id, flashcard_id=flashcard_id, flag=0,
                          leech=False, buried_until=None)
            session.add(row)
        s = history.schedule
        row.state, row.due, row.step = int(s.state), s.due, s.step
        row.stability, row.difficulty, row.last_review = s.stability, s.difficulty, s.last_review
        row.reps, row.lapses, row.suspended = s.reps, s.lapses, history.suspended
        session.flush()
        logs += [{"profile_id": profile_id, "card_id": row.id, "rating": e.rating,
                  "reviewed_at": e.reviewed_at, "duration_ms": e.duration_ms,
                  "state_before": e.state_before, "interval_days": e.interval_days,
                  "snapshot": {}} for e in history.entries]
        cards += 1
        reviews += len(history.entries)
    if logs:
        session.execute(insert(ReviewLogRow), logs)
    return HistoryCounts(cards, reviews, kept)
