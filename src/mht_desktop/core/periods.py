"""Periods and study days: the windows every progress figure is counted over.

A study day starts at the learner's chosen hour (4 AM local by default), so a late session
still counts for the day it belongs to. Pure arithmetic on plain values, like the rest of
``core``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum

# -- periods -------------------------------------------------------------------------------

class PeriodKind(Enum):
    """The period filter's choices (plus free dates for the command line)."""

    DAYS_30 = "30d"
    DAYS_90 = "90d"
    ALL = "all"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Period:
    """A span of study dates, both ends included.

    Attributes:
        start: The first study date, or None for "all time" (from the first activity).
        end: The last study date (normally today).
        kind: Which filter made it.
    """

    start: date | None
    end: date
    kind: PeriodKind = PeriodKind.CUSTOM

    @classmethod
    def of(cls, kind: PeriodKind, today: date) -> Period:
        """The period a filter choice means on ``today``."""
        if kind is PeriodKind.DAYS_30:
            return cls(today - timedelta(days=29), today, kind)
        if kind is PeriodKind.DAYS_90:
            return cls(today - timedelta(days=89), today, kind)
        return cls(None, today, PeriodKind.ALL if kind is PeriodKind.ALL else kind)

    @classmethod
    def between(cls, start: date | None, end: date) -> Period:
        """A period between two dates (``start`` None means from the beginning).

        Raises:
            ValueError: when ``start`` is after ``end``.
        """
        if start is not None and start > end:
            raise ValueError(f"the period starts ({start}) after it ends ({end})")
        return cls(start, end, PeriodKind.CUSTOM)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the period."""
        return (self.start is None or day >= self.start) and day <= self.end

    def days(self, first_activity: date | None) -> list[date]:
        """Every date of the period; "all time" starts at the first activity."""
        start = self.start if self.start is not None else (first_activity or self.end)
        start = min(start, self.end)
        return [start + timedelta(days=i) for i in range((self.end - start).days + 1)]

    @property
    def label(self) -> str:
        """Words for headings: "Last 30 days", "All time", "2026-01-01 – 2026-01-31"."""
        if self.kind is PeriodKind.DAYS_30:
            return "Last 30 days"
        if self.kind is PeriodKind.DAYS_90:
            return "Last 90 days"
        if self.start is None:
            return "All time" if self.kind is PeriodKind.ALL else f"Until {self.end:%Y-%m-%d}"
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


# -- study days ----------------------------------------------------------------------------

_EPOCH = date(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()


class StudyCalendar:
    """Turns UTC moments into study dates: local days that begin at ``starts_hour``.

    Storage groups timestamps into hour buckets (``(epoch seconds + shift) // 3600``); this
    class maps a bucket to its study date. Buckets are shifted by the zone's sub-hour offset
    (e.g. 30 minutes for India) so each bucket lies inside one local hour, which makes the
    mapping exact for every real time zone. Offsets are looked up once per UTC day (twice on
    days with a daylight-saving change) rather than once per bucket, which keeps a year of
    hourly buckets cheap.

    Args:
        zone: The learner's local time zone.
        starts_hour: The local hour a study day begins (4 by default, like Anki).
        reference: A moment used to find the zone's sub-hour offset.
    """

    def __init__(self, zone: tzinfo, starts_hour: int, reference: datetime) -> None:
        self.zone = zone
        self.starts_hour = starts_hour
        offset = reference.astimezone(zone).utcoffset() or timedelta(0)
        self.shift_seconds = int(offset.total_seconds()) % 3600
        self._offsets: dict[int, tuple[int, int]] = {}
        self._dates: dict[int, date] = {}

    def _offset_at(self, epoch_s: int) -> int:
        moment = datetime.fromtimestamp(epoch_s, UTC)
        offset = self.zone.utcoffset(moment.astimezone(self.zone).replace(tzinfo=None))
        return int(offset.total_seconds()) if offset is not None else 0

    def _offset(self, epoch_s: int) -> int:
        day = epoch_s // 86400
        pair = self._offsets.get(day)
        if pair is None:
            pair = (self._offset_at(day * 86400), self._offset_at(day * 86400 + 86399))
            self._offsets[day] = pair
        return pair[0] if pair[0] == pair[1] else self._offset_at(epoch_s)

    def day_of_bucket(self, bucket: int) -> date:
        """The study date of an hour bucket made with :attr:`shift_seconds`."""
        epoch_s = bucket * 3600 - self.shift_seconds
        index = (epoch_s + self._offset(epoch_s) - self.starts_hour * 3600) // 86400
        found = self._dates.get(index)
        if found is None:
            found = date.fromordinal(_EPOCH_ORDINAL + index)
            self._dates[index] = found
        return found

    def day_of(self, moment: datetime) -> date:
        """The study date of an aware moment."""
        local = moment.astimezone(self.zone)
        return (local - timedelta(hours=self.starts_hour)).date()

    def day_start(self, day: date) -> datetime:
        """The UTC moment study date ``day`` begins."""
        local = datetime(day.year, day.month, day.day, self.starts_hour, tzinfo=self.zone)
        return local.astimezone(UTC)

