"""A learner's review log read for the memory model: the optimizer's input, true retention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from mht_desktop.storage.models import ReviewLogRow

MATURE_DAYS = 21  # Anki's "mature": the card had been scheduled three weeks or more


@dataclass(frozen=True, slots=True)
class PassRate:
    """Mature reviews passed (anything but Again) over the last ``days`` days."""

    days: int
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        """The pass rate, or None when there were no mature reviews."""
        return self.passed / self.total if self.total else None


def answers(session: Session, profile_id: int) -> list[tuple[int, int, int]]:
    """Every answer of the learner as (card id, Unix time, rating), oldest first per card.

    Times come as integers computed by the database (``extract(epoch …)``): a year of
    history is half a million rows, and turning each stored timestamp into a ``datetime``
    cost more than the query.
    """
    statement = (
        select(ReviewLogRow.card_id, extract("epoch", ReviewLogRow.reviewed_at),
               ReviewLogRow.rating)
        .where(ReviewLogRow.profile_id == profile_id)
        .order_by(ReviewLogRow.card_id, ReviewLogRow.reviewed_at))
    return [(card_id, int(epoch), rating)
            for card_id, epoch, rating in session.connection().execute(statement)]


def mature_pass_rates(session: Session, profile_id: int, now: datetime,
                      periods: Sequence[int] = (7, 30, 365)) -> list[PassRate]:
    """The learner's true retention: pass rate of mature reviews in each period.

    A review is mature when the interval scheduled before it (the previous answer's
    ``interval_days`` on the same card) was at least :data:`MATURE_DAYS`, as Anki counts it.
    """
    previous = func.lag(ReviewLogRow.interval_days).over(
        partition_by=ReviewLogRow.card_id, order_by=ReviewLogRow.reviewed_at)
    logs = (select(ReviewLogRow.reviewed_at.label("at"), ReviewLogRow.rating.label("rating"),
                   previous.label("before"))
            .where(ReviewLogRow.profile_id == profile_id,
                   ReviewLogRow.reviewed_at <= now)
            .subquery())
    mature = logs.c.before >= MATURE_DAYS
    columns = []
    for days in periods:
        recent = logs.c.at > now - timedelta(days=days)
        columns += [func.sum(case((mature & recent & (logs.c.rating > 1), 1), else_=0)),
                    func.sum(case((mature & recent, 1), else_=0))]
    row = session.execute(select(*columns)).one()
    return [PassRate(days, int(row[2 * i] or 0), int(row[2 * i + 1] or 0))
            for i, days in enumerate(periods)]
