"""Prepared statements on SQLite's driver store and read exactly what SQLAlchemy would.

The study loop hands SQLAlchemy-compiled SQL straight to ``sqlite3`` (storage/statements.py).
On SQLite these tests run the same storage calls through SQLAlchemy's own
``Connection.execute`` (:class:`CoreWork`, what a PostgreSQL server uses) and compare the
stored text; on both engines they check the unit of work's commit and rollback, and on
SQLite its error messages and the thread guard.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, update

from mht_desktop.core.cards import CardState, Rating, Schedule
from mht_desktop.core.errors import DatabaseBusyError, NotFoundError
from mht_desktop.services.context import AppContext
from mht_desktop.storage import cards as repo
from mht_desktop.storage import thread_guard
from mht_desktop.storage.models import CardRow, FlashcardRow, ProfileRow, ReviewLogRow
from mht_desktop.storage.paths import DATABASE_NAME
from mht_desktop.storage.statements import CoreWork, DriverWork, Prepared, work_in
from mht_desktop.storage.thread_guard import DatabaseOnWrongThread

NOW = datetime(2026, 1, 5, 12, 0, 0, 250_000, tzinfo=UTC)  # microseconds must survive
BANK = ('format = 1\n[bank]\nid = "deck"\ntitle = "Deck"\n[[topics]]\nid = "a"\ntitle = "A"\n'
        + "".join(f'[[flashcards]]\nid = "c{i}"\ntopic = "a"\nfront = "Front {i}"\n'
                  f'back = "Back {i}"\ntags = ["t{i}", "ü"]\nsource = "S"\n' for i in range(3)))


@pytest.fixture
def profile_id(ctx: AppContext, tmp_path: Path) -> int:
    path = tmp_path / "deck.mhtbank.toml"
    path.write_text(BANK, encoding="utf-8")
    ctx.banks.import_file_now(path)
    profile, _ = ctx.profiles.create("Ana")
    with ctx.db.session() as s:
        repo.sync_cards(s, profile.id, NOW)
        # Every kind of value the study loop reads: dates, JSON, booleans, NULLs, floats.
        s.execute(update(FlashcardRow).where(FlashcardRow.id == 1).values(
            reviewed=date(2025, 3, 1), review_due=date(2027, 3, 1)))
        s.execute(update(CardRow).where(CardRow.id == 1).values(
            state=int(CardState.REVIEW), stability=12.5, difficulty=4.25, step=None,
            due=NOW - timedelta(days=1), last_review=NOW - timedelta(days=13), reps=4,
            lapses=1, flag=2, leech=True, buried_until=NOW - timedelta(hours=30)))
    return int(profile.id)


def _raw_rows(ctx: AppContext, table: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(ctx.db.path or "")
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        con.close()


def _answer(work: Any, card_id: int, profile_id: int) -> repo.SavedReview:
    after = Schedule(CardState.REVIEW, NOW + timedelta(days=9, microseconds=7), None, 30.75,
                     4.5, NOW, 5, 1)
    return repo.save_review(work, card_id=card_id, profile_id=profile_id, after=after,
                            rating=Rating.GOOD, now=NOW, duration_ms=4321, leech=False,
                            uid=f"uid-{card_id}")


def _sqlite_only(engine_name: str) -> None:
    if engine_name != "sqlite":
        pytest.skip("the driver form is SQLite's; elsewhere SQLAlchemy executes")


def test_the_driver_reads_what_sqlalchemy_reads(ctx: AppContext, profile_id: int,
                                                engine_name: str) -> None:
    expected = DriverWork if engine_name == "sqlite" else CoreWork
    with ctx.db.session() as s:
        core = [repo.get_card(CoreWork(s.connection()), i) for i in (1, 2)]
        in_session = [repo.get_card(s, i) for i in (1, 2)]
    with ctx.db.work() as w:
        assert isinstance(w, expected)
        driver = [repo.get_card(w, i) for i in (1, 2)]
    assert driver == core == in_session
    first = driver[0]
    assert first.tags == ("t0", "ü") and first.reviewed == date(2025, 3, 1)
    assert first.schedule.last_review == NOW - timedelta(days=13)
    assert first.schedule.last_review.tzinfo is UTC and first.leech is True


def test_the_driver_stores_what_sqlalchemy_stores(ctx: AppContext, profile_id: int,
                                                  engine_name: str) -> None:
    _sqlite_only(engine_name)
    with ctx.db.session() as s:
        _answer(CoreWork(s.connection()), 1, profile_id)
    with ctx.db.work() as w:
        _answer(w, 2, profile_id)
    cards, logs = _raw_rows(ctx, "cards"), _raw_rows(ctx, "review_logs")
    core_card, driver_card = cards[0], cards[1]
    # Same stored text in every scheduling column (id, flashcard, flag and bury differ).
    columns = (3, 4, 5, 6, 7, 8, 9, 10, 14)   # state … lapses, leech
    assert [core_card[i] for i in columns[:-1]] == [driver_card[i] for i in columns[:-1]]
    assert core_card[7] == "2026-01-14 12:00:00.250007"  # naive UTC with microseconds
    core_log, driver_log = logs
    assert core_log[3:6] == driver_log[3:6]  # rating, reviewed_at, duration
    assert (core_log[6], driver_log[6]) == (int(CardState.REVIEW), int(CardState.NEW))
    assert core_log[7] == driver_log[7]  # interval
    assert core_log[1] == driver_log[1] == profile_id
    assert isinstance(driver_log[8], str) and driver_log[8].startswith('{"state": ')


def _log_ids(ctx: AppContext) -> list[int]:
    with ctx.db.session() as s:
        return list(s.scalars(select(ReviewLogRow.id).order_by(ReviewLogRow.id)))


def test_a_unit_of_work_commits_whole_or_not_at_all(ctx: AppContext, profile_id: int) -> None:
    with pytest.raises(NotFoundError), ctx.db.work() as w:
        _answer(w, 1, profile_id)
        _answer(w, 999, profile_id)  # no such card: the first answer goes too
    assert _log_ids(ctx) == []
    with ctx.db.work() as w:
        saved = _answer(w, 1, profile_id)
    assert _log_ids(ctx) == [saved.log_id]


def test_a_held_write_lock_is_explained(ctx: AppContext, profile_id: int,
                                        engine_name: str) -> None:
    _sqlite_only(engine_name)
    with ctx.db.work() as w:
        _answer(w, 1, profile_id)

    def quick(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")
    event.listen(ctx.db.engine, "connect", quick)
    ctx.db.engine.dispose()  # the unit's connection goes too: the next one is a new one
    assert ctx.db.path is not None
    holder = sqlite3.connect(ctx.db.path.parent / DATABASE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError, match="not saved"), ctx.db.work() as w:
            _answer(w, 2, profile_id)
    finally:
        holder.rollback()
        holder.close()
    with ctx.db.work() as w:  # the next unit works again
        _answer(w, 2, profile_id)
    assert len(_log_ids(ctx)) == 2


def test_each_thread_has_its_own_connection_and_close_releases_them(
        ctx: AppContext, profile_id: int, engine_name: str) -> None:
    _sqlite_only(engine_name)
    seen: list[int] = []

    def unit() -> None:
        with ctx.db.work() as w:
            assert isinstance(w, DriverWork)
            seen.append(id(w._connection))
            _answer(w, len(seen), profile_id)

    unit()
    unit()
    worker = threading.Thread(target=unit)
    worker.start()
    worker.join()
    assert seen[0] == seen[1] != seen[2]  # kept between units, one per thread
    assert ctx.db.engine.pool.checkedout() == 2
    ctx.db.close()
    assert ctx.db.engine.pool.checkedout() == 0
    assert len(_log_ids(ctx)) == 3  # all committed; the database opens again after close


def test_the_gui_thread_guard_is_asked(ctx: AppContext, profile_id: int) -> None:
    thread_guard.install_check(lambda: "not on the GUI thread")
    try:
        with pytest.raises(DatabaseOnWrongThread, match="GUI thread"), ctx.db.work():
            pass
    finally:
        thread_guard.install_check(None)


def test_a_statement_needing_a_run_time_default_is_refused(ctx: AppContext,
                                                           engine_name: str) -> None:
    # ProfileRow.settings has a Python-side default (dict) that only SQLAlchemy's
    # execution would call: the prepared form says so rather than store NULL.
    _sqlite_only(engine_name)
    prepared = Prepared(insert(ProfileRow), keys=("name", "created_at"))
    with pytest.raises(ValueError, match="pass settings"), ctx.db.work() as w:
        w.insert(prepared, {"name": "Bo", "created_at": NOW})


def test_work_in_a_session_uses_the_engine_s_executor(ctx: AppContext, profile_id: int,
                                                       engine_name: str) -> None:
    expected = DriverWork if engine_name == "sqlite" else CoreWork
    with ctx.db.session() as s:
        assert isinstance(work_in(s), expected)  # in the session's own transaction
        _answer(s, 1, profile_id)
    assert len(_log_ids(ctx)) == 1



def test_a_unit_inside_a_unit_has_its_own_transaction(ctx: AppContext, profile_id: int) -> None:
    with ctx.db.work() as outer:
        _answer(outer, 1, profile_id)
        with ctx.db.work() as inner:  # e.g. a read while the outer unit is open
            assert repo.get_card(inner, 2).front == "Front 1"
    assert len(_log_ids(ctx)) == 1
