"""The readiness formula: how ready a learner is, per topic and overall.

Why a separate, pure module: the Progress view, the printed report, the progress file and the
command line must all agree on every figure, and an instructor has to be able to check how a
figure was made. Keeping the arithmetic here, on plain data with a fixed ``today``, means the
formula is written once, documented once (docs/readiness.md) and tested with exact values.
Storage hands in small aggregates (counts per topic and study day); nothing here touches a
database, a clock or Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
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


@dataclass(frozen=True, slots=True)
class NextStep:
    """One suggestion for a weak topic.

    Attributes:
        text: The suggestion in full, for this topic.
        general: The same suggestion for any topic, so a report that suggests it for
            several topics can say it once.
        detail: What is particular to this topic ("3 missed questions"), or "".
    """

    text: str
    general: str
    detail: str = ""


def topic_steps(topic: TopicReadiness, *, pass_mark: float, missed: int = 0) -> list[NextStep]:
    """Concrete suggestions for a weak topic, in the order worth doing them."""
    steps = []
    if missed:
        review = "(Quiz ▸ Missed-question review) and read each rationale."
        steps.append(NextStep(f"Review the {missed} question(s) you last answered wrong {review}",
                              f"Review the questions you last answered wrong {review}",
                              f"{missed} missed question(s) to review"))
    if topic.quiz_accuracy is None:
        text = "Take a 10-question smart-practice quiz on this topic to measure it."
        steps.append(NextStep(text, text))
    elif topic.quiz_accuracy < pass_mark:
        text = ("Take a 10-question smart-practice quiz on this topic; aim for "
                f"{percent(pass_mark)} or better.")
        steps.append(NextStep(text, text))
    if topic.card_retention is None:
        text = "Start this topic's flashcards to build recall."
        steps.append(NextStep(text, text))
    elif topic.card_retention < 0.85:
        text = "Clear this topic's due flashcards every day this week."
        steps.append(NextStep(text, text))
    if topic.coverage < 1.0:
        needed = max(0, min(COVERAGE_TARGET, topic.questions or COVERAGE_TARGET)
                     - topic.distinct_answered)
        if needed:
            steps.append(NextStep(
                f"Answer {needed} more different question(s) for a reliable figure.",
                "Answer more different questions until the figure is reliable.",
                f"{needed} more different question(s) needed"))
    if not steps:
        text = "Keep it fresh: one short quiz on this topic each week."
        steps.append(NextStep(text, text))
    return steps


def next_steps(topic: TopicReadiness, *, pass_mark: float, missed: int = 0) -> list[str]:
    """Concrete suggestions for a weak topic, in the order worth doing them."""
    return [step.text for step in topic_steps(topic, pass_mark=pass_mark, missed=missed)]


# -- formatting ----------------------------------------------------------------------------

def percent(value: float | None, empty: str = "—") -> str:
    """``0.734`` → ``73%``; None → a dash."""
    return empty if value is None else f"{round(value * 100)}%"


NOT_ENOUGH = "not enough answers yet"
RANGE_Z = 1.28  # an 80 % interval: wide enough to be honest, narrow enough to be useful


def readiness_range(value: float, evidence: int) -> tuple[float, float]:
    """A Wilson score interval around ``value`` seen over ``evidence`` answers or cards.

    Why Wilson: with few answers a plain ± margin runs past 0 % or 100 % and says nothing
    for a perfect score; Wilson's interval stays inside 0..1 and is wide when evidence is thin
    (one right answer: roughly 38–100 %).
    """
    n = max(evidence, 1)
    z2 = RANGE_Z * RANGE_Z
    centre = (value + z2 / (2 * n)) / (1 + z2 / n)
    half = RANGE_Z * ((value * (1 - value) / n + z2 / (4 * n * n)) ** 0.5) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def readiness_text(topic: TopicReadiness) -> str:
    """A topic's readiness as honestly as the data allows.

    No data: "no data". Too little to rank (fewer than 5 answers and 10 reviewed cards): "not
    enough answers yet", never a confident "100%". Some data: a range ("55–90%"). Good data: the
    figure itself.
    """
    if topic.readiness is None:
        return "no data"
    if not topic.enough_data:
        return NOT_ENOUGH
    if topic.confidence is Confidence.GOOD:
        return percent(topic.readiness)
    low, high = readiness_range(topic.readiness,
                                max(topic.recent_answers, topic.cards_reviewed))
    if round(low * 100) == round(high * 100):
        return percent(topic.readiness)
    return f"{round(low * 100)}–{round(high * 100)}%"


def study_time_text(minutes: float) -> str:
    """Study time in the unit that reads best: "0 min", "45 min", "1.5 h", "12 h"."""
    if minutes < 59.5:
        return f"{round(minutes)} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 10 else f"{round(hours)} h"




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
