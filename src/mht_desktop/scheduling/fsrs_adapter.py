"""Translates between our card schedule and the ``fsrs`` package's Card and Scheduler."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import fsrs

from mht_desktop.core.cards import CardState, Rating, Schedule
from mht_desktop.core.settings import LearnerSettings

_TO_FSRS_STATE = {CardState.NEW: fsrs.State.Learning, CardState.LEARNING: fsrs.State.Learning,
                  CardState.REVIEW: fsrs.State.Review,
                  CardState.RELEARNING: fsrs.State.Relearning}
_FROM_FSRS_STATE = {fsrs.State.Learning: CardState.LEARNING, fsrs.State.Review: CardState.REVIEW,
                    fsrs.State.Relearning: CardState.RELEARNING}


class FsrsScheduler:
    """Schedules reviews with FSRS using a learner's settings.

    Args:
        settings: Desired retention, learning steps, maximum interval.
        fuzz: Spread review intervals a little (as Anki does) so cards learned together do
            not all fall due on the same day. Tests turn it off for exact dates.
    """

    def __init__(self, settings: LearnerSettings, *, fuzz: bool = True) -> None:
        self._scheduler = fsrs.Scheduler(
            desired_retention=settings.desired_retention,
            learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps_min),
            relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps_min),
            maximum_interval=settings.maximum_interval_days,
            enable_fuzzing=fuzz,
        )

    def review(self, schedule: Schedule, rating: Rating, now: datetime) -> Schedule:
        """The schedule after answering ``rating`` at ``now`` (the input is not changed)."""
        card, _log = self._scheduler.review_card(_to_fsrs(schedule), fsrs.Rating(int(rating)),
                                                 now.astimezone(UTC))
        lapses = schedule.lapses + (1 if schedule.state is CardState.REVIEW
                                    and rating is Rating.AGAIN else 0)
        return replace(
            schedule, state=_FROM_FSRS_STATE[card.state], due=card.due, step=card.step,
            stability=card.stability, difficulty=card.difficulty, last_review=card.last_review,
            reps=schedule.reps + 1, lapses=lapses)

    def preview(self, schedule: Schedule, now: datetime) -> dict[Rating, timedelta]:
        """How long until the card is due again for each button (shown on the buttons)."""
        return {rating: self.review(schedule, rating, now).due - now for rating in Rating}

    def retrievability(self, schedule: Schedule, now: datetime) -> float:
        """Predicted chance of recalling the card now (0 for cards never reviewed)."""
        if schedule.state is CardState.NEW:
            return 0.0
        return float(self._scheduler.get_card_retrievability(_to_fsrs(schedule),
                                                             now.astimezone(UTC)))


def _to_fsrs(schedule: Schedule) -> fsrs.Card:
    step = schedule.step
    if schedule.state in (CardState.NEW, CardState.LEARNING) and step is None:
        step = 0
    return fsrs.Card(
        card_id=1,  # fsrs sleeps 1 ms to mint an id when none is given; ours lives elsewhere
        state=_TO_FSRS_STATE[schedule.state], step=step,
        stability=schedule.stability, difficulty=schedule.difficulty,
        due=schedule.due.astimezone(UTC),
        last_review=schedule.last_review.astimezone(UTC) if schedule.last_review else None)
