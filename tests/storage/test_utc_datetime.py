"""UTC datetimes on SQLite: written as the very text SQLAlchemy's own ``DATETIME`` writes.

``UTCDateTime`` writes its SQLite text with ``isoformat`` (models.py says why). Stored times
are compared as text in SQL (``due <= ?``, ``reviewed_at >= ?``), and databases written
before hold SQLAlchemy's text, so the two must agree character for character.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite

from mht_desktop.storage.database import Database
from mht_desktop.storage.models import ProfileRow, UTCDateTime

_SQLITE = sqlite.dialect()
_STOCK = sqlite.DATETIME().bind_processor(_SQLITE)  # SQLAlchemy's, default storage format
_OURS = UTCDateTime().dialect_impl(_SQLITE).bind_processor(_SQLITE)


def _samples() -> list[datetime]:
    rng = random.Random(14)
    fixed = [datetime(2026, 11, 1, 15, 0, tzinfo=UTC),             # no microseconds
             datetime(2026, 1, 5, 12, 0, 0, 250_000, tzinfo=UTC),
             datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),             # years below 1000 pad
             datetime(999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
             datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
             datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2)))]  # not UTC
    start = datetime(1990, 1, 1, tzinfo=UTC)
    randoms = [start + timedelta(microseconds=rng.randrange(60 * 365 * 86400 * 10**6))
               for _ in range(2000)]
    return fixed + randoms


def test_the_text_is_sqlalchemy_s_own() -> None:
    for value in _samples():
        assert _OURS(value) == _STOCK(value.astimezone(UTC).replace(tzinfo=None)), value
    assert _OURS(None) is None


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        _OURS(datetime(2026, 1, 1))


def test_postgresql_still_gets_datetimes() -> None:
    dialect = postgresql.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    value = datetime(2026, 1, 5, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    converted = value if process is None else process(value)
    assert converted == datetime(2026, 1, 5, 12, 0)


def test_a_time_is_stored_as_that_text_and_read_back_aware(tmp_path: Path) -> None:
    db = Database.open(tmp_path)
    when = datetime(2026, 1, 5, 12, 0, 0, 250_000, tzinfo=UTC)
    try:
        with db.session() as s:
            s.add(ProfileRow(name="Ana", created_at=when, settings={}))
        with db.engine.connect() as c:
            stored = c.execute(text("SELECT created_at FROM profiles")).scalar()
            # The schema still says DATETIME (SQLite's affinity and our migrations agree).
            ddl = str(c.execute(text("SELECT sql FROM sqlite_master WHERE name = 'profiles'"))
                      .scalar())
        assert stored == "2026-01-05 12:00:00.250000"
        assert "created_at DATETIME" in ddl
        with db.session() as s:
            assert s.scalar(select(ProfileRow.created_at)) == when
            assert s.scalar(select(ProfileRow.name).where(ProfileRow.created_at >= when)) == "Ana"
    finally:
        db.close()
