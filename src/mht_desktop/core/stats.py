"""Progress figures — readiness, streaks, forecasts, trends — computed from plain numbers.

Why a separate, pure module: the Progress view, the printed report, the progress file and the
command line must all agree on every figure, and an instructor has to be able to check how a
figure was made. Keeping the arithmetic here, on plain data with a fixed ``today``, means the
formulas are written once, documented once (docs/readiness.md) and tested with exact values.
Storage hands in small aggregates (counts per topic and study day); nothing here touches a
database, a clock or Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum

from mht_desktop.core.quiz import Blueprint

# -- the readiness formula's constants (docs/readiness.md explains each) -------------------
QUIZ_WINDOW_DAYS = 90          # answers older than this do not count towards readiness
QUIZ_HALF_LIFE_DAYS = 30       # an answer's weight halves every 30 days
CARD_FALLBACK_DAYS = 30        # window for the "share of non-Again answers" fallback
QUIZ_SHARE = 0.6               # readiness = 0.6 · quiz accuracy + 0.4 · card retention
CARD_SHARE = 0.4
COVERAGE_TARGET = 20           # distinct questions answered for full confidence
ENOUGH_QUESTIONS = 5           # a topic needs this many distinct answers to rank as "weak"…
ENOUGH_CARDS = 10              # …or this many reviewed cards
FORECAST_DAYS = 30
HEATMAP_MAX_DAYS = 371         # 53 weeks: a calendar year, whole weeks

READINESS_TOOLTIP = (
    "Readiness for a topic combines two things you did recently:\n"
    "• Quiz accuracy (60%): your average score on this topic's questions in the last "
    "90 days, counting recent answers more — an answer's weight halves every 30 days.\n"
    "• Flashcard retention (40%): the average chance, predicted by FSRS, that you recall "
    "this topic's reviewed cards today (or, with no reviewed cards, the share of your "
    "answers in the last 30 days that were not “Again”).\n"
    "With only one of the two, readiness is that one.\n"
    "Confidence grows with the number of different questions answered: 20 (or every "
    "question in a smaller topic) gives full confidence; fewer shows “low data”.\n"
    "Overall readiness weights topics by the exam blueprint's domain weights, and topics "
    "within a domain by their number of questions."
)


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


# -- readiness -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AnswerBucket:
    """Quiz answers given on one topic on one study date (an aggregate from storage)."""

    topic_id: str
    day: date
    answers: int
    score_sum: float


@dataclass(frozen=True, slots=True)
class TopicFacts:
    """What storage knows about one topic for one learner.

    Attributes:
        topic_id: The topic id (shared across banks).
        title: Its readable title.
        questions: Live questions in enabled banks.
        flashcards: Live flashcards in enabled banks.
        distinct_answered: Different questions answered in the last 90 days.
        cards_reviewed: Cards with an FSRS memory state (reviewed at least once, not reset).
        retrievability_sum: Sum of those cards' FSRS retrievability today.
        recent_reviews: Card answers in the last 30 days (for the fallback).
        recent_not_again: Of those, answers other than "Again".
    """

    topic_id: str
    title: str
    questions: int = 0
    flashcards: int = 0
    distinct_answered: int = 0
    cards_reviewed: int = 0
    retrievability_sum: float = 0.0
    recent_reviews: int = 0
    recent_not_again: int = 0


class Confidence(Enum):
    """How much to trust a readiness figure, from the coverage factor."""

    NONE = "no data"
    LOW = "low data"
    FAIR = "some data"
    GOOD = "good data"


def confidence_of(coverage: float, has_value: bool) -> Confidence:
    """The label shown beside a readiness figure."""
    if not has_value:
        return Confidence.NONE
    if coverage >= 1.0:
        return Confidence.GOOD
    if coverage >= 0.5:
        return Confidence.FAIR
    return Confidence.LOW


@dataclass(frozen=True, slots=True)
class TopicReadiness:
    """One topic's readiness and the parts it is made of (each 0..1, or None)."""

    topic_id: str
    title: str
    questions: int
    quiz_accuracy: float | None
    card_retention: float | None
    readiness: float | None
    coverage: float
    distinct_answered: int
    recent_answers: int
    cards_reviewed: int

    @property
    def confidence(self) -> Confidence:
        """How far to trust :attr:`readiness`."""
        return confidence_of(self.coverage, self.readiness is not None)

    @property
    def enough_data(self) -> bool:
        """Whether the topic may be called weak (a couple of answers prove little)."""
        return self.readiness is not None and (
            self.distinct_answered >= ENOUGH_QUESTIONS or self.cards_reviewed >= ENOUGH_CARDS)

    def explain(self) -> str:
        """One line saying what the figure is made of (tooltips, report)."""
        parts = []
        if self.quiz_accuracy is not None:
            parts.append(f"quiz accuracy {percent(self.quiz_accuracy)} "
                         f"({self.distinct_answered} different questions)")
        if self.card_retention is not None:
            parts.append(f"card retention {percent(self.card_retention)} "
                         f"({self.cards_reviewed} cards)")
        if not parts:
            return "No quiz answers or flashcard reviews yet."
        return "; ".join(parts) + f" — {self.confidence.value}"


def recency_weight(age_days: int) -> float:
    """Weight of an answer ``age_days`` old: 1 today, ½ after 30 days, ¼ after 60…"""
    return float(0.5 ** (age_days / QUIZ_HALF_LIFE_DAYS))


def quiz_accuracy(buckets: Iterable[AnswerBucket], today: date) -> tuple[float | None, int]:
    """Recency-weighted mean score of the answers in the last 90 days.

    Returns:
        The weighted accuracy (None without answers) and how many answers counted.
    """
    weighted = total = 0.0
    count = 0
    for bucket in buckets:
        age = (today - bucket.day).days
        if age < 0 or age >= QUIZ_WINDOW_DAYS or bucket.answers <= 0:
            continue
        weight = recency_weight(age)
        weighted += weight * bucket.score_sum
        total += weight * bucket.answers
        count += bucket.answers
    return (weighted / total if total > 0 else None), count


def card_retention(facts: TopicFacts) -> float | None:
    """Mean FSRS retrievability of reviewed cards, else the recent non-Again share."""
    if facts.cards_reviewed > 0:
        return facts.retrievability_sum / facts.cards_reviewed
    if facts.recent_reviews > 0:
        return facts.recent_not_again / facts.recent_reviews
    return None


def combine(quiz: float | None, cards: float | None) -> float | None:
    """0.6 · quiz + 0.4 · cards when both exist, else whichever exists."""
    if quiz is not None and cards is not None:
        return QUIZ_SHARE * quiz + CARD_SHARE * cards
    return quiz if quiz is not None else cards


def coverage(distinct_answered: int, questions: int) -> float:
    """min(1, distinct answered / 20); a topic with fewer than 20 questions needs them all.

    Without the cap a small topic could never reach full confidence however much it is
    practised, which would mislabel it "low data" for ever.
    """
    target = min(COVERAGE_TARGET, questions) if questions > 0 else COVERAGE_TARGET
    return min(1.0, distinct_answered / target)


def topic_readiness(facts: TopicFacts, buckets: Iterable[AnswerBucket],
                    today: date) -> TopicReadiness:
    """Readiness of one topic from its facts and its answer buckets."""
    quiz, answers = quiz_accuracy(buckets, today)
    cards = card_retention(facts)
    return TopicReadiness(
        topic_id=facts.topic_id, title=facts.title, questions=facts.questions,
        quiz_accuracy=quiz, card_retention=cards, readiness=combine(quiz, cards),
        coverage=coverage(facts.distinct_answered, facts.questions),
        distinct_answered=facts.distinct_answered, recent_answers=answers,
        cards_reviewed=facts.cards_reviewed)


def all_topic_readiness(facts: Iterable[TopicFacts], buckets: Iterable[AnswerBucket],
                        today: date) -> list[TopicReadiness]:
    """Readiness of every topic, ordered by title."""
    by_topic: dict[str, list[AnswerBucket]] = {}
    for bucket in buckets:
        by_topic.setdefault(bucket.topic_id, []).append(bucket)
    out = [topic_readiness(f, by_topic.get(f.topic_id, ()), today) for f in facts]
    return sorted(out, key=lambda t: (t.title.lower(), t.topic_id))


@dataclass(frozen=True, slots=True)
class OverallReadiness:
    """Readiness across every topic.

    Attributes:
        readiness: The weighted mean (None when no topic has data).
        coverage: The same weighting applied to each topic's coverage, with topics that have
            no data counting 0 — so it also says how much of the exam has been tried.
        method: "blueprint" (domain weights) or "questions" (question counts).
        topics_with_data: Topics that have a readiness figure.
        topics: Topics considered.
    """

    readiness: float | None
    coverage: float
    method: str
    topics_with_data: int
    topics: int

    @property
    def confidence(self) -> Confidence:
        """How far to trust :attr:`readiness`."""
        return confidence_of(self.coverage, self.readiness is not None)


def _weighted(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    total = weight_sum = 0.0
    for weight, value in pairs:
        if value is not None and weight > 0:
            total += weight * value
            weight_sum += weight
    return total / weight_sum if weight_sum > 0 else None


def _question_weight(topic: TopicReadiness) -> float:
    return float(max(1, topic.questions))


def overall_readiness(topics: Sequence[TopicReadiness],
                      blueprint: Blueprint | None = None) -> OverallReadiness:
    """Combine topic readiness into one figure.

    With a blueprint whose domains hold any topic with data, each domain's readiness is the
    question-weighted mean of its topics and the overall figure is the domain-weighted mean
    of the domains with data (domains without topics in the banks are skipped, as exam
    simulations skip them). Otherwise topics are weighted by their number of questions.
    """
    with_data = sum(1 for t in topics if t.readiness is not None)
    if blueprint is not None:
        domains: list[tuple[float, float | None, float]] = []
        for domain in blueprint.domains:
            members = [t for t in topics if t.topic_id in domain.topics]
            if not members or domain.weight <= 0:
                continue
            weights = [_question_weight(t) for t in members]
            value = _weighted(zip(weights, (t.readiness for t in members), strict=True))
            cover = sum(w * t.coverage for w, t in zip(weights, members, strict=True)) \
                / sum(weights)
            domains.append((domain.weight, value, cover))
        value = _weighted((w, v) for w, v, _ in domains)
        if value is not None:
            cover = sum(w * c for w, _, c in domains) / sum(w for w, _, _ in domains)
            return OverallReadiness(value, cover, "blueprint", with_data, len(topics))
    weights = [_question_weight(t) for t in topics]
    value = _weighted(zip(weights, (t.readiness for t in topics), strict=True))
    cover = (sum(w * t.coverage for w, t in zip(weights, topics, strict=True)) / sum(weights)
             if topics else 0.0)
    return OverallReadiness(value, cover, "questions", with_data, len(topics))


def weakest_topics(topics: Iterable[TopicReadiness], limit: int = 5) -> list[TopicReadiness]:
    """The lowest-readiness topics among those with enough data, weakest first."""
    ranked = sorted((t for t in topics if t.enough_data),
                    key=lambda t: (t.readiness or 0.0, t.title.lower()))
    return ranked[:limit]


def next_steps(topic: TopicReadiness, *, pass_mark: float, missed: int = 0) -> list[str]:
    """Concrete suggestions for a weak topic, in the order worth doing them."""
    steps = []
    if missed:
        steps.append(f"Review the {missed} question(s) you last answered wrong "
                     "(Quiz ▸ Missed-question review) and read each rationale.")
    if topic.quiz_accuracy is None:
        steps.append("Take a 10-question smart-practice quiz on this topic to measure it.")
    elif topic.quiz_accuracy < pass_mark:
        steps.append("Take a 10-question smart-practice quiz on this topic; aim for "
                     f"{percent(pass_mark)} or better.")
    if topic.card_retention is None:
        steps.append("Start this topic's flashcards to build recall.")
    elif topic.card_retention < 0.85:
        steps.append("Clear this topic's due flashcards every day this week.")
    if topic.coverage < 1.0:
        needed = max(0, min(COVERAGE_TARGET, topic.questions or COVERAGE_TARGET)
                     - topic.distinct_answered)
        if needed:
            steps.append(f"Answer {needed} more different question(s) for a reliable figure.")
    return steps or ["Keep it fresh: one short quiz on this topic each week."]


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


# -- formatting ----------------------------------------------------------------------------

def percent(value: float | None, empty: str = "—") -> str:
    """``0.734`` → ``73%``; None → a dash."""
    return empty if value is None else f"{round(value * 100)}%"


def countdown_text(days: int | None) -> str:
    """Words for the exam countdown."""
    if days is None:
        return "No exam date set"
    if days < 0:
        return f"Exam was {-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "Exam is today"
    return f"{days} day{'s' if days != 1 else ''} to the exam"


@dataclass(frozen=True, slots=True)
class ClassRow:
    """One topic row of the class matrix: readiness per trainee (None = no data)."""

    topic_id: str
    title: str
    values: tuple[float | None, ...] = field(default_factory=tuple)

    @property
    def mean(self) -> float | None:
        """The class mean over trainees with data."""
        present = [v for v in self.values if v is not None]
        return sum(present) / len(present) if present else None


def class_matrix(trainees: Sequence[Sequence[tuple[str, str, float | None]]]) -> list[ClassRow]:
    """Topic × trainee readiness from each trainee's (topic id, title, readiness) list.

    Topics appear once (the first title seen wins), ordered by title; a trainee without a
    topic gets None in its column.
    """
    titles: dict[str, str] = {}
    values: list[dict[str, float | None]] = []
    for topics in trainees:
        mine: dict[str, float | None] = {}
        for topic_id, title, readiness in topics:
            titles.setdefault(topic_id, title)
            mine[topic_id] = readiness
        values.append(mine)
    order = sorted(titles, key=lambda t: (titles[t].lower(), t))
    return [ClassRow(t, titles[t], tuple(v.get(t) for v in values)) for t in order]
