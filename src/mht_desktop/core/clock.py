"""Time is injected, never read from the wall inside the domain.

Scheduling, exam timers and statistics all depend on "now"; passing a clock in keeps them
deterministic under test (py-fsrs hides ``datetime.now()`` behind defaults; we do not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current UTC time."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock for tests: it only moves when told to."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 12, 0, tzinfo=UTC))

    def now(self) -> datetime:
        """Return the stored time."""
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self.current = self.current + delta


def ensure_utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken to be UTC).

    SQLite hands datetimes back naive; everything we store is UTC, so this restores the zone.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
