"""A learner with a known study history, shared by the progress and report tests.

History (all UTC, the test clock's zone): flashcard reviews on 21 Nov 2025 and on 3, 4 and 5
January 2026; a two-question practice quiz on privacy on 4 January (one wrong); a
three-question exam on 5 January (all right). The clock then stands at 5 January, 12:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService
from mht_desktop.services.stats import StatsService
from mht_desktop.services.study import StudyService
from mht_desktop.storage.card_browser import BrowseQuery

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
TODAY = date(2026, 1, 5)


@dataclass
class Learner:
    """A learner with a known history (see ``history``)."""

    ctx: AppContext
    clock: FixedClock
    profile_id: int
    study: StudyService
    quiz: QuizService
    cards: dict[str, int]  # topic → card id

    def stats(self, **kwargs: object) -> StatsService:
        return StatsService(self.ctx.db, self.clock, self.profile_id, zone=UTC,
                            use_blueprint=False, **kwargs)  # type: ignore[arg-type]


def new_learner(ctx: AppContext, clock: FixedClock, sample_bank_file: Path,
                name: str = "Ana") -> Learner:
    """A learner with no history yet, on the sample bank."""
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create(name)
    study = StudyService(ctx.db, clock, profile.id, zone=UTC, fuzz=False)
    study.prepare()
    cards = {row.topic_id: row.card_id for row in study.browse(BrowseQuery())}
    return Learner(ctx, clock, profile.id, study, QuizService(ctx.db, clock, profile.id), cards)


def review(who: Learner, when: datetime, topic: str, rating: Rating, ms: int) -> None:
    who.clock.current = when
    who.study.answer(who.study.card(who.cards[topic]), rating, duration_ms=ms)


def take_quiz(who: Learner, when: datetime, config: QuizConfig, wrong: set[str],
          seconds: float) -> None:
    who.clock.current = when
    view = who.quiz.start(config)
    for item in view.items:
        right = frozenset(item.question.correct_indexes)
        choice = right if item.question.id not in wrong else frozenset(
            {next(i for i in range(len(item.question.choices)) if i not in right)})
        who.quiz.answer(view.id, item.position, choice, time_spent_s=seconds)
    who.quiz.submit(view.id)


def add_history(learner: Learner) -> Learner:
    """Reviews on 21 Nov, 3, 4 and 5 Jan; a practice quiz on 4 Jan; an exam on 5 Jan."""
    review(learner, datetime(2025, 11, 21, 10, tzinfo=UTC), "safety", Rating.GOOD, 6000)
    review(learner, datetime(2026, 1, 3, 10, tzinfo=UTC), "safety", Rating.GOOD, 10000)
    review(learner, datetime(2026, 1, 4, 10, tzinfo=UTC), "privacy", Rating.AGAIN, 5000)
    take_quiz(learner, datetime(2026, 1, 4, 10, 5, tzinfo=UTC),
          QuizConfig(mode=QuizMode.TUTOR, count=2, topics=("privacy",), seed=1),
          wrong={"s-q2"}, seconds=25)
    take_quiz(learner, datetime(2026, 1, 5, 9, tzinfo=UTC),
          QuizConfig(mode=QuizMode.EXAM, count=3, seed=2), wrong=set(), seconds=10)
    review(learner, datetime(2026, 1, 5, 11, tzinfo=UTC), "safety", Rating.GOOD, 8000)
    learner.clock.current = NOW
    return learner


