"""Bank rows written straight to SQLite hold what SQLAlchemy's own insert would hold."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table, text

from mht_desktop.core.banks import (
    Bank,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.services.context import AppContext
from mht_desktop.storage import banks as repo
from mht_desktop.storage.database import Database
from mht_desktop.storage.models import FlashcardRow, QuestionRow

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
BANK = Bank(
    BankInfo("rows", "Rows"),
    (Topic("t1", "One"), Topic("t2", "Two")),
    (
        Question("q1", QuestionType.SINGLE, "t1", "Café — “quoted” \\ stem\nline two",
                 (Choice("Right ✓", True, "Because ünïcode", weight=100.0),
                  Choice("Wrong", False, "", fixed=True, weight=-33.33333),
                  Choice("Zero", False, weight=-0.0)),
                 rationale="Why", difficulty=3, tags=("a", "b"), source="Src",
                 reviewed=date(2026, 11, 22), jurisdiction=("US-CA",), setting=("inpatient",),
                 title="Title"),
        Question("q2", QuestionType.MULTIPLE, "t2", "Two right",
                 (Choice("x", True), Choice("y", True), Choice("z", False)), tags=("a", "b")),
        Question("q3", QuestionType.TRUE_FALSE, "t1", "Statement",
                 (Choice("True", False), Choice("False", True))),
    ),
    (Flashcard("f1", "t1", "Front", "Back", tags=("a", "b"), source="S"),
     Flashcard("f2", "t2", "Ö", "Ü")),
)
JSON_COLUMNS = {"choices", "tags", "jurisdiction", "setting"}


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """The SQLite file, for the tests of the driver-level fast path only SQLite takes."""
    database = Database.open(tmp_path)
    yield database
    database.close()


@pytest.fixture
def db(ctx: AppContext) -> Database:
    """The database on each engine in turn (see conftest.py)."""
    return ctx.db


def _rows(db: Database, table: str, bank_id: str) -> list[dict[str, object]]:
    with db.engine.connect() as c:
        result = c.execute(text(f"SELECT * FROM {table} WHERE bank_id = :bank ORDER BY position"),
                           {"bank": bank_id})
        return [dict(row._mapping) for row in result]


def test_driver_rows_match_what_sqlalchemy_would_insert(sqlite_db: Database) -> None:
    db = sqlite_db
    with db.session() as s:
        repo.store_bank(s, BANK, source_path="x", source_format="native", content_hash="h",
                        now=NOW, builtin=False)
        # The same items through SQLAlchemy Core's own insert (its bind processing), as the
        # importer does on other databases, under a second bank id.
        other = dataclasses.replace(BANK, info=BankInfo("core", "Core"))
        repo.store_bank(s, dataclasses.replace(other, questions=(), flashcards=()),
                        source_path="x", source_format="native", content_hash="h", now=NOW,
                        builtin=False)
        inserts: list[tuple[type, Callable[..., dict[str, object]], tuple[object, ...]]] = [
            (QuestionRow, repo._question_values, BANK.questions),
            (FlashcardRow, repo._flashcard_values, BANK.flashcards)]
        for model, values, items in inserts:
            table: Table = model.__table__  # type: ignore[attr-defined]
            s.execute(table.insert(), [{"bank_id": "core", **values(item, i)}
                                       for i, item in enumerate(items)])
    for table in ("questions", "flashcards"):
        fast, core = _rows(db, table, "rows"), _rows(db, table, "core")
        assert len(fast) == len(core) > 0
        for ours, theirs in zip(fast, core, strict=True):
            for column, value in ours.items():
                if column in ("id", "bank_id"):
                    continue
                if column in JSON_COLUMNS:
                    assert json.loads(value) == json.loads(theirs[column]), column
                else:
                    assert value == theirs[column], column


def test_choices_are_stored_as_compact_json_arrays(sqlite_db: Database) -> None:
    db = sqlite_db
    with db.session() as s:
        repo.store_bank(s, BANK, source_path="x", source_format="native", content_hash="h",
                        now=NOW, builtin=False)
    first = _rows(db, "questions", "rows")[0]
    assert first["choices"] == json.dumps(repo.choices_to_json(BANK.questions[0].choices),
                                          ensure_ascii=False)
    assert '-0.0' in str(first["choices"])  # the sign of a zero weight survives
    assert (first["tags"], first["reviewed"], first["retired"]) == ('["a", "b"]', "2026-11-22", 0)


def test_stored_bank_reads_back_through_the_orm(db: Database) -> None:
    with db.session() as s:
        counts = repo.store_bank(s, BANK, source_path="x", source_format="native",
                                 content_hash="h", now=NOW, builtin=False)
    assert (counts.added, counts.updated, counts.retired) == (5, 0, 0)
    with db.session() as s:
        loaded = repo.load_bank(s, "rows")
    assert loaded.questions == BANK.questions
    assert loaded.flashcards == BANK.flashcards


def test_reimport_mixes_updates_additions_and_retirements(db: Database) -> None:
    with db.session() as s:
        repo.store_bank(s, BANK, source_path="x", source_format="native", content_hash="h",
                        now=NOW, builtin=False)
    changed = dataclasses.replace(
        BANK,
        questions=(dataclasses.replace(BANK.questions[2], stem="Changed"),
                   Question("q4", QuestionType.SINGLE, "t2", "New",
                            (Choice("a", True), Choice("b", False))),
                   BANK.questions[0]),
        flashcards=BANK.flashcards[:1])
    with db.session() as s:
        counts = repo.store_bank(s, changed, source_path="x", source_format="native",
                                 content_hash="h2", now=NOW, builtin=False)
    assert (counts.added, counts.updated, counts.retired) == (1, 3, 2)
    rows = {row["item_id"]: row for row in _rows(db, "questions", "rows")}
    assert {k: (r["position"], r["retired"]) for k, r in rows.items()} == {
        "q3": (0, 0), "q4": (1, 0), "q1": (2, 0), "q2": (1, 1)}
    with db.session() as s:
        assert repo.load_bank(s, "rows").questions == changed.questions
