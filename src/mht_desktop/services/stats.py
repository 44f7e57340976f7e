"""The Progress dashboard and the learner report's data, for one learner.

Why a service: the window, the command line and the PDF renderer all need the same figures.
This module asks storage for aggregates inside one session, turns UTC timestamps into study
days (4 AM local by default), and lets :mod:`mht_desktop.core.readiness` do the arithmetic. It
returns frozen dataclasses, never ORM rows, so nothing lazy-loads on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from mht_desktop.core.activity import (
    FORECAST_DAYS,
    DayActivity,
    ScorePoint,
    Streak,
    TopicPeriodStats,
    Totals,
    daily_series,
    days_until,
    due_forecast,
    heatmap,
    merge_activity,
    streaks,
    totals,
)
from mht_desktop.core.clock import Clock, ensure_utc
from mht_desktop.core.periods import Period, PeriodKind, StudyCalendar
from mht_desktop.core.practice.progress import PracticeSummary, summarize
from mht_desktop.core.quiz import Blueprint
from mht_desktop.core.readiness import (
    CARD_FALLBACK_DAYS,
    QUIZ_WINDOW_DAYS,
    AnswerBucket,
    OverallReadiness,
    TopicFacts,
    TopicReadiness,
    all_topic_readiness,
    overall_readiness,
    weakest_topics,
)
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.scheduling.fsrs_adapter import forgetting_curve
from mht_desktop.services.quiz import default_blueprint
from mht_desktop.services.study import local_zone
from mht_desktop.storage import practice as practice_repo
from mht_desktop.storage import profiles as profiles_repo
from mht_desktop.storage import stats as repo
from mht_desktop.storage.database import Database

if TYPE_CHECKING:  # sessions are only passed through to storage here
    from sqlalchemy.orm import Session

# Cards cannot fall due before this; it stands in for "overdue" in the due-day ranges.
_LONG_AGO = datetime(1970, 1, 2, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Every figure the Progress view shows, for one period.

    Attributes:
        generated_at: When the figures were computed (UTC).
        today: The current study date.
        period: The period the activity figures cover.
        has_activity: Whether the learner ever reviewed a card or answered a question.
        topics: Readiness per topic (by title); readiness itself is always "as of today".
        overall: Readiness across topics.
        weakest: The lowest-readiness topics with enough data.
        exam_date: The learner's exam date, if set.
        days_to_exam: Days from today to the exam.
        due_today: Cards due today (learning and review, overdue included).
        forecast: Cards falling due on each of the next 30 study days (today first).
        daily: Reviews, answers and study time on each date of the period.
        totals: Sums over the period.
        streak: Current and longest streaks (all time).
        heatmap: (date, reviews + answers) for the calendar, at most 53 weeks.
        trend: Submitted quizzes and exams in the period, oldest first.
        pass_mark: The learner's pass mark (0..1).
    """

    generated_at: datetime
    today: date
    period: Period
    has_activity: bool
    topics: tuple[TopicReadiness, ...]
    overall: OverallReadiness
    weakest: tuple[TopicReadiness, ...]
    exam_date: date | None
    days_to_exam: int | None
    due_today: int
    forecast: tuple[tuple[date, int], ...]
    daily: tuple[DayActivity, ...]
    totals: Totals
    streak: Streak
    heatmap: tuple[tuple[date, int], ...]
    trend: tuple[ScorePoint, ...]
    pass_mark: float

    @property
    def exams(self) -> tuple[ScorePoint, ...]:
        """The timed exam simulations in the trend."""
        return tuple(p for p in self.trend if p.is_exam)


@dataclass(frozen=True, slots=True)
class LearnerReport:
    """What the printed report and the progress file say about one learner.

    Attributes:
        learner: The learner's name.
        program: Training program (from settings; may be empty).
        instructor: Instructor or clinical supervisor (from settings; may be empty).
        dashboard: The dashboard for the report's period.
        by_topic: Quiz work per topic inside the period, plus questions now missed.
        zone: The time zone dates are shown in.
        practice: Drills, notes and disclosure cases finished in the period.
        day_starts_hour: The local hour a study day begins (the learner's setting), so the
            report can say why a late-night report still counts as the day before.
    """

    learner: str
    program: str
    instructor: str
    dashboard: Dashboard
    by_topic: dict[str, TopicPeriodStats]
    zone: tzinfo
    practice: PracticeSummary | None = None
    day_starts_hour: int = 4

    @property
    def generated_local(self) -> datetime:
        """When the report was made, in the learner's time zone."""
        return self.dashboard.generated_at.astimezone(self.zone)


class StatsService:
    """Progress figures for one learner.

    Args:
        db: The database.
        clock: The injected clock.
        profile_id: Whose progress.
        zone: Local time zone for study days (the computer's by default).
        blueprint: Weights for overall readiness (the shipped default blueprint when None).
        use_blueprint: Weight overall readiness by question counts only when False.
    """

    def __init__(self, db: Database, clock: Clock, profile_id: int, *,
                 zone: tzinfo | None = None, blueprint: Blueprint | None = None,
                 use_blueprint: bool = True) -> None:
        self._db = db
        self._clock = clock
        self.profile_id = profile_id
        self._zone = zone or local_zone()
        self._blueprint = blueprint
        self._use_blueprint = use_blueprint

    @property
    def zone(self) -> tzinfo:
        """The time zone study days are counted in."""
        return self._zone

    def _weights(self) -> Blueprint | None:
        if not self._use_blueprint:
            return None
        if self._blueprint is None:
            self._blueprint = default_blueprint()
        return self._blueprint

    def period(self, kind: PeriodKind) -> Period:
        """What a period choice means today."""
        with self._db.session() as s:
            settings = LearnerSettings.from_json(profiles_repo.settings(s, self.profile_id))
        now = self._clock.now()
        return Period.of(kind, StudyCalendar(self._zone, settings.day_starts_hour, now).day_of(now))

    def dashboard(self, period: PeriodKind | Period = PeriodKind.DAYS_30) -> Dashboard:
        """Every figure of the Progress view for ``period`` (the last 30 days by default)."""
        return self._collect(period, with_topic_periods=False)[0]

    def report(self, period: PeriodKind | Period = PeriodKind.ALL) -> LearnerReport:
        """The dashboard plus the learner's details and per-topic work in the period.

        Raises:
            ProfileError: when the learner no longer exists.
        """
        dashboard, by_topic = self._collect(period, with_topic_periods=True)
        with self._db.session() as s:
            profile = profiles_repo.get(s, self.profile_id)
            settings = LearnerSettings.from_json(profiles_repo.settings(s, self.profile_id))
        return LearnerReport(profile.name, settings.program, settings.instructor, dashboard,
                             by_topic, self._zone, self.practice(dashboard.period),
                             settings.day_starts_hour)

    def practice(self, period: PeriodKind | Period = PeriodKind.DAYS_30) -> PracticeSummary:
        """Drills, notes and disclosure cases finished in ``period`` (study days)."""
        now = self._clock.now()
        with self._db.session() as s:
            settings = LearnerSettings.from_json(profiles_repo.settings(s, self.profile_id))
            cal = StudyCalendar(self._zone, settings.day_starts_hour, now)
            chosen = (Period.of(period, cal.day_of(now)) if isinstance(period, PeriodKind)
                      else period)
            since = cal.day_start(chosen.start) if chosen.start is not None else None
            until = cal.day_start(chosen.end + timedelta(days=1))
            records = practice_repo.attempts(s, self.profile_id, since=since, until=until)
        return summarize(records, self._zone)

    # -- the work --------------------------------------------------------------------------
    def _collect(self, period_or_kind: PeriodKind | Period, *, with_topic_periods: bool,
                 ) -> tuple[Dashboard, dict[str, TopicPeriodStats]]:
        now = self._clock.now()
        with self._db.session() as s:
            settings = LearnerSettings.from_json(profiles_repo.settings(s, self.profile_id))
            cal = StudyCalendar(self._zone, settings.day_starts_hour, now)
            today = cal.day_of(now)
            period = (Period.of(period_or_kind, today)
                      if isinstance(period_or_kind, PeriodKind) else period_or_kind)
            cards = self._card_side(s, now, cal, today)
            activity = self._activity_side(s, cal, today, period, with_topic_periods)
        dashboard = self._assemble(now=now, today=today, period=period, settings=settings,
                                   cal=cal, cards=cards, activity=activity)
        return dashboard, activity.by_topic

    def _card_side(self, s: Session, now: datetime, cal: StudyCalendar,
                   today: date) -> _CardSide:
        curve = forgetting_curve()  # the scheduler's own curve (scheduling.fsrs_adapter)
        pid = self.profile_id
        starts = [cal.day_start(today + timedelta(days=i)) for i in range(FORECAST_DAYS + 1)]
        groups = repo.card_topic_days(s, pid, now=now, day_starts=starts, decay=curve.decay,
                                      factor=curve.factor)
        scheduled = repo.scheduled_days(s, pid, [_LONG_AGO, *starts[1:]])
        totals_: dict[str, tuple[int, int, float]] = {}
        hidden = [0] * FORECAST_DAYS
        for topic, hidden_day, count, live, reviewed, r_sum in groups:
            n, r, x = totals_.get(topic, (0, 0, 0.0))
            totals_[topic] = (n + live, r + reviewed, x + r_sum)
            if hidden_day is not None and 0 <= hidden_day < FORECAST_DAYS:
                hidden[hidden_day] += count
        without_state = [t for t, (n, r, _x) in totals_.items() if n and not r]
        recent = repo.recent_card_answers(
            s, pid, cal.day_start(today - timedelta(days=CARD_FALLBACK_DAYS - 1)),
            without_state)
        # Scheduled cards come from the index; hidden ones (suspended, retired, disabled
        # bank) were counted per due day by the card pass and are taken off here.
        due = {today + timedelta(days=i): max(0, scheduled[i] - hidden[i])
               for i in range(FORECAST_DAYS)}
        return _CardSide(totals_, recent, due)

    def _activity_side(self, s: Session, cal: StudyCalendar, today: date, period: Period,
                       with_topic_periods: bool) -> _ActivitySide:
        pid = self.profile_id
        shift_ms = cal.shift_seconds * 1000
        # Quiz answers per study day (all time: streaks need every day).
        answers: dict[date, tuple[int, float]] = {}
        for bucket, count, seconds in repo.answer_hours(s, pid, shift_ms):
            day = cal.day_of_bucket(bucket)
            old = answers.get(day, (0, 0.0))
            answers[day] = (old[0] + count, old[1] + seconds)
        first_review = repo.first_review_at(s, pid)
        firsts = [d for d in (min(answers, default=None),
                              cal.day_of(ensure_utc(first_review)) if first_review else None)
                  if d is not None]
        first_day = min(firsts) if firsts else None
        reviews: dict[date, tuple[int, float]] = {}
        active = set(answers)
        if first_review is not None and first_day is not None:
            self._review_days(s, cal, first_day, max(today, period.end), period, reviews,
                              active)

        catalog = repo.topic_catalog(s)
        window_start = cal.day_start(today - timedelta(days=QUIZ_WINDOW_DAYS - 1))
        buckets = [AnswerBucket(t, cal.day_of_bucket(b), n, score)
                   for t, b, n, score in repo.topic_answer_hours(s, pid, shift_ms,
                                                                 window_start)]
        distinct = {t: d for t, _n, _s, d in repo.topic_answers(s, pid, window_start, None)}

        since = cal.day_start(period.start) if period.start is not None else None
        until = cal.day_start(period.end + timedelta(days=1))
        attempts = repo.submitted_attempts(s, pid, since, until)
        by_topic: dict[str, TopicPeriodStats] = {}
        if with_topic_periods:
            missed = repo.missed_by_topic(s, pid)
            for topic, count, score, distinct_q in repo.topic_answers(s, pid, since, until):
                by_topic[topic] = TopicPeriodStats(topic, count, score, distinct_q,
                                                   missed_now=missed.get(topic, 0))
            for topic, count in missed.items():
                by_topic.setdefault(topic, TopicPeriodStats(topic, missed_now=count))
        trend = tuple(ScorePoint(i, cal.day_of(ensure_utc(f)), ensure_utc(f), mode, score,
                                 passed, questions, elapsed)
                      for i, mode, f, score, passed, questions, elapsed in attempts)
        return _ActivitySide(answers, reviews, active, first_day, catalog, buckets, distinct,
                             trend, by_topic)

    def _review_days(self, s: Session, cal: StudyCalendar, first_day: date, last_day: date,
                     period: Period, reviews: dict[date, tuple[int, float]],
                     active: set[date]) -> None:
        """Fill ``reviews`` (inside the period) and ``active`` (every day) from the logs."""
        days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
        bounds = [cal.day_start(d) for d in days]
        bounds.append(cal.day_start(last_day + timedelta(days=1)))
        # Before the period only whether any review happened matters (for streaks).
        counted_from = 0 if period.start is None else max(0, (period.start - first_day).days)
        counts = repo.review_days(s, self.profile_id, bounds, counted_from=counted_from)
        for i, (day, (count, ms)) in enumerate(zip(days, counts, strict=True)):
            if count:
                active.add(day)
                if i >= counted_from:
                    reviews[day] = (count, ms / 1000.0)

    def _assemble(self, *, now: datetime, today: date, period: Period,
                  settings: LearnerSettings, cal: StudyCalendar, cards: _CardSide,
                  activity: _ActivitySide) -> Dashboard:
        facts = []
        for topic, title, questions in activity.catalog:
            n, reviewed, r_sum = cards.totals.get(topic, (0, 0, 0.0))
            recent_n, recent_ok = cards.recent.get(topic, (0, 0))
            facts.append(TopicFacts(topic, title, questions, n,
                                    activity.distinct.get(topic, 0), reviewed, r_sum,
                                    recent_n, recent_ok))
        topics = all_topic_readiness(facts, activity.buckets, today)
        forecast = due_forecast(cards.due, today)
        merged = merge_activity(activity.reviews, activity.answers)
        series = daily_series(merged, period.days(activity.first_day))
        return Dashboard(
            generated_at=now, today=today, period=period,
            has_activity=activity.first_day is not None, topics=tuple(topics),
            overall=overall_readiness(topics, self._weights()),
            weakest=tuple(weakest_topics(topics)), exam_date=settings.exam_date,
            days_to_exam=days_until(settings.exam_date, today), due_today=forecast[0][1],
            forecast=tuple(forecast), daily=tuple(series),
            totals=totals(series, activity.trend), streak=streaks(activity.active, today),
            heatmap=tuple(heatmap(merged, period, activity.first_day)), trend=activity.trend,
            pass_mark=settings.pass_mark)


@dataclass(frozen=True, slots=True)
class _CardSide:
    totals: dict[str, tuple[int, int, float]]     # topic → (cards, reviewed, retrievability)
    recent: dict[str, tuple[int, int]]            # topic → (answers, not Again), fallback
    due: dict[date, int]                          # study date → cards due


@dataclass(frozen=True, slots=True)
class _ActivitySide:
    answers: dict[date, tuple[int, float]]        # date → (quiz answers, seconds)
    reviews: dict[date, tuple[int, float]]        # date → (reviews, seconds), in the period
    active: set[date]                             # every date with any study
    first_day: date | None
    catalog: list[tuple[str, str, int]]
    buckets: list[AnswerBucket]
    distinct: dict[str, int]
    trend: tuple[ScorePoint, ...]
    by_topic: dict[str, TopicPeriodStats]
