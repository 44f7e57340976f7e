"""Flashcard study: deck counts, the next card, answers, undo, bury/suspend/flag, cram.

Every answer is committed in its own transaction the moment it is given, so a crash or a
power cut loses nothing.

Choosing the next card needs today's counts of new and review cards answered (for the daily
limits). Counting them means reading every review log of the day, which took longer than the
rest of choosing, so the service counts once per study day and then keeps the counts in step
with its own answers; see :meth:`StudyService.next_card`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from mht_desktop.core.cards import (
    ALL_DECKS,
    Deck,
    DeckCounts,
    ExamPlan,
    Flag,
    Outcomes,
    Rating,
    StudyCard,
    becomes_leech,
    plan_for_exam,
    study_date,
    study_day_start,
)
from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.core.undo import UndoStack
from mht_desktop.scheduling import FsrsScheduler
from mht_desktop.storage import card_browser
from mht_desktop.storage import cards as repo
from mht_desktop.storage import profiles as profiles_repo
from mht_desktop.storage import quizzes as quiz_repo
from mht_desktop.storage.card_browser import BrowseQuery, CardRowView, ReviewEntry
from mht_desktop.storage.cards import TodayCounts
from mht_desktop.storage.database import Database
from mht_desktop.storage.statements import Work

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mht_desktop.services.outbox import Outbox

LEARN_AHEAD = timedelta(minutes=20)


def local_zone() -> tzinfo:
    """The computer's time zone (study days start at a local hour)."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


@dataclass(frozen=True, slots=True)
class QueueState:
    """What is left in the session, shown above the card."""

    new: int
    learning: int
    review: int


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What answering did."""

    changes: Changes
    became_leech: bool
    next_due: datetime
    leech_threshold: int = 8   # the learner's, for the message when ``became_leech``


@dataclass(frozen=True, slots=True)
class DeckOverview:
    """The deck list: counts per deck, today's limits and the exam plan."""

    decks: list[DeckCounts]
    plan: ExamPlan | None
    new_limit_left: int
    review_limit_left: int
    settings: LearnerSettings | None = None   # the limits and exam date the figures used


@dataclass(frozen=True, slots=True)
class _UndoPayload:
    kind: str
    card_id: int
    log_id: int | None = None
    before: dict[str, Any] | None = None


class StudyService:
    """Flashcard study for one learner.

    Args:
        db: The database.
        clock: The injected clock.
        profile_id: Who is studying.
        zone: Local time zone for the study-day boundary (the computer's by default).
        fuzz: Let FSRS spread intervals (off in tests for exact dates).
    """

    def __init__(self, db: Database, clock: Clock, profile_id: int, *,
                 zone: tzinfo | None = None, fuzz: bool = True,
                 outbox: Outbox | None = None) -> None:
        self._db = db
        self.outbox = outbox  # server mode: answers go through the offline outbox
        self._clock = clock
        self.profile_id = profile_id
        self._zone = zone or local_zone()
        self._fuzz = fuzz
        self.undo_stack: UndoStack[_UndoPayload] = UndoStack()
        self._settings: LearnerSettings | None = None
        self._scheduler: FsrsScheduler | None = None
        self._prepared = False
        # Today's counts and the study-day start they were counted from. Answers through this
        # service update them; undo, a new study day and reload() make it count again.
        self._today: tuple[datetime, TodayCounts] | None = None

    # -- settings ------------------------------------------------------------------------
    @property
    def settings(self) -> LearnerSettings:
        """The learner's settings (read once per service; call reload() after changes)."""
        if self._settings is None:
            with self._db.session() as s:
                self._settings = LearnerSettings.from_json(
                    profiles_repo.settings(s, self.profile_id))
        return self._settings

    @property
    def scheduler(self) -> FsrsScheduler:
        """FSRS configured from the learner's settings."""
        if self._scheduler is None:
            self._scheduler = FsrsScheduler(self.settings, fuzz=self._fuzz)
        return self._scheduler

    def reload(self) -> None:
        """Forget cached settings and today's counts (after the learner changed them)."""
        self._settings = None
        self._scheduler = None
        self._today = None  # the day boundary may have moved

    def _day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        start = study_day_start(now, self._zone, self.settings.day_starts_hour)
        return start, start + timedelta(days=1)

    def _today_counts(self, session: Session | Work, day_start: datetime) -> TodayCounts:
        """Today's counts: counted once per study day, then kept up to date by answer()."""
        if self._today is None or self._today[0] != day_start:
            self._today = (day_start, repo.today_counts(session, self.profile_id, day_start))
        return self._today[1]

    # -- overview ------------------------------------------------------------------------
    def prepare(self) -> Changes:
        """Create card rows for flashcards this learner has not seen (cheap when none)."""
        with self._db.session() as s:
            added = repo.sync_cards(s, self.profile_id, self._clock.now())
        self._prepared = True
        return Changes(cards=True) if added else Changes()

    def overview(self) -> DeckOverview:
        """Counts per deck, what today's limits still allow, and the exam plan."""
        self.prepare()
        now = self._clock.now()
        start, end = self._day_bounds(now)
        settings = self.settings
        with self._db.session() as s:
            decks = repo.deck_counts(s, self.profile_id, now=now, day_end=end)
            # Always count afresh here: the deck list is where the learner returns after
            # anything else changed (a bank removed takes its reviews with it).
            today = repo.today_counts(s, self.profile_id, start)
            remaining = repo.new_remaining(s, self.profile_id)
        self._today = (start, today)
        plan = None
        if settings.exam_date is not None:
            plan = plan_for_exam(today=study_date(now, self._zone, settings.day_starts_hour),
                                 exam_date=settings.exam_date, new_remaining=remaining,
                                 new_per_day=settings.new_per_day)
        return DeckOverview(decks, plan,
                            max(0, settings.new_per_day - today.new_introduced),
                            max(0, settings.reviews_per_day - today.reviews_done), settings)

    # -- the session ---------------------------------------------------------------------
    def next_card(self, deck: Deck = ALL_DECKS) -> StudyCard | None:
        """The card to show now, within today's limits; None when the session is done.

        Today's counts come from the service (kept in step with answer() and undo()) rather
        than a recount of the day's review logs on every card.
        """
        if not self._prepared:
            self.prepare()
        now = self._clock.now()
        start, end = self._day_bounds(now)
        settings = self.settings
        with self._db.work() as w:
            today = self._today_counts(w, start)
            return repo.next_card(
                w, self.profile_id, deck, now=now, day_end=end,
                new_left=settings.new_per_day - today.new_introduced,
                reviews_left=settings.reviews_per_day - today.reviews_done,
                learn_ahead_until=now + LEARN_AHEAD)

    def queue_state(self, deck: Deck = ALL_DECKS) -> QueueState:
        """Cards left today in this deck, with the daily limits applied."""
        now = self._clock.now()
        start, end = self._day_bounds(now)
        settings = self.settings
        with self._db.work() as w:
            today = self._today_counts(w, start)
            new, learning, review = repo.remaining_counts(
                w, self.profile_id, deck, now=now, day_end=end,
                new_cap=max(0, settings.new_per_day - today.new_introduced),
                review_cap=max(0, settings.reviews_per_day - today.reviews_done))
        return QueueState(new=new, learning=learning, review=review)

    def outcomes(self, card: StudyCard) -> Outcomes:
        """The card's four possible schedules, computed once (shown on the grade buttons).

        Pass them to :meth:`answer` so the schedule stored is the one whose interval the
        learner saw (FSRS's fuzz is drawn here, once).
        """
        return self.scheduler.outcomes(card.card_id, card.schedule, self._clock.now())

    @property
    def undo_label(self) -> str | None:
        """The name of the step Undo would take back (None when there is none).

        Read it on the lane, as the stack changes there.
        """
        return self.undo_stack.label if len(self.undo_stack) else None

    def answer(self, card: StudyCard, rating: Rating, *, outcomes: Outcomes | None = None,
               duration_ms: int = 0) -> AnswerResult:
        """Record an answer and reschedule the card, committed at once.

        Args:
            card: The card answered.
            rating: The button pressed.
            outcomes: What the buttons showed (:meth:`outcomes`); their schedule for
                ``rating`` is stored. Without them (or if they belong to another state of the
                card), the card is scheduled afresh.
            duration_ms: Time spent on the card.
        """
        now = self._clock.now()
        if outcomes is not None and outcomes.fits(card):
            after = outcomes.schedule(rating)
        else:
            after = self.scheduler.review(card.schedule, rating, now)
        threshold = self.settings.leech_threshold
        became_leech = becomes_leech(card, after, rating, threshold)
        leech = card.leech or became_leech
        duration_ms = max(0, min(duration_ms, 3_600_000))
        if self.outbox is not None:  # a program's server: kept locally first, then sent
            sent = self.outbox.record_review(
                card_id=card.card_id, profile_id=self.profile_id, after=after, rating=rating,
                now=now, duration_ms=duration_ms, leech=leech)
            if sent is None:  # waiting in the outbox: nothing on the server to undo yet
                return AnswerResult(Changes(cards=True, reviews=True), became_leech, after.due,
                                    threshold)
            saved = sent
        else:
            with self._db.work() as w:
                saved = repo.save_review(
                    w, card_id=card.card_id, profile_id=self.profile_id, after=after,
                    rating=rating, now=now, duration_ms=duration_ms, leech=leech)
        # Committed: count the answer in today's figures, as a recount would. An answer on
        # another study day than the counts (the day rolled over since the card was chosen)
        # drops them instead: a recount would include it if the clock were later set back.
        if self._today is not None:
            day_start, today = self._today
            if day_start == self._day_bounds(now)[0]:
                self._today = (day_start, today.after_answer(saved.state_before))
            else:
                self._today = None
        self.undo_stack.push("Undo answer", _UndoPayload("review", card.card_id, saved.log_id))
        return AnswerResult(Changes(cards=True, reviews=True), became_leech, after.due,
                            threshold)

    # -- bury, suspend, flag -------------------------------------------------------------
    def bury(self, card_id: int) -> Changes:
        """Hide a card until the next study day."""
        _, end = self._day_bounds(self._clock.now())
        return self._update("Undo bury", card_id, buried_until=end)

    def set_suspended(self, card_id: int, suspended: bool) -> Changes:
        """Take a card out of study (or put it back) until changed again."""
        label = "Undo suspend" if suspended else "Undo unsuspend"
        return self._update(label, card_id, suspended=suspended)

    def set_flag(self, card_id: int, flag: Flag) -> Changes:
        """Mark a card with a coloured flag (Flag.NONE removes it)."""
        return self._update("Undo flag", card_id, flag=int(flag))

    def reset(self, card_id: int) -> Changes:
        """Make a card new again (its review history is kept)."""
        with self._db.session() as s:
            before = repo.reset_card(s, card_id, self._clock.now())
        self.undo_stack.push("Undo reset", _UndoPayload("update", card_id, before=before))
        return Changes(cards=True)

    def _update(self, label: str, card_id: int, **values: Any) -> Changes:
        with self._db.session() as s:
            before = repo.update_card(s, card_id, **values)
        self.undo_stack.push(label, _UndoPayload("update", card_id, before=before))
        return Changes(cards=True)

    def undo(self) -> tuple[int | None, Changes]:
        """Undo the newest step; returns the card it concerned (to show it again)."""
        step = self.undo_stack.pop()
        if step is None:
            return None, Changes()
        payload = step.payload
        with self._db.session() as s:
            if payload.kind == "review" and payload.log_id is not None:
                repo.undo_review(s, payload.log_id)
                # Undo is rare: recount on the next card rather than reason about which day
                # and limit the deleted review counted towards.
                self._today = None
                return payload.card_id, Changes(cards=True, reviews=True)
            if payload.before is not None:
                repo.restore_card(s, payload.card_id, payload.before)
        return payload.card_id, Changes(cards=True)

    def card(self, card_id: int) -> StudyCard:
        """One card by id."""
        with self._db.work() as w:
            return repo.get_card(w, card_id)

    # -- cram, browser -------------------------------------------------------------------
    def cram_queue(self, deck: Deck, *, seed: int | None = None, limit: int = 200,
                   ) -> list[StudyCard]:
        """Cards to practise without touching any schedule, in a shuffled order."""
        with self._db.session() as s:
            cards = repo.cram_cards(s, self.profile_id, deck)
        random.Random(seed).shuffle(cards)
        return cards[:limit]

    def browse(self, query: BrowseQuery) -> list[CardRowView]:
        """Cards matching the browser's filters."""
        self.prepare()
        with self._db.session() as s:
            return card_browser.browse(s, self.profile_id, query)

    def topic_titles(self) -> dict[str, str]:
        """The readable title of every topic id (learners see titles, never ids)."""
        with self._db.session() as s:
            return quiz_repo.topic_titles(s)

    def history(self, card_id: int) -> list[ReviewEntry]:
        """A card's reviews, oldest first."""
        with self._db.session() as s:
            return card_browser.history(s, card_id)
