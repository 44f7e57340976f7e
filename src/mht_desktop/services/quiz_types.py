"""What the quiz service hands to screens: configurations, attempts, items, results.

Frozen dataclasses, never ORM rows, so nothing lazy-loads on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mht_desktop.core.banks import Question
from mht_desktop.core.changes import Changes
from mht_desktop.core.errors import MhtError
from mht_desktop.core.quiz import AttemptStatus, Pool, QuizMode, TopicScore, remaining_seconds


class QuizError(MhtError):
    """A quiz cannot be built or continued (e.g. no questions match)."""


@dataclass(frozen=True, slots=True)
class QuizConfig:
    """What the quiz builder asks for."""

    mode: QuizMode = QuizMode.TUTOR
    count: int = 20
    topics: tuple[str, ...] = ()
    difficulties: tuple[int, ...] = ()
    pool: Pool = Pool.ALL
    minutes: int | None = None
    seed: int | None = None
    blueprint_bank: str | None = None  # use this bank's own blueprint (exam mode)

    def to_json(self) -> dict[str, Any]:
        """Stored with the attempt."""
        return {"mode": self.mode.value, "count": self.count, "topics": list(self.topics),
                "difficulties": list(self.difficulties), "pool": self.pool.value,
                "minutes": self.minutes, "blueprint_bank": self.blueprint_bank}


@dataclass(frozen=True, slots=True)
class ItemView:
    """One question of an attempt as a screen shows it."""

    position: int
    question_id: int
    question: Question
    order: tuple[int, ...]            # bank indexes in display order
    selected: frozenset[int] | None   # bank indexes; None when unanswered
    marked: bool
    struck: frozenset[int]
    correct: bool | None
    score: float | None
    time_spent_s: float
    flagged: bool = False

    @property
    def answered(self) -> bool:
        """Whether an answer has been given."""
        return self.selected is not None


@dataclass(frozen=True, slots=True)
class AttemptView:
    """An attempt with all its items."""

    id: int
    mode: QuizMode
    status: AttemptStatus
    started_at: datetime
    time_limit_s: int | None
    elapsed_s: float
    current_index: int
    items: tuple[ItemView, ...]
    pass_mark: float
    partial_credit: bool
    timed_out: bool = False
    changes: Changes = field(default_factory=Changes)  # starting or resuming: quizzes

    @property
    def remaining_s(self) -> float | None:
        """Seconds left on the clock (None when untimed)."""
        return remaining_seconds(self.time_limit_s, self.elapsed_s)


@dataclass(frozen=True, slots=True)
class AnswerFeedback:
    """What tutor mode shows after an answer."""

    correct: bool
    score: float
    rationale: str
    chosen_feedback: tuple[tuple[str, str], ...]  # (choice text, why it is right/wrong)
    correct_texts: tuple[str, ...]
    done: bool = False  # missed-review: every question mastered
    item: ItemView | None = None     # the question as it is now, answer included
    added: ItemView | None = None    # missed review: the next question, appended
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class Results:
    """A submitted attempt's results."""

    attempt: AttemptView
    score: float           # 0..1 of points
    earned: float
    total: int
    passed: bool
    by_topic: tuple[TopicScore, ...]
    unanswered: int
    timed_out: bool = False        # the exam submitted itself when time ran out
    changes: Changes = field(default_factory=Changes)   # what submitting changed
    scored: bool = True            # False: practice ended with nothing answered
    ended_early: bool = False      # practice: only the answered questions count (``total``)


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """A line in the attempt history."""

    id: int
    mode: QuizMode
    started_at: datetime
    finished_at: datetime | None
    questions: int
    score: float | None
    passed: bool | None
    remaining_s: float | None = None




@dataclass(frozen=True, slots=True)
class ItemUpdate:
    """What a change to one question of an attempt did: the question as it is now."""

    item: ItemView
    changes: Changes


@dataclass(frozen=True, slots=True)
class ClockSave:
    """The exam clock as stored by ``save_clock``, for the window's clock to take over.

    Attributes:
        remaining_s: Seconds left as stored; None when untimed or no longer running.
        changes: What saving changed (the attempt's time used).
    """

    remaining_s: float | None
    changes: Changes
