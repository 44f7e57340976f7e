"""Every call into the ``fsrs`` package goes through here: schedules, outcomes, curves.

Parameters: :class:`FsrsScheduler` and :func:`forgetting_curve` use FSRS's default
parameters unless given others (for example ones fitted to a learner's own reviews by an
optimizer in this package); the two must be given the same ones, so the Progress view's
retention and the scheduler's intervals agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs

from mht_desktop.core.cards import CardState, Outcomes, Rating, Schedule
from mht_desktop.core.settings import LearnerSettings

_TO_FSRS_STATE = {CardState.NEW: fsrs.State.Learning, CardState.LEARNING: fsrs.State.Learning,
                  CardState.REVIEW: fsrs.State.Review,
                  CardState.RELEARNING: fsrs.State.Relearning}
_FROM_FSRS_STATE = {fsrs.State.Learning: CardState.LEARNING, fsrs.State.Review: CardState.REVIEW,
                    fsrs.State.Relearning: CardState.RELEARNING}
_TO_FSRS_RATING = {rating: fsrs.Rating(int(rating)) for rating in Rating}
DECAY_PARAMETER = 20        # FSRS-6: the forgetting curve's decay is parameters[20]


def default_parameters() -> tuple[float, ...]:
    """FSRS's default parameters (what every learner starts with)."""
    return tuple(float(p) for p in fsrs.Scheduler().parameters)


@dataclass(frozen=True, slots=True)
class ForgettingCurve:
    """FSRS-6's curve: recall after ``t`` days is ``(1 + factor · t / stability) ** decay``.

    Storage evaluates the same formula in SQL for whole decks at once (see
    ``storage.stats.card_topic_days``), with these two numbers.
    """

    decay: float      # negative
    factor: float     # 0.9 ** (1 / decay) - 1, so that recall is 90% when t = stability

    def retrievability(self, elapsed_days: float, stability: float) -> float:
        """Predicted chance of recall ``elapsed_days`` after the last review."""
        return float((1.0 + self.factor * max(0.0, elapsed_days) / stability) ** self.decay)


def forgetting_curve(parameters: Sequence[float] | None = None) -> ForgettingCurve:
    """The curve for ``parameters`` (FSRS's defaults when None)."""
    params = tuple(parameters) if parameters is not None else default_parameters()
    decay = -float(params[DECAY_PARAMETER])
    return ForgettingCurve(decay, 0.9 ** (1.0 / decay) - 1.0)


def accepts_parameters(parameters: tuple[float, ...]) -> str | None:
    """None when the scheduler takes ``parameters``; otherwise why not."""
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError as exc:  # fsrs range-checks each parameter
        return str(exc)
    return None


class FsrsScheduler:
    """Schedules reviews with FSRS using a learner's settings.

    Args:
        settings: Desired retention, learning steps, maximum interval, and the learner's
            fitted FSRS parameters when they chose to apply them (see ``optimizer``).
        fuzz: Spread review intervals a little (as Anki does) so cards learned together do
            not all fall due on the same day. Tests turn it off for exact dates.
        parameters: FSRS's model parameters (its defaults when None; fitted ones when an
            optimizer has produced them).
    """

    def __init__(self, settings: LearnerSettings, *, fuzz: bool = True,
                 parameters: Sequence[float] | None = None) -> None:
        self.parameters = (tuple(parameters) if parameters is not None
                           else settings.fsrs_parameters or default_parameters())
        self._scheduler = fsrs.Scheduler(
            parameters=self.parameters,
            desired_retention=settings.desired_retention,
            learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps_min),
            relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps_min),
            maximum_interval=settings.maximum_interval_days,
            enable_fuzzing=fuzz,
        )
        self.curve = forgetting_curve(self.parameters)

    def review(self, schedule: Schedule, rating: Rating, now: datetime) -> Schedule:
        """The schedule after answering ``rating`` at ``now`` (the input is not changed).

        With fuzz on, each call draws its own fuzz: to show intervals and then commit the one
        shown, use :meth:`outcomes` once and commit its schedule.
        """
        return self._review(_to_fsrs(schedule), schedule, rating, now.astimezone(UTC))

    def _review(self, card: fsrs.Card, schedule: Schedule, rating: Rating,
                now: datetime) -> Schedule:
        # review_card copies the card it is given, so one fsrs.Card serves all four ratings.
        after, _log = self._scheduler.review_card(card, _TO_FSRS_RATING[rating], now)
        lapses = schedule.lapses + (1 if schedule.state is CardState.REVIEW
                                    and rating is Rating.AGAIN else 0)
        return Schedule(state=_FROM_FSRS_STATE[after.state], due=after.due, step=after.step,
                        stability=after.stability, difficulty=after.difficulty,
                        last_review=after.last_review, reps=schedule.reps + 1, lapses=lapses)

    def outcomes(self, card_id: int, schedule: Schedule, now: datetime) -> Outcomes:
        """The four schedules the card can have, computed once (Anki's "states").

        The grade buttons show these intervals and the answer commits the one chosen, so
        what the learner saw is what is stored, fuzz and all.
        """
        card, at = _to_fsrs(schedule), now.astimezone(UTC)
        return Outcomes(card_id, now, schedule,
                        tuple((rating, self._review(card, schedule, rating, at))
                              for rating in Rating))

    def preview(self, schedule: Schedule, now: datetime) -> dict[Rating, timedelta]:
        """How long until the card is due again for each button."""
        outcomes = self.outcomes(0, schedule, now)
        return {rating: outcomes.interval(rating) for rating in Rating}

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
