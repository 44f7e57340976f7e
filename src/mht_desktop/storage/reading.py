"""Guide reading rows: where each learner is in each chapter, their bookmarks and notes.

Also the read-only queries the guide reader needs from the banks (the live items its search
looks through, and how many items a chapter's topics have), so that only storage talks SQL.
Chapters live in files, not in the database, so rows are keyed by chapter id (the file stem)
and rows for chapters that no longer exist are simply ignored by the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mht_desktop.core.banks import Flashcard, Question
from mht_desktop.core.clock import ensure_utc
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.guide import Bookmark, ItemKind, ReadingState, SearchableItem
from mht_desktop.storage import profiles as profiles_repo
from mht_desktop.storage.banks import choices_from_json, flashcard_from_row, question_from_row
from mht_desktop.storage.models import BankRow, BookmarkRow, FlashcardRow, QuestionRow, ReadingRow

SNIPPET_TITLE_CHARS = 90


def _state(row: ReadingRow) -> ReadingState:
    return ReadingState(chapter_id=row.chapter_id, position=row.position,
                        read_at=ensure_utc(row.read_at) if row.read_at else None,
                        updated_at=ensure_utc(row.updated_at))


def reading_states(session: Session, profile_id: int) -> dict[str, ReadingState]:
    """Every chapter the learner has opened, by chapter id."""
    rows = session.scalars(select(ReadingRow).where(ReadingRow.profile_id == profile_id))
    return {row.chapter_id: _state(row) for row in rows}


def _row(session: Session, profile_id: int, chapter_id: str, now: datetime) -> ReadingRow:
    row = session.get(ReadingRow, (profile_id, chapter_id))
    if row is None:
        row = ReadingRow(profile_id=profile_id, chapter_id=chapter_id, position=0.0,
                         read_at=None, updated_at=now)
        session.add(row)
    return row


def save_position(session: Session, profile_id: int, chapter_id: str, position: float,
                  now: datetime) -> ReadingState:
    """Remember how far down the chapter the learner was (a fraction, clamped to 0..1)."""
    row = _row(session, profile_id, chapter_id, now)
    row.position = min(1.0, max(0.0, position))
    row.updated_at = now
    session.flush()
    return _state(row)


def set_read(session: Session, profile_id: int, chapter_id: str, read: bool,
             now: datetime) -> ReadingState:
    """Mark a chapter read (keeping the first time it was read) or unread."""
    row = _row(session, profile_id, chapter_id, now)
    if not read:
        row.read_at = None
    elif row.read_at is None:
        row.read_at = now
    row.updated_at = now
    session.flush()
    return _state(row)


def _bookmark(row: BookmarkRow) -> Bookmark:
    return Bookmark(id=row.id, chapter_id=row.chapter_id, anchor=row.anchor, title=row.title,
                    note=row.note, created_at=ensure_utc(row.created_at))


def list_bookmarks(session: Session, profile_id: int) -> list[Bookmark]:
    """The learner's bookmarks, oldest first (the order they were added)."""
    rows = session.scalars(select(BookmarkRow).where(BookmarkRow.profile_id == profile_id)
                           .order_by(BookmarkRow.created_at, BookmarkRow.id))
    return [_bookmark(row) for row in rows]


def add_bookmark(session: Session, profile_id: int, *, chapter_id: str, anchor: str,
                 title: str, note: str, now: datetime) -> Bookmark:
    """Bookmark a section (``anchor`` empty for the chapter's top)."""
    row = BookmarkRow(profile_id=profile_id, chapter_id=chapter_id, anchor=anchor,
                      title=title[:200], note=note, created_at=now)
    session.add(row)
    session.flush()
    return _bookmark(row)


def _own_bookmark(session: Session, profile_id: int, bookmark_id: int) -> BookmarkRow:
    row = session.get(BookmarkRow, bookmark_id)
    # Another learner's bookmark is treated as missing: profiles never see each other's notes.
    if row is None or row.profile_id != profile_id:
        raise NotFoundError("That bookmark no longer exists.")
    return row


def update_note(session: Session, profile_id: int, bookmark_id: int, note: str) -> Bookmark:
    """Replace a bookmark's note."""
    row = _own_bookmark(session, profile_id, bookmark_id)
    row.note = note
    return _bookmark(row)


def delete_bookmark(session: Session, profile_id: int, bookmark_id: int) -> None:
    """Remove a bookmark and its note."""
    session.delete(_own_bookmark(session, profile_id, bookmark_id))


def reader_setting(session: Session, profile_id: int, key: str, default: Any) -> Any:
    """A reader preference kept in the profile's settings (e.g. the guide's zoom)."""
    return profiles_repo.settings(session, profile_id).get(key, default)


def set_reader_setting(session: Session, profile_id: int, key: str, value: Any) -> None:
    """Store a reader preference in the profile's settings (merged, others untouched)."""
    profiles_repo.update_settings(session, profile_id, {key: value})


# -- what the guide search reads from the banks ------------------------------------------------


def banks_signature(session: Session) -> tuple[tuple[str, bool, str, str], ...]:
    """A cheap fingerprint of the banks: it changes whenever their searchable items may have.

    Imports bump ``imported_at`` and ``content_hash``; enabling or disabling flips
    ``enabled``; removal drops the bank. That covers every way items come and go.
    """
    rows = session.execute(select(BankRow.id, BankRow.enabled, BankRow.imported_at,
                                  BankRow.content_hash).order_by(BankRow.id))
    return tuple((bank_id, bool(enabled), str(imported), digest or "")
                 for bank_id, enabled, imported, digest in rows)


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SNIPPET_TITLE_CHARS else line[:SNIPPET_TITLE_CHARS - 1] + "…"


def searchable_items(session: Session) -> list[SearchableItem]:
    """Every live question and flashcard of the enabled banks, as text to index."""
    items: list[SearchableItem] = []
    questions = session.execute(
        select(QuestionRow, BankRow.title).join(BankRow, BankRow.id == QuestionRow.bank_id)
        .where(BankRow.enabled.is_(True), QuestionRow.retired.is_(False))
        .order_by(QuestionRow.bank_id, QuestionRow.position))
    for q, bank_title in questions:
        # Decoded by the bank repository, which owns the stored shape of choices.
        choices = " ".join(c.text for c in choices_from_json(q.choices or []))
        items.append(SearchableItem(
            kind=ItemKind.QUESTION, row_id=q.id, item_id=q.item_id, bank_id=q.bank_id,
            bank_title=bank_title, topic_id=q.topic_id, title=_short(q.title or q.stem),
            text=f"{q.stem}\n{choices}\n{q.rationale}"))
    cards = session.execute(
        select(FlashcardRow, BankRow.title).join(BankRow, BankRow.id == FlashcardRow.bank_id)
        .where(BankRow.enabled.is_(True), FlashcardRow.retired.is_(False))
        .order_by(FlashcardRow.bank_id, FlashcardRow.position))
    for f, bank_title in cards:
        items.append(SearchableItem(
            kind=ItemKind.FLASHCARD, row_id=f.id, item_id=f.item_id, bank_id=f.bank_id,
            bank_title=bank_title, topic_id=f.topic_id, title=_short(f.front),
            text=f"{f.front}\n{f.back}"))
    return items


def topic_item_counts(session: Session, topics: Sequence[str]) -> tuple[int, int]:
    """(questions, flashcards) live in enabled banks for ``topics``."""
    if not topics:
        return 0, 0
    counts = []
    for model in (QuestionRow, FlashcardRow):
        counts.append(session.scalar(
            select(func.count()).select_from(model).join(BankRow, BankRow.id == model.bank_id)
            .where(BankRow.enabled.is_(True), model.retired.is_(False),
                   model.topic_id.in_(list(topics)))) or 0)
    return counts[0], counts[1]


def load_question(session: Session, row_id: int) -> tuple[Question, str]:
    """A question (by row id) and the title of its bank, for a search preview."""
    found = session.execute(select(QuestionRow, BankRow.title)
                            .join(BankRow, BankRow.id == QuestionRow.bank_id)
                            .where(QuestionRow.id == row_id)).first()
    if found is None:
        raise NotFoundError("That question is no longer in any bank.")
    return question_from_row(found[0]), found[1]


def load_flashcard(session: Session, row_id: int) -> tuple[Flashcard, str]:
    """A flashcard (by row id) and the title of its bank, for a search preview."""
    found = session.execute(select(FlashcardRow, BankRow.title)
                            .join(BankRow, BankRow.id == FlashcardRow.bank_id)
                            .where(FlashcardRow.id == row_id)).first()
    if found is None:
        raise NotFoundError("That flashcard is no longer in any bank.")
    return flashcard_from_row(found[0]), found[1]
