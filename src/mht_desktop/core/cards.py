"""Flashcard study: card states, ratings, daily limits, the study day and exam planning."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import IntEnum


class CardState(IntEnum):
    """Where a card is in its life (values are stored; never renumber)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(IntEnum):
    """The four answer buttons (keys 1–4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Flag(IntEnum):
    """Coloured flags a learner can put on a card."""

    NONE = 0
    RED = 1
    ORANGE = 2
    GREEN = 3
    BLUE = 4


@dataclass(frozen=True, slots=True)
class Schedule:
    """A card's scheduling state (what FSRS needs, plus counters)."""

    state: CardState
    due: datetime
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True, slots=True)
class StudyCard:
    """A card ready to show: its text and its schedule."""

    card_id: int
    flashcard_id: int
    bank_id: str
    topic_id: str
    front: str
    back: str
    source: str
    tags: tuple[str, ...]
    schedule: Schedule
    flag: Flag = Flag.NONE
    suspended: bool = False
    leech: bool = False
    reviewed: date | None = None     # when the card was last checked against its source
    review_due: date | None = None   # when it must be checked again


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The four schedules a card can have after this answer, computed once when shown.

    After Anki's "scheduling states": the grade buttons show these intervals and the answer
    commits the schedule of the button pressed, so with fuzz on the stored interval is the
    one the learner saw.

    Attributes:
        card_id: The card they belong to.
        shown_at: When they were computed (the intervals count from here).
        before: The schedule they were computed from.
        after: ``(rating, schedule)`` for each of the four buttons.
    """

    card_id: int
    shown_at: datetime
    before: Schedule
    after: tuple[tuple[Rating, Schedule], ...]

    def schedule(self, rating: Rating) -> Schedule:
        """The schedule answering ``rating`` gives."""
        for candidate, schedule in self.after:
            if candidate is rating:
                return schedule
        raise KeyError(rating)

    def interval(self, rating: Rating) -> timedelta:
        """How long until the card is due again after ``rating`` (shown on the button)."""
        return self.schedule(rating).due - self.shown_at

    def fits(self, card: StudyCard) -> bool:
        """Whether these outcomes were computed for ``card`` as it is now."""
        return self.card_id == card.card_id and self.before == card.schedule


def becomes_leech(card: StudyCard, after: Schedule, rating: Rating, threshold: int) -> bool:
    """Whether this answer makes the card a leech (the learner's ``threshold`` of lapses).

    A card becomes a leech once, on the Again that brings its lapses to the threshold; it
    stays one until the learner resets it.
    """
    return (not card.leech and rating is Rating.AGAIN and after.lapses > card.schedule.lapses
            and after.lapses >= threshold)


def leech_message(threshold: int) -> str:
    """What the learner is told when a card becomes a leech."""
    return (f"This card has lapsed {threshold} times and is now tagged “leech”. Try rewriting "
            "it in your own words or breaking it into smaller facts.")


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """New, learning and due counts for one deck (a bank, or a topic in a bank)."""

    bank_id: str
    topic_id: str | None
    title: str
    new: int
    learning: int
    due: int
    total: int


@dataclass(frozen=True, slots=True)
class Deck:
    """Which cards a study session draws from; None means every enabled bank."""

    bank_id: str | None = None
    topic_id: str | None = None


ALL_DECKS = Deck()


def study_day_start(now: datetime, local_zone: tzinfo, starts_hour: int) -> datetime:
    """The moment the current study day began, in UTC.

    A study day runs from ``starts_hour`` local time (4 AM by default, like Anki) to the same
    hour the next day, so a session after midnight still counts as "today".
    """
    local = now.astimezone(local_zone)
    start = datetime.combine(local.date(), time(starts_hour), tzinfo=local_zone)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(now.tzinfo)


def study_date(now: datetime, local_zone: tzinfo, starts_hour: int) -> date:
    """The calendar date of the current study day."""
    return study_day_start(now, local_zone, starts_hour).astimezone(local_zone).date()


@dataclass(frozen=True, slots=True)
class ExamPlan:
    """Whether every new card will be introduced a week before the exam."""

    exam_date: date
    days_left: int
    new_remaining: int
    new_per_day: int
    finish_date: date | None
    on_track: bool
    suggested_new_per_day: int | None

    def message(self) -> str:
        """One sentence for the deck list."""
        if self.days_left < 0:
            return f"Your exam date ({self.exam_date:%d %b %Y}) has passed."
        if self.new_remaining == 0:
            return (f"Exam in {self.days_left} day(s): every card has been introduced. "
                    "Keep up your reviews.")
        if self.on_track and self.finish_date is not None:
            return (f"Exam in {self.days_left} day(s): on track — all {self.new_remaining} new "
                    f"cards introduced by {self.finish_date:%d %b}.")
        if self.suggested_new_per_day is None:
            return (f"Exam in {self.days_left} day(s): too close to introduce "
                    f"{self.new_remaining} new cards a week ahead. Focus on what you know and "
                    "on your weakest topics.")
        return (f"Exam in {self.days_left} day(s): behind. Raise new cards per day from "
                f"{self.new_per_day} to {self.suggested_new_per_day} to finish a week before.")


BUFFER_DAYS = 7


def plan_for_exam(*, today: date, exam_date: date, new_remaining: int,
                  new_per_day: int) -> ExamPlan:
    """Check the exam-date goal: all new cards introduced at least a week before the exam.

    Args:
        today: The current study date.
        exam_date: The learner's exam date.
        new_remaining: New cards not yet introduced.
        new_per_day: The current daily new-card limit.

    Returns:
        The plan, with the smallest daily limit that meets the goal when it is not met.
    """
    days_left = (exam_date - today).days
    # Days on which new cards can still be introduced, today included.
    intro_days = days_left - BUFFER_DAYS + 1
    if new_remaining == 0:
        return ExamPlan(exam_date, days_left, 0, new_per_day, today, True, None)
    days_needed = math.ceil(new_remaining / new_per_day) if new_per_day > 0 else None
    finish = today + timedelta(days=days_needed - 1) if days_needed else None
    on_track = days_needed is not None and days_needed <= intro_days
    suggested = math.ceil(new_remaining / intro_days) if intro_days > 0 else None
    return ExamPlan(exam_date, days_left, new_remaining, new_per_day, finish, on_track,
                    None if on_track else suggested)


def format_interval(delta: timedelta) -> str:
    """A short interval for the answer buttons: ``<1m``, ``10m``, ``3h``, ``4d``, ``2.1mo``."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
