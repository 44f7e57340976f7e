"""The class view's figures, for an instructor (or the coordinator) on a program's server.

Who is on the roster is the server's decision (row-level security): an instructor's class is
their cohort. Figures are plain dataclasses so a view, a report or a benchmark can use them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from mht_desktop.core.clock import Clock
from mht_desktop.core.item_stats import ItemStatistics, kelley_group_size, statistics_from_tallies
from mht_desktop.core.progress import Progress
from mht_desktop.storage import cohort as repo
from mht_desktop.storage.database import Database
from mht_desktop.storage.models import ProfileRow

if TYPE_CHECKING:
    from mht_desktop.services.progress_file import ClassSummary

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
    topic_titles: dict[str, str] = field(default_factory=dict)  # topic id -> its title

    def title(self, topic_id: str) -> str:
        """How topic ``topic_id`` is named to a person."""
        return self.topic_titles.get(topic_id, topic_id)


class CohortService:
    """Read-only class figures."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    @contextmanager
    def _server_errors(self) -> Iterator[None]:
        """A server that went away or refused becomes a DatabaseError a person can act on."""
        from sqlalchemy.exc import DBAPIError

        try:
            yield
        except DBAPIError as exc:
            from mht_desktop.storage.server import explain_server_error

            raise explain_server_error(self._db.engine.url, exc) from exc

    def instructors_view(self, profile_id: int) -> ClassView | None:
        """The class view if ``profile_id`` is an instructor's profile, else None.

        Raises:
            DatabaseError: the server cannot be reached (or refused), said so a person can act.
        """
        with self._server_errors(), self._db.session() as s:
            row = s.get(ProfileRow, profile_id)
            instructor = row is not None and row.is_instructor
        return self.class_view() if instructor else None

    def class_view(self) -> ClassView:
        """The roster, who has not studied this week, the weakest topics and item statistics.

        Raises:
            DatabaseError: the server cannot be reached (or refused), said so a person can act.
        """
        since = self._clock.now() - timedelta(days=ACTIVE_DAYS)
        with self._server_errors(), self._db.session() as s:
            trainees = repo.trainees(s, since)
            ranked = sum(1 for t in trainees if t.answered)
            topics, tallies = repo.class_tallies(s, kelley_group_size(ranked))
            texts = repo.question_texts(s, sorted(cast(int, t.item) for t in tallies))
            titles = repo.topic_titles(s, sorted({t.topic_id for t in topics}))
        by_trainee: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
        cohort_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for t in topics:
            by_trainee[t.profile_id][t.topic_id] = (t.right, t.answered)
            cohort_topic[t.topic_id][0] += t.right
            cohort_topic[t.topic_id][1] += t.answered
        roster = tuple(RosterEntry(
            t.name, t.cohort, t.reviews_since, t.answers_since, t.last_active,
            {topic: r / n for topic, (r, n) in sorted(by_trainee[t.profile_id].items())})
            for t in trainees)
        weakest = tuple(sorted(((topic, r / n) for topic, (r, n) in cohort_topic.items()),
                               key=lambda tv: (tv[1], tv[0])))
        stats = statistics_from_tallies(tallies, ranked)
        items = tuple(ItemReport(*texts[cast(int, st.item)], stats=st) for st in stats)
        return ClassView(roster, tuple(r.name for r in roster if not r.studied_this_week),
                         weakest, items, titles)

    def class_summary_steps(self) -> Generator[Progress, None, ClassSummary]:
        """The class PDF's figures from the server: each trainee's report, as a progress file.

        The same figures (readiness by topic, exams) as the files trainees export, computed by
        the same code (``StatsService.report``, ``progress_file.from_report``), so the class
        PDF from the server and the one from handed-in files agree. Yields progress per
        trainee (the task lane shows a dialog when it takes long).
        """
        from mht_desktop.core.periods import PeriodKind
        from mht_desktop.services import progress_file
        from mht_desktop.services.stats import StatsService

        since = self._clock.now() - timedelta(days=ACTIVE_DAYS)
        files = []
        with self._server_errors():
            with self._db.session() as s:
                trainees = repo.trainees(s, since)
            for done, t in enumerate(trainees):
                yield Progress(done, len(trainees), f"Reading {t.name}'s progress")
                report = StatsService(self._db, self._clock, t.profile_id).report(PeriodKind.ALL)
                files.append(replace(progress_file.from_report(report), source="server"))
        return progress_file.class_summary(files, origin="the program's server")

    def class_summary(self) -> ClassSummary:
        """:meth:`class_summary_steps`, run to the end (the command line, tests)."""
        steps = self.class_summary_steps()
        while True:
            try:
                next(steps)
            except StopIteration as stop:
                summary: ClassSummary = stop.value
                return summary
