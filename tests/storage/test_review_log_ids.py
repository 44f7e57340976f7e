"""Review-log ids are unique where set, and answers without one stay out of the index (0008).

On both engines: a learner's own answers (no id) are stored side by side, an id given twice is
refused with the unique violation the outbox recognises as "already stored", and a lookup by
id reads the index. Upgrading a database with answers from 0007 keeps every row, and the
``latest_answers`` triggers of 0007, which a SQLite table rebuild could have lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from mht_desktop.core.cards import ALL_DECKS, Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import ConflictError
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage import cards as cards_repo
from mht_desktop.storage.database import SCHEMA_HEAD, Database, alembic_config
from mht_desktop.storage.models import ReviewLogRow


def _answer(ctx: AppContext, profile_id: int, clock: FixedClock, uid: str | None) -> int:
    """Answer a card (again and again); with ``uid``, as the outbox stores it on a server."""
    study = ctx.study(profile_id)
    study.prepare()
    card = study.cram_queue(ALL_DECKS, seed=1)[0]
    clock.advance(timedelta(minutes=1))
    now = clock.now()
    after = study.scheduler.review(card.schedule, Rating.GOOD, now)
    with ctx.db.session() as s:
        return cards_repo.save_review(s, card_id=card.card_id, profile_id=profile_id,
                                      after=after, rating=Rating.GOOD, now=now, duration_ms=5,
                                      leech=False, uid=uid).log_id


def _uid_index(db: Database) -> str:
    with db.engine.connect() as c:
        if c.dialect.name == "sqlite":
            return str(c.execute(text("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                      "tbl_name = 'review_logs' AND sql LIKE '%uid%'")).scalar())
        return str(c.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = "
                                  "'review_logs' AND indexdef LIKE '%uid%'")).scalar())


def test_ids_are_unique_where_set_and_answers_without_one_are_left_out(
        ctx: AppContext, sample_bank_file: Path, clock: FixedClock) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    ana, _ = ctx.profiles.create("Ana")
    ids = [_answer(ctx, ana.id, clock, None) for _ in range(3)]
    ids.append(_answer(ctx, ana.id, clock, "a" * 32))
    assert len(set(ids)) == 4

    definition = _uid_index(ctx.db)
    assert "UNIQUE INDEX ix_review_logs_uid" in definition
    assert "WHERE" in definition and "uid IS NOT NULL" in definition
    with ctx.db.session() as s:
        assert s.query(ReviewLogRow).filter(ReviewLogRow.uid.is_(None)).count() == 3

    # The outbox takes this error, naming the id, as "the server already has it" (a
    # server's session raises it as it is; a file's explains the driver's, kept as cause).
    with pytest.raises((IntegrityError, ConflictError)) as caught:
        _answer(ctx, ana.id, clock, "a" * 32)
    error = caught.value if ctx.db.is_server else caught.value.__cause__
    assert isinstance(error, IntegrityError | sqlite3.IntegrityError) and "uid" in str(error)

    with ctx.db.engine.connect() as c:
        if c.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in c.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM review_logs WHERE uid = :u"),
                {"u": "a" * 32}))
        else:
            c.execute(text("SET enable_seqscan = off"))  # a tiny table is scanned otherwise
            plan = " ".join(row[0] for row in c.execute(
                text("EXPLAIN SELECT id FROM review_logs WHERE uid = :u"), {"u": "a" * 32}))
    assert "ix_review_logs_uid" in plan


@contextmanager
def _at_revision(db: Database, revision: str) -> Iterator[None]:
    config = alembic_config(str(db.engine.url))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    yield


def _rows(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(
            "SELECT id, profile_id, card_id, rating, reviewed_at, duration_ms, state_before, "
            "interval_days, snapshot, uid FROM review_logs ORDER BY id"))]


def _latest(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(
            "SELECT profile_id, question_id, attempt_item_id, correct FROM latest_answers "
            "ORDER BY profile_id, question_id"))]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_upgrading_from_0007_keeps_the_answers_and_the_latest_answer_triggers(
        engine: str, tmp_path: Path, sample_bank_file: Path, clock: FixedClock,
        request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else None

    def open_ctx() -> AppContext:
        if url is None:
            return AppContext.open(tmp_path / "data", clock=clock)
        return AppContext.open_url(url, clock=clock, upgrade=True)

    ctx = open_ctx()
    ctx.banks.import_file_now(sample_bank_file)
    ana, _ = ctx.profiles.create("Ana")
    for uid in (None, "b" * 32, None, "c" * 32):
        _answer(ctx, ana.id, clock, uid)
    ctx.close()

    db = Database.open(tmp_path / "data") if url is None else Database.open_url(url)
    with _at_revision(db, "0007"):
        assert db.current_revision() == "0007"
    before = _rows(db)
    db.close()
    assert len(before) == 4

    ctx = open_ctx()  # opening migrates to the newest schema
    try:
        assert ctx.db.current_revision() == SCHEMA_HEAD
        assert _rows(ctx.db) == before
        assert "uid IS NOT NULL" in _uid_index(ctx.db)
        with ctx.db.engine.connect() as c:
            if c.dialect.name == "sqlite":
                assert c.execute(text("PRAGMA foreign_key_check")).first() is None
                triggers = {r[0] for r in c.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
                assert triggers == {f"attempt_items_latest_{op}"
                                    for op in ("insert", "update", "delete")}
        # The triggers still keep each learner's latest answer.
        quiz = ctx.quiz(ana.id)
        attempt = quiz.start(QuizConfig(count=2, seed=3))
        for item in attempt.items:
            clock.advance(timedelta(minutes=1))
            quiz.answer(attempt.id, item.position, frozenset({0}))
        assert {(profile, question, bool(correct))
                for profile, question, _, correct in _latest(ctx.db)} \
            == {(ana.id, item.question_id, item.correct) for item in quiz.view(attempt.id).items}
        # New answers without an id go in beside the old ones.
        _answer(ctx, ana.id, clock, None)
        assert len(_rows(ctx.db)) == 5
    finally:
        ctx.close()
