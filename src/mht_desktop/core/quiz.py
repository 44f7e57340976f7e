"""Quizzes and exam simulations: scoring, reproducible shuffling, blueprint sampling,
smart practice and missed-question review. Pure functions over plain data.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from mht_desktop.core.banks import Choice, QuestionType


class QuizMode(Enum):
    """How a quiz behaves."""

    TUTOR = "tutor"          # feedback after every answer
    EXAM = "exam"            # timed, no feedback until the end
    MISSED = "missed"        # re-ask missed questions until each is right twice
    SMART = "smart"          # favour weak topics and questions due for a re-test


class Pool(Enum):
    """Which questions a quiz may draw from."""

    ALL = "all"
    UNSEEN = "unseen"
    MISSED = "missed"
    FLAGGED = "flagged"


class AttemptStatus(Enum):
    """Where an attempt stands (stored; never rename values)."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    ABANDONED = "abandoned"


# -- scoring -----------------------------------------------------------------------------

def score_answer(qtype: QuestionType, choices: Sequence[Choice], selected: Iterable[int], *,
                 partial_credit: bool = False) -> float:
    """Score one answer from 0.0 to 1.0.

    Single choice and true/false: 1 for a right choice, else 0 (a single-choice question
    may, as in Moodle, give full credit to more than one answer: any one of them is right).
    Multiple response is
    all-or-nothing by default (every right choice and no wrong one). With ``partial_credit``
    each right choice picked earns 1/k (k = number of right choices) and each wrong choice
    picked costs 1/k, never below 0 — so guessing everything earns nothing.

    Args:
        qtype: The question's type.
        choices: The choices in bank order.
        selected: Bank-order indexes the learner picked.
        partial_credit: Use the partial rule for multiple response.
    """
    picked = set(selected)
    correct = {i for i, c in enumerate(choices) if c.correct}
    if not picked:
        return 0.0
    if qtype is not QuestionType.MULTIPLE:
        return 1.0 if len(picked) == 1 and picked <= correct else 0.0
    if not partial_credit:
        return 1.0 if picked == correct else 0.0
    hits = len(picked & correct)
    misses = len(picked - correct)
    return max(0.0, (hits - misses) / len(correct))


# -- shuffling ---------------------------------------------------------------------------

_STAYS_LAST = re.compile(
    r"^\s*(all|none|both|neither)\s+(of\s+)?(the\s+)?(above|these|of these)\b", re.IGNORECASE)


def stays_in_place(choice: Choice) -> bool:
    """Whether a choice keeps its position ("All of the above", or marked ``fixed``)."""
    return choice.fixed or bool(_STAYS_LAST.match(choice.text))


def shuffled_order(choices: Sequence[Choice], rng: random.Random) -> list[int]:
    """A display order of bank indexes: movable choices shuffled, fixed ones kept in place."""
    movable = [i for i, c in enumerate(choices) if not stays_in_place(c)]
    shuffled = movable[:]
    rng.shuffle(shuffled)
    it = iter(shuffled)
    return [i if stays_in_place(c) else next(it) for i, c in enumerate(choices)]


def attempt_rng(seed: int, position: int) -> random.Random:
    """The RNG for one question of an attempt: the same seed gives the same order again."""
    return random.Random(seed * 1_000_003 + position)


# -- blueprints --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Domain:
    """An exam content area, its share of the exam and the topics that feed it."""

    name: str
    weight: float
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blueprint:
    """How an exam spreads its questions across content areas."""

    name: str
    domains: tuple[Domain, ...]
    questions: int = 100
    minutes: int = 120
    pass_mark: float = 0.70
    source: str = ""


def allocate(total: int, weights: Sequence[float], capacity: Sequence[int]) -> list[int]:
    """Split ``total`` questions across domains in proportion to ``weights``.

    Largest-remainder rounding gives exact counts that sum to ``total``; a domain never gets
    more than it has questions (``capacity``), and what it cannot take goes to the others in
    proportion to their weights.

    Raises:
        ValueError: when the domains hold fewer than ``total`` questions altogether.
    """
    if sum(capacity) < total:
        raise ValueError(f"only {sum(capacity)} questions are available for {total}")
    counts = [0] * len(weights)
    open_ = [i for i, w in enumerate(weights) if w > 0 and capacity[i] > 0]
    remaining = total
    while remaining > 0 and open_:
        weight_sum = sum(weights[i] for i in open_)
        shares = {i: remaining * weights[i] / weight_sum for i in open_}
        floors = {i: min(math.floor(shares[i]), capacity[i] - counts[i]) for i in open_}
        given = sum(floors.values())
        for i in open_:
            counts[i] += floors[i]
        left = remaining - given
        order = sorted(open_, key=lambda i: (shares[i] - math.floor(shares[i]), weights[i]),
                       reverse=True)
        for i in order:
            if left == 0:
                break
            if counts[i] < capacity[i]:
                counts[i] += 1
                left -= 1
        remaining = left
        open_ = [i for i in open_ if counts[i] < capacity[i]]
    if remaining > 0:  # weights were zero where questions remain: fill anywhere
        for i in range(len(counts)):
            take = min(remaining, capacity[i] - counts[i])
            counts[i] += take
            remaining -= take
    return counts


def sample_by_blueprint(blueprint: Blueprint, questions_by_topic: Mapping[str, Sequence[int]],
                        total: int, rng: random.Random) -> list[int]:
    """Draw ``total`` distinct question ids across the blueprint's domains.

    Each question is used once even when a topic feeds two domains. Domains with no
    questions in the pool are skipped and their share goes to the others.

    Returns:
        Question ids, shuffled.
    """
    pools: list[list[int]] = []
    seen: set[int] = set()
    for domain in blueprint.domains:
        pool = []
        for topic in domain.topics:
            for qid in questions_by_topic.get(topic, ()):
                if qid not in seen:
                    seen.add(qid)
                    pool.append(qid)
        pools.append(pool)
    counts = allocate(total, [d.weight for d in blueprint.domains], [len(p) for p in pools])
    chosen: list[int] = []
    for pool, count in zip(pools, counts, strict=True):
        chosen.extend(rng.sample(pool, count))
    rng.shuffle(chosen)
    return chosen


# -- smart practice ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QuestionHistory:
    """What the learner has done with one question."""

    question_id: int
    topic: str
    attempts: int = 0
    correct: int = 0
    last_correct: bool | None = None
    days_since_last: float | None = None


def smart_weight(history: QuestionHistory, topic_accuracy: float) -> float:
    """How strongly smart practice favours a question.

    Unseen questions get a steady weight; missed questions weigh most, more so as time passes
    since they were missed (they are due for a re-test); questions answered right recently
    weigh least; and everything in a weak topic weighs more.
    """
    weakness = 1.5 - topic_accuracy  # 0.5 (strong topic) … 1.5 (weak topic)
    if history.attempts == 0:
        base = 1.0
    elif history.last_correct is False:
        days = history.days_since_last or 0.0
        base = 2.0 + min(days, 14.0) / 7.0
    else:
        days = history.days_since_last or 0.0
        base = 0.15 + min(days, 30.0) / 30.0 * 0.6
    return base * weakness


def weighted_sample(items: Sequence[int], weights: Sequence[float], count: int,
                    rng: random.Random) -> list[int]:
    """Pick ``count`` distinct items, each with probability proportional to its weight
    (Efraimidis–Spirakis keys, so one pass and no replacement)."""
    keyed = [(rng.random() ** (1.0 / w) if w > 0 else 0.0, item)
             for item, w in zip(items, weights, strict=True)]
    keyed.sort(reverse=True)
    return [item for _, item in keyed[:count]]


# -- missed-question review --------------------------------------------------------------

REQUIRED_STREAK = 2


@dataclass
class MissedReview:
    """Re-asks missed questions until each is answered right twice in a row.

    A question answered right goes to the back of the queue until its streak reaches two;
    a wrong answer resets its streak.
    """

    queue: list[int]
    streaks: dict[int, int] = field(default_factory=dict)

    def current(self) -> int | None:
        """The question to ask now (None when every question is done)."""
        return self.queue[0] if self.queue else None

    def record(self, question_id: int, correct: bool) -> None:
        """Apply an answer to the question at the front of the queue."""
        if not self.queue or self.queue[0] != question_id:
            raise ValueError("answer does not match the current question")
        self.queue.pop(0)
        streak = self.streaks.get(question_id, 0) + 1 if correct else 0
        self.streaks[question_id] = streak
        if streak < REQUIRED_STREAK:
            # Not mastered: ask again after a few others (or at once when it is alone).
            self.queue.insert(min(len(self.queue), 3), question_id)

    @property
    def done(self) -> bool:
        """True when every question reached its streak."""
        return not self.queue


# -- results -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AttemptScore:
    """What an attempt's score is made of.

    Attributes:
        earned: Points earned.
        counted: Questions the score is out of.
        asked: Questions in the attempt (answered or not).
    """

    earned: float
    counted: int
    asked: int

    @property
    def score(self) -> float | None:
        """Share of the counted points earned; None when nothing counts (not scored)."""
        return self.earned / self.counted if self.counted else None

    @property
    def ended_early(self) -> bool:
        """Whether some questions were left unanswered and so do not count."""
        return self.counted < self.asked


def attempt_score(mode: QuizMode, scores: Sequence[float | None]) -> AttemptScore:
    """Score an attempt from its questions' scores (None: not answered).

    An exam counts every question, as a real exam does: an unanswered one scores zero. Practice
    (tutor, smart, missed-question review) counts only what was answered, so ending a session
    early or leaving the review's next question open never turns into a "0 % — not passed";
    a practice session with nothing answered is not scored at all.
    """
    earned = sum(s for s in scores if s is not None)
    if mode is QuizMode.EXAM:
        return AttemptScore(earned, len(scores), len(scores))
    return AttemptScore(earned, sum(1 for s in scores if s is not None), len(scores))


@dataclass(frozen=True, slots=True)
class TopicScore:
    """Results for one topic in an attempt."""

    topic: str
    title: str
    earned: float
    total: int

    @property
    def fraction(self) -> float:
        """Share of the topic's points earned."""
        return 0.0 if self.total == 0 else self.earned / self.total


def remaining_seconds(time_limit_s: int | None, elapsed_s: float) -> float | None:
    """Time left on an exam clock (None when untimed; never negative)."""
    if time_limit_s is None:
        return None
    return max(0.0, time_limit_s - elapsed_s)


def format_clock(seconds: float) -> str:
    """``1:59:07`` or ``4:05`` for a countdown."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
