"""Bank rows: all-or-nothing imports that keep learner history, listing and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from mht_desktop.core.banks import (
    Bank,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.core.errors import NotFoundError
from mht_desktop.storage.models import BankRow, FlashcardRow, QuestionRow, TopicRow


@dataclass(frozen=True, slots=True)
class StoredCounts:
    """What an import did to the stored items."""

    added: int
    updated: int
    retired: int


@dataclass(frozen=True, slots=True)
class TopicCount:
    """Items of one topic in one bank."""

    topic_id: str
    title: str
    questions: int
    flashcards: int


@dataclass(frozen=True, slots=True)
class BankSummary:
    """A bank as the banks list shows it."""

    id: str
    title: str
    version: str
    author: str
    description: str
    enabled: bool
    builtin: bool
    source_path: str
    source_format: str
    imported_at: datetime
    questions: int
    flashcards: int
    topics: tuple[TopicCount, ...]
    # Content currency (as of the day the list was made): live items past their review date,
    # items with none, and the earliest review date.
    past_review: int = 0
    undated: int = 0
    next_review: date | None = None


def choices_to_json(choices: tuple[Choice, ...]) -> list[list[Any]]:
    """Choices as stored in the JSON column: ``[text, correct, feedback, fixed, weight]``.

    Compact arrays, not objects: this is the hottest data we keep and the fastest to encode.
    A ``Choice`` is a named tuple of exactly these fields in this order, so the JSON encoder
    also writes ``choices`` itself as this (see ``_question_rows``).
    """
    return [list(c) for c in choices]


def choices_from_json(data: list[Any]) -> tuple[Choice, ...]:
    """The inverse of :func:`choices_to_json`.

    Also reads the object shape (``{"t": …, "c": …}``) that development builds wrote before
    the first release, so those databases keep working.
    """
    out = []
    for entry in data:
        if isinstance(entry, dict):
            out.append(Choice(text=entry["t"], correct=bool(entry["c"]),
                              feedback=entry.get("f", ""), fixed=bool(entry.get("x", False)),
                              weight=entry.get("w")))
        else:
            text, correct, feedback, fixed, weight = entry
            out.append(Choice(text=text, correct=bool(correct), feedback=feedback or "",
                              fixed=bool(fixed), weight=weight))
    return tuple(out)


def question_from_row(row: QuestionRow) -> Question:
    """A core Question from its row."""
    return Question(
        id=row.item_id, type=QuestionType(row.qtype), topic=row.topic_id, stem=row.stem,
        choices=choices_from_json(row.choices), rationale=row.rationale,
        difficulty=row.difficulty, tags=tuple(row.tags or ()), source=row.source,
        reviewed=row.reviewed, jurisdiction=tuple(row.jurisdiction or ()),
        setting=tuple(row.setting or ()), title=row.title, review_due=row.review_due,
    )


def flashcard_from_row(row: FlashcardRow) -> Flashcard:
    """A core Flashcard from its row."""
    return Flashcard(id=row.item_id, topic=row.topic_id, front=row.front, back=row.back,
                     tags=tuple(row.tags or ()), source=row.source, reviewed=row.reviewed,
                     review_due=row.review_due)


def bank_exists(session: Session, bank_id: str) -> BankRow | None:
    """The bank row, if the bank was imported before."""
    return session.get(BankRow, bank_id)


def store_bank(session: Session, bank: Bank, *, source_path: str, source_format: str,
               content_hash: str, now: datetime, builtin: bool,
               blueprint: dict[str, Any] | None = None) -> StoredCounts:
    """Insert or update a whole bank in the caller's transaction.

    Items are matched by (bank id, item id): matches are updated in place so every learner's
    history stays attached; new ones are added; items no longer in the file are retired, not
    deleted, so their history survives.
    """
    info = bank.info
    row = session.get(BankRow, info.id)
    # A bank seen for the first time has no topics or items to replace, match or retire
    # (they would hang on its row by a cascading foreign key): skip looking for them.
    new = row is None
    if row is None:
        row = BankRow(id=info.id, imported_at=now, enabled=True)
        session.add(row)
    row.title, row.version, row.author = info.title, info.version, info.author
    row.description, row.license = info.description, info.license
    row.source_path, row.source_format, row.content_hash = source_path, source_format, content_hash
    row.imported_at, row.builtin = now, builtin
    row.blueprint = blueprint if blueprint is not None else bank.blueprint
    session.flush()

    if not new:
        session.execute(delete(TopicRow).where(TopicRow.bank_id == info.id))
    if bank.topics:
        session.execute(insert(TopicRow), [
            {"bank_id": info.id, "id": t.id, "title": t.title, "description": t.description,
             "position": i} for i, t in enumerate(bank.topics)])

    q_counts = _upsert(session, QuestionRow, info.id, bank.questions, _question_values,
                       _question_rows, new=new)
    f_counts = _upsert(session, FlashcardRow, info.id, bank.flashcards, _flashcard_values,
                       _flashcard_rows, new=new)
    return StoredCounts(added=q_counts.added + f_counts.added,
                        updated=q_counts.updated + f_counts.updated,
                        retired=q_counts.retired + f_counts.retired)


_QUESTION_COLUMNS = ("bank_id", "item_id", "qtype", "topic_id", "difficulty", "title", "stem",
                     "choices", "rationale", "source", "reviewed", "review_due", "tags",
                     "jurisdiction", "setting", "position", "retired")
_FLASHCARD_COLUMNS = ("bank_id", "item_id", "topic_id", "front", "back", "tags", "source",
                      "reviewed", "review_due", "position", "retired")
_Item = TypeVar("_Item", Question, Flashcard)


def _question_values(q: Question, position: int) -> dict[str, Any]:
    """A question's column values as Python objects (the ORM's and Core's view)."""
    return {"item_id": q.id, "qtype": q.type.value, "topic_id": q.topic,
            "difficulty": q.difficulty, "title": q.title, "stem": q.stem,
            "choices": choices_to_json(q.choices), "rationale": q.rationale, "source": q.source,
            "reviewed": q.reviewed, "review_due": q.review_due, "tags": list(q.tags),
            "jurisdiction": list(q.jurisdiction),
            "setting": list(q.setting), "position": position, "retired": False}


def _flashcard_values(f: Flashcard, position: int) -> dict[str, Any]:
    """A flashcard's column values as Python objects."""
    return {"item_id": f.id, "topic_id": f.topic, "front": f.front, "back": f.back,
            "tags": list(f.tags), "source": f.source, "reviewed": f.reviewed,
            "review_due": f.review_due, "position": position, "retired": False}


def _upsert(session: Session, model: type[QuestionRow] | type[FlashcardRow], bank_id: str,
            items: tuple[_Item, ...], values: Callable[[_Item, int], dict[str, Any]],
            rows: Callable[[str, list[tuple[int, _Item]]], list[tuple[Any, ...]]], *,
            new: bool) -> StoredCounts:
    existing: dict[str, int] = {} if new else dict(session.execute(
        select(model.item_id, model.id).where(model.bank_id == bank_id)).all())
    table: Table = model.__table__  # type: ignore[assignment]
    if existing:
        to_insert: list[tuple[int, _Item]] = []
        to_update = []
        for position, item in enumerate(items):
            row_id = existing.pop(item.id, None)
            if row_id is None:
                to_insert.append((position, item))
            else:
                to_update.append({**values(item, position), "row_id": row_id})
    else:  # a new bank (the usual case): every item is new, no need to sort them
        to_insert, to_update = list(enumerate(items)), []
    if to_insert:
        if session.get_bind().dialect.name == "sqlite":
            columns = _QUESTION_COLUMNS if model is QuestionRow else _FLASHCARD_COLUMNS
            # Straight to the driver: one executemany with none of the per-row bookkeeping
            # of the ORM or of SQLAlchemy's bind processing.
            session.connection().exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})", rows(bank_id, to_insert))
        else:
            session.execute(table.insert(), [{"bank_id": bank_id, **values(item, position)}
                                             for position, item in to_insert])
    if to_update:
        session.execute(table.update().where(table.c.id == bindparam("row_id")), to_update)
    if existing:
        session.execute(update(model).where(model.id.in_(list(existing.values())))
                        .values(retired=True))
    return StoredCounts(len(to_insert), len(to_update), len(existing))


# The rows below go to SQLite encoded as the column types store them (JSON text, ISO dates,
# 0/1 booleans; a test reads them back through the ORM), several times faster than per-row bind
# processing. JSON is written without ASCII escapes, with the standard ", " and ": " separators.
_json_encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:
    # The C encoder ``JSONEncoder.encode`` builds afresh for every call, made once: the same
    # text, at half the cost for the 10,000 small lists of a big bank.
    _c_encode = _c_make_encoder(None, _json_encoder.default, json.encoder.encode_basestring,
                                None, ": ", ", ", False, False, True)

    def _encode_json(value: list[Any] | tuple[Any, ...]) -> str:
        return "".join(_c_encode(value, 0))
else:  # pragma: no cover - CPython always has the C encoder

    def _encode_json(value: list[Any] | tuple[Any, ...]) -> str:
        return _json_encoder.encode(value)


class _EncodedLists(dict[tuple[str, ...], str]):
    """JSON text of string tuples, each distinct one encoded once.

    Tags and the like repeat across a whole bank. A lookup is a plain subscript, so a hit
    costs no Python call.
    """

    def __missing__(self, key: tuple[str, ...]) -> str:
        text = self[key] = _encode_json(key)
        return text


def _question_rows(bank_id: str, items: list[tuple[int, Question]]) -> list[tuple[Any, ...]]:
    """Driver rows in ``_QUESTION_COLUMNS`` order.

    A question's choices are encoded as they stand: a tuple of ``Choice`` named tuples is
    written as the array of ``[text, correct, feedback, fixed, weight]`` arrays that
    :func:`choices_to_json` gives, with no list made per choice.
    """
    encode, lists = _encode_json, _EncodedLists()
    return [
        (bank_id, q.id, q.type._value_, q.topic, q.difficulty, q.title, q.stem,
         encode(q.choices),
         q.rationale, q.source, None if q.reviewed is None else q.reviewed.isoformat(),
         None if q.review_due is None else q.review_due.isoformat(), lists[q.tags],
         lists[q.jurisdiction], lists[q.setting], position, 0)
        for position, q in items]


def _flashcard_rows(bank_id: str, items: list[tuple[int, Flashcard]]) -> list[tuple[Any, ...]]:
    """Driver rows in ``_FLASHCARD_COLUMNS`` order."""
    lists = _EncodedLists()
    return [(bank_id, f.id, f.topic, f.front, f.back, lists[f.tags], f.source,
             None if f.reviewed is None else f.reviewed.isoformat(),
             None if f.review_due is None else f.review_due.isoformat(), position, 0)
            for position, f in items]


def list_banks(session: Session, today: date | None = None) -> list[BankSummary]:
    """Every bank with its live item counts per topic and, given ``today``, review status."""
    banks = session.scalars(select(BankRow).order_by(BankRow.title)).all()
    topics: dict[str, list[TopicRow]] = {}
    for t in session.scalars(select(TopicRow).order_by(TopicRow.position)):
        topics.setdefault(t.bank_id, []).append(t)
    q_counts = _counts(session, QuestionRow)
    f_counts = _counts(session, FlashcardRow)
    review = _review_status(session, today) if today is not None else {}
    out = []
    for b in banks:
        topic_counts = tuple(
            TopicCount(t.id, t.title, q_counts.get((b.id, t.id), 0),
                       f_counts.get((b.id, t.id), 0)) for t in topics.get(b.id, []))
        out.append(BankSummary(
            id=b.id, title=b.title, version=b.version, author=b.author,
            description=b.description, enabled=b.enabled, builtin=b.builtin,
            source_path=b.source_path, source_format=b.source_format,
            imported_at=b.imported_at, questions=sum(c.questions for c in topic_counts),
            flashcards=sum(c.flashcards for c in topic_counts), topics=topic_counts,
            **review.get(b.id, {})))
    return out


def _review_status(session: Session, today: date) -> dict[str, dict[str, Any]]:
    """Per bank: live items past their review date, undated ones, the earliest date."""
    out: dict[str, dict[str, Any]] = {}
    for model in (QuestionRow, FlashcardRow):
        rows = session.execute(
            select(model.bank_id,
                   func.count().filter(model.review_due < today),
                   func.count().filter(model.review_due.is_(None)),
                   func.min(model.review_due))
            .where(model.retired.is_(False)).group_by(model.bank_id))
        for bank_id, past, undated, first in rows:
            entry = out.setdefault(bank_id, {"past_review": 0, "undated": 0,
                                             "next_review": None})
            entry["past_review"] += past
            entry["undated"] += undated
            if first is not None and (entry["next_review"] is None
                                      or first < entry["next_review"]):
                entry["next_review"] = first
    return out


def _counts(session: Session,
            model: type[QuestionRow] | type[FlashcardRow]) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(model.bank_id, model.topic_id, func.count())
        .where(model.retired.is_(False)).group_by(model.bank_id, model.topic_id))
    return {(b, t): n for b, t, n in rows}


def load_bank(session: Session, bank_id: str) -> Bank:
    """Rebuild a core Bank (live items only) for export."""
    row = session.get(BankRow, bank_id)
    if row is None:
        raise NotFoundError(f"There is no bank with id {bank_id!r}.")
    topics = tuple(Topic(t.id, t.title, t.description) for t in session.scalars(
        select(TopicRow).where(TopicRow.bank_id == bank_id).order_by(TopicRow.position)))
    questions = tuple(question_from_row(q) for q in session.scalars(
        select(QuestionRow).where(QuestionRow.bank_id == bank_id,
                                  QuestionRow.retired.is_(False))
        .order_by(QuestionRow.position)))
    cards = tuple(flashcard_from_row(f) for f in session.scalars(
        select(FlashcardRow).where(FlashcardRow.bank_id == bank_id,
                                   FlashcardRow.retired.is_(False))
        .order_by(FlashcardRow.position)))
    info = BankInfo(id=row.id, title=row.title, version=row.version, author=row.author,
                    description=row.description, license=row.license)
    return Bank(info=info, topics=topics, questions=questions, flashcards=cards,
                blueprint=row.blueprint)


def remove_bank(session: Session, bank_id: str) -> None:
    """Delete a bank, its items and (by cascade) the history that hangs on them."""
    row = session.get(BankRow, bank_id)
    if row is None:
        raise NotFoundError(f"There is no bank with id {bank_id!r}.")
    session.delete(row)


def set_enabled(session: Session, bank_id: str, enabled: bool) -> None:
    """Include or exclude a bank from study."""
    row = session.get(BankRow, bank_id)
    if row is None:
        raise NotFoundError(f"There is no bank with id {bank_id!r}.")
    row.enabled = enabled


def rename_bank(session: Session, bank_id: str, title: str) -> None:
    """Change a bank's title."""
    row = session.get(BankRow, bank_id)
    if row is None:
        raise NotFoundError(f"There is no bank with id {bank_id!r}.")
    row.title = title


def rename_topic(session: Session, bank_id: str, topic_id: str, title: str) -> None:
    """Change a topic's title."""
    row = session.get(TopicRow, (bank_id, topic_id))
    if row is None:
        raise NotFoundError(f"Bank {bank_id!r} has no topic {topic_id!r}.")
    row.title = title


def blueprints(session: Session) -> list[tuple[str, str, dict[str, Any]]]:
    """(bank id, bank title, blueprint) for every enabled bank that defines one."""
    rows = session.execute(select(BankRow.id, BankRow.title, BankRow.blueprint)
                           .where(BankRow.enabled.is_(True), BankRow.blueprint.is_not(None))
                           .order_by(BankRow.title))
    return [(i, t, b) for i, t, b in rows if b]


def content_hashes(session: Session) -> dict[str, str]:
    """Each bank's stored content hash (to skip re-importing unchanged shipped banks)."""
    return dict(session.execute(select(BankRow.id, BankRow.content_hash)).all())
