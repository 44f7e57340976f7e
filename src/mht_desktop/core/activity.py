"""Activity figures — study days, streaks, the heat map, cards due, quiz-score trends.

Computed from plain numbers that storage aggregates per study day; nothing here touches a
database, a clock or Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mht_desktop.core.periods import Period

FORECAST_DAYS = 30
HEATMAP_MAX_DAYS = 371         # 53 weeks: a calendar year, whole weeks


# -- activity, streaks, heat map -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DayActivity:
    """What a learner did on one study date."""

    day: date
    reviews: int = 0
    answers: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        """Reviews plus quiz answers (the heat map's value)."""
        return self.reviews + self.answers

    @property
    def minutes(self) -> float:
        """Study time in minutes."""
        return self.seconds / 60.0


def merge_activity(reviews: Mapping[date, tuple[int, float]],
                   answers: Mapping[date, tuple[int, float]]) -> dict[date, DayActivity]:
    """Join per-date card reviews and quiz answers, each given as (count, seconds)."""
    out: dict[date, DayActivity] = {}
    for day in set(reviews) | set(answers):
        r_count, r_seconds = reviews.get(day, (0, 0.0))
        a_count, a_seconds = answers.get(day, (0, 0.0))
        out[day] = DayActivity(day, r_count, a_count, r_seconds + a_seconds)
    return out


def daily_series(activity: Mapping[date, DayActivity], days: Iterable[date]) -> list[DayActivity]:
    """One entry per date (zeros where nothing happened)."""
    return [activity.get(d) or DayActivity(d) for d in days]


def bin_series(series: Sequence[DayActivity], size: int) -> list[DayActivity]:
    """Sum consecutive runs of ``size`` days (a long period's chart stays readable).

    Each bin is dated by its first day; the last bin may be shorter.
    """
    if size <= 1:
        return list(series)
    out = []
    for i in range(0, len(series), size):
        chunk = series[i:i + size]
        out.append(DayActivity(chunk[0].day, sum(d.reviews for d in chunk),
                               sum(d.answers for d in chunk), sum(d.seconds for d in chunk)))
    return out


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive study days.

    Attributes:
        current: Days in the run that ends today — or yesterday, so a streak is not lost
            before today's study.
        longest: The longest run ever.
        studied_today: Whether today already counts.
    """

    current: int
    longest: int
    studied_today: bool


def streaks(days: Iterable[date], today: date) -> Streak:
    """Current and longest streak of study days (any review or quiz answer)."""
    active = {d for d in days if d <= today}
    longest = 0
    for day in active:
        if day - timedelta(days=1) in active:
            continue  # not the start of a run
        length = 1
        while day + timedelta(days=length) in active:
            length += 1
        longest = max(longest, length)
    studied_today = today in active
    current = 0
    cursor = today if studied_today else today - timedelta(days=1)
    while cursor in active:
        current += 1
        cursor -= timedelta(days=1)
    return Streak(current, longest, studied_today)


def heatmap(activity: Mapping[date, DayActivity], period: Period,
            first_activity: date | None) -> list[tuple[date, int]]:
    """(date, reviews + answers) for each date of the period, at most the last 53 weeks."""
    days = period.days(first_activity)[-HEATMAP_MAX_DAYS:]
    return [(d, activity[d].count if d in activity else 0) for d in days]


# -- cards due -----------------------------------------------------------------------------

def due_forecast(due_by_day: Mapping[date, int], today: date,
                 days: int = FORECAST_DAYS) -> list[tuple[date, int]]:
    """Cards falling due on each of the next ``days`` dates; overdue cards count today."""
    overdue = sum(n for d, n in due_by_day.items() if d < today)
    out = []
    for i in range(days):
        day = today + timedelta(days=i)
        out.append((day, due_by_day.get(day, 0) + (overdue if i == 0 else 0)))
    return out


def days_until(exam_date: date | None, today: date) -> int | None:
    """Days from today to the exam (negative once it has passed; None when unset)."""
    return None if exam_date is None else (exam_date - today).days


# -- quiz history --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScorePoint:
    """One submitted quiz or exam, for the score trend."""

    attempt_id: int
    day: date
    finished_at: datetime
    mode: str
    score: float
    passed: bool | None
    questions: int
    elapsed_s: float = 0.0

    @property
    def is_exam(self) -> bool:
        """Timed exam simulations are charted apart from practice."""
        return self.mode == "exam"


@dataclass(frozen=True, slots=True)
class TopicPeriodStats:
    """One topic's quiz and card work inside the period (for the report and progress file)."""

    topic_id: str
    answers: int = 0
    score_sum: float = 0.0
    distinct_questions: int = 0
    reviews: int = 0
    cards_reviewed: int = 0
    missed_now: int = 0

    @property
    def accuracy(self) -> float | None:
        """Plain (unweighted) share of points earned in the period."""
        return self.score_sum / self.answers if self.answers else None


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over the period."""

    reviews: int = 0
    answers: int = 0
    minutes: float = 0.0
    study_days: int = 0
    attempts: int = 0
    exams: int = 0
    exams_passed: int = 0


def totals(series: Iterable[DayActivity], trend: Iterable[ScorePoint]) -> Totals:
    """Reviews, answers, minutes, study days and attempts over a period's series."""
    items = list(series)
    points = list(trend)
    exams = [p for p in points if p.is_exam]
    return Totals(
        reviews=sum(d.reviews for d in items), answers=sum(d.answers for d in items),
        minutes=sum(d.seconds for d in items) / 60.0,
        study_days=sum(1 for d in items if d.count > 0), attempts=len(points),
        exams=len(exams), exams_passed=sum(1 for p in exams if p.passed))


def countdown_text(days: int | None) -> str:
    """Words for the exam countdown."""
    if days is None:
        return "No exam date set"
    if days < 0:
        return f"Exam was {-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "Exam is today"
    return f"{days} day{'s' if days != 1 else ''} to the exam"

