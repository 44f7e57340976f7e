"""The class view's figures, for an instructor (or the coordinator) on a program's server.

Who is on the roster is the server's decision (row-level security): an instructor's class is
their cohort. Figures are plain dataclasses so a view, a report or a benchmark can use them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from mht_desktop.core.clock import Clock
from mht_desktop.core.item_stats import ItemStatistics, Response, item_statistics
from mht_desktop.storage import cohort as repo
from mht_desktop.storage.database import Database

ACTIVE_DAYS = 7


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One trainee: activity in the last week and share correct by topic (exam domain)."""

    name: str
    cohort: str
    reviews_7d: int
    answers_7d: int
    last_active: datetime | None
    by_topic: dict[str, float]

    @property
    def studied_this_week(self) -> bool:
        """Whether they answered anything in the last seven days."""
        return bool(self.reviews_7d or self.answers_7d)


@dataclass(frozen=True, slots=True)
class ItemReport:
    """An item's statistics with what identifies it to a person."""

    bank_id: str
    item_id: str
    stem: str
    stats: ItemStatistics


@dataclass(frozen=True, slots=True)
class ClassView:
    """Everything the class view shows."""

    roster: tuple[RosterEntry, ...]
    not_studied: tuple[str, ...]
    weakest_topics: tuple[tuple[str, float], ...]   # (topic, share correct), weakest first
    items: tuple[ItemReport, ...]                   # hardest first


class CohortService:
    """Read-only class figures."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def class_view(self) -> ClassView:
        """The roster, who has not studied this week, the weakest topics and item statistics."""
        since = self._clock.now() - timedelta(days=ACTIVE_DAYS)
        with self._db.session() as s:
            trainees = repo.trainees(s, since)
            answers = repo.latest_answers(s)
            texts = repo.question_texts(s, sorted({a.question_id for a in answers}))
        per_topic: dict[int, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        cohort_topic: dict[str, list[bool]] = defaultdict(list)
        for a in answers:
            per_topic[a.profile_id][a.topic_id].append(a.correct)
            cohort_topic[a.topic_id].append(a.correct)
        roster = tuple(RosterEntry(
            t.name, t.cohort, t.reviews_since, t.answers_since, t.last_active,
            {topic: sum(v) / len(v) for topic, v in sorted(per_topic[t.profile_id].items())})
            for t in trainees)
        weakest = tuple(sorted(((topic, sum(v) / len(v)) for topic, v in cohort_topic.items()),
                               key=lambda tv: (tv[1], tv[0])))
        stats = item_statistics(Response(a.profile_id, a.question_id, a.correct)
                                for a in answers)
        items = tuple(ItemReport(*texts[cast(int, st.item)], stats=st) for st in stats)
        return ClassView(roster, tuple(r.name for r in roster if not r.studied_this_week),
                         weakest, items)
