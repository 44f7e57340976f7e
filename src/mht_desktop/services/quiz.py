"""Practice quizzes and timed exam simulations: starting, answering, the clock, results.

Which questions an attempt asks is in :mod:`~mht_desktop.services.quiz_building`; scoring
and storing one answer in :mod:`~mht_desktop.services.quiz_answers`.

Every answer is committed when given. An exam's clock runs only while the app is open: the
time used is saved with each answer (and by the window every few seconds), so an exam
interrupted by a crash or by quitting resumes with the time it had left.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mht_desktop.core.banks import Question, QuestionType
from mht_desktop.core.blueprints import blueprint_from_dict
from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import MhtError, ServerUnreachableError
from mht_desktop.core.quiz import (
    AttemptStatus,
    Blueprint,
    MissedReview,
    Pool,
    QuizMode,
    attempt_rng,
    remaining_seconds,
    score_answer,
    shuffled_order,
)
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.services import quiz_offline
from mht_desktop.services.quiz_answers import (
    answer_feedback,
    finish_attempt,
    item_view,
    store_answer,
)
from mht_desktop.services.quiz_away import AwayCopy, results_of
from mht_desktop.services.quiz_building import (
    choose_questions,
    default_blueprint,
    empty_pool_message,
)
from mht_desktop.services.quiz_missed import advance_missed, missed_state
from mht_desktop.services.quiz_types import (
    AnswerFeedback,
    AttemptSummary,
    AttemptView,
    ClockSave,
    ItemUpdate,
    ItemView,
    QuizConfig,
    QuizError,
    Results,
)
from mht_desktop.storage import banks as banks_repo
from mht_desktop.storage import profiles as profiles_repo
from mht_desktop.storage import quizzes as repo
from mht_desktop.storage.database import Database
from mht_desktop.storage.models import AttemptItemRow, QuizAttemptRow

if TYPE_CHECKING:
    from mht_desktop.services.outbox import Outbox


@dataclass
class _Clock:
    base: float
    since: datetime


@dataclass
class _Runtime:
    clocks: dict[int, _Clock] = field(default_factory=dict)
    missed: dict[int, MissedReview] = field(default_factory=dict)
    # Server mode: each attempt's partial-credit rule and questions by position, as last
    # shown, to score answers while the server cannot be reached (not missed-review mode,
    # whose next question comes from the server).
    shown: dict[int, tuple[bool, dict[int, Question]]] = field(default_factory=dict)
    # Server mode: each running attempt as last read, to carry on while the server is away.
    away: AwayCopy = field(default_factory=AwayCopy)


class QuizService:
    """Quizzes for one learner."""

    def __init__(self, db: Database, clock: Clock, profile_id: int, *,
                 blueprint: Blueprint | None = None, outbox: Outbox | None = None,
                 offline: bool = False) -> None:
        """Quizzes on ``db`` (the learner's file, the program's server, or its replica).

        With ``outbox`` (server mode) answers are kept there until the server has them;
        ``offline`` says ``db`` is the replica, and every attempt, answer and end is kept in
        the outbox for the server too (services/quiz_offline.py).
        """
        if offline and outbox is None:
            raise ValueError("studying offline needs the outbox")
        self._db = db
        self.outbox = outbox
        self._offline = offline
        self._clock = clock
        self.profile_id = profile_id
        self._blueprint = blueprint
        self._rt = _Runtime()

    @property
    def blueprint(self) -> Blueprint:
        """The exam blueprint in use."""
        if self._blueprint is None:
            self._blueprint = default_blueprint()
        return self._blueprint

    def blueprints(self) -> list[tuple[str | None, Blueprint]]:
        """The default blueprint and every enabled bank's own, for the builder to offer."""
        out: list[tuple[str | None, Blueprint]] = [(None, self.blueprint)]
        with self._db.session() as s:
            for bank_id, _title, data in banks_repo.blueprints(s):
                try:
                    out.append((bank_id, blueprint_from_dict(data, where=bank_id)))
                except MhtError:
                    continue  # validated on import; an old row that no longer parses is skipped
        return out

    def _blueprint_for(self, config: QuizConfig) -> Blueprint:
        if config.blueprint_bank is None:
            return self.blueprint
        for bank_id, blueprint in self.blueprints():
            if bank_id == config.blueprint_bank:
                return blueprint
        raise QuizError(f"The bank {config.blueprint_bank!r} has no exam blueprint.")

    def _settings(self) -> LearnerSettings:
        with self._db.session() as s:
            return LearnerSettings.from_json(profiles_repo.settings(s, self.profile_id))

    # -- building --------------------------------------------------------------------------
    def topics(self) -> list[tuple[str, str, int]]:
        """(topic id, title, questions) for the builder."""
        with self._db.session() as s:
            pool = repo.question_pool(s, self.profile_id, topics=None, difficulties=None,
                                      pool=Pool.ALL)
            titles = repo.topic_titles(s)
        counts: dict[str, int] = {}
        for entry in pool:
            counts[entry.topic] = counts.get(entry.topic, 0) + 1
        return sorted(((t, titles.get(t, t), n) for t, n in counts.items()),
                      key=lambda x: x[1])

    def start(self, config: QuizConfig) -> AttemptView:
        """Build a quiz, store it, and start its clock.

        Raises:
            QuizError: when no question matches the choices.
        """
        now = self._clock.now()
        seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        rng = random.Random(seed)
        settings = self._settings()
        with self._db.session() as s:
            pool = repo.question_pool(
                s, self.profile_id, topics=config.topics or None,
                difficulties=config.difficulties or None,
                pool=Pool.MISSED if config.mode is QuizMode.MISSED else config.pool)
            if not pool:
                raise QuizError(empty_pool_message(config))
            blueprint = self._blueprint_for(config) if config.mode is QuizMode.EXAM \
                else self.blueprint
            ids = choose_questions(s, self.profile_id, config, pool, rng, now, blueprint)
            questions = repo.load_questions(s, ids)
            items = [(qid, shuffled_order(questions[qid].choices, attempt_rng(seed, i)))
                     for i, qid in enumerate(ids)]
            time_limit = None
            if config.mode is QuizMode.EXAM:
                minutes = config.minutes or blueprint.minutes
                time_limit = minutes * 60
            elif config.minutes:
                time_limit = config.minutes * 60
            stored = {**config.to_json(), "pass_mark": settings.pass_mark,
                      "partial_credit": settings.partial_credit}
            if config.mode is QuizMode.MISSED:
                stored["queue"] = ids
                items = items[:1]
            attempt_id = repo.create_attempt(
                s, profile_id=self.profile_id, mode=config.mode.value, config=stored, seed=seed,
                now=now, time_limit_s=time_limit, items=items,
                uid=uuid.uuid4().hex if self._offline else None)
            if self._offline:  # kept for the server (under its own uid) before the replica
                made = repo.attempt_row(s, attempt_id)  # commits it
                self._keep(quiz_offline.ATTEMPT, quiz_offline.attempt_payload(
                    made, repo.item_rows(s, attempt_id)), made.uid)
        self._send_soon()
        if config.mode is QuizMode.MISSED:
            self._rt.missed[attempt_id] = MissedReview(list(ids))
        self._rt.clocks[attempt_id] = _Clock(0.0, now)
        return replace(self.view(attempt_id), changes=Changes(quizzes=True))

    # -- viewing ---------------------------------------------------------------------------
    def view(self, attempt_id: int) -> AttemptView:
        """The attempt as it stands (with the live clock)."""
        with self._db.session() as s:
            attempt = repo.attempt_row(s, attempt_id)
            items = repo.item_rows(s, attempt_id)
            questions = repo.load_questions(s, [i.question_id for i in items])
            flagged = repo.flagged_ids(s, self.profile_id)
            view = self._to_view(attempt, items, questions, flagged)
            if self.outbox is not None and not self._offline \
                    and view.status is AttemptStatus.IN_PROGRESS:
                self._rt.away.keep(view, repo.topic_titles(s))
            return view

    def _server_away(self, exc: ServerUnreachableError, attempt_id: int) -> None:
        """Re-raise ``exc`` unless this attempt can carry on without the server."""
        if self.outbox is None or self._offline or attempt_id not in self._rt.away.views:
            raise exc

    def _local_elapsed(self, attempt_id: int, saved: float = 0.0) -> float:
        clock = self._rt.clocks.get(attempt_id)
        if clock is None:
            return saved
        return clock.base + (self._clock.now() - clock.since).total_seconds()

    def _elapsed(self, attempt: QuizAttemptRow) -> float:
        clock = self._rt.clocks.get(attempt.id)
        if clock is None or attempt.status != AttemptStatus.IN_PROGRESS.value:
            return attempt.elapsed_s
        return clock.base + (self._clock.now() - clock.since).total_seconds()

    def _to_view(self, attempt: QuizAttemptRow, items: list[AttemptItemRow],
                 questions: dict[int, Question], flagged: set[int]) -> AttemptView:
        config = attempt.config or {}
        if self.outbox is not None and not self._offline \
                and attempt.mode != QuizMode.MISSED.value:
            self._rt.shown[attempt.id] = (bool(config.get("partial_credit", False)),
                                          {i.position: questions[i.question_id] for i in items})
        return AttemptView(
            id=attempt.id, mode=QuizMode(attempt.mode), status=AttemptStatus(attempt.status),
            started_at=attempt.started_at, time_limit_s=attempt.time_limit_s,
            elapsed_s=self._elapsed(attempt), current_index=attempt.current_index,
            items=tuple(item_view(i, questions[i.question_id], i.question_id in flagged)
                        for i in items),
            pass_mark=float(config.get("pass_mark", 0.70)),
            partial_credit=bool(config.get("partial_credit", False)),
            timed_out=bool(config.get("timed_out", False)))

    # -- answering -------------------------------------------------------------------------
    def answer(self, attempt_id: int, position: int, selected: frozenset[int], *,
               time_spent_s: float = 0.0) -> AnswerFeedback:
        """Record an answer (bank indexes), committed at once; returns tutor feedback.

        On a program's server the answer goes through the offline outbox: kept on this
        computer first, then sent; if the server cannot be reached, it is scored from the
        questions already on screen and the quiz (or exam) carries on.
        """
        now = self._clock.now()
        shown = self._rt.shown.get(attempt_id)
        if not self._offline and self.outbox is not None and shown is not None \
                and position in shown[1]:
            uid = self.outbox.keep_answer(attempt_id=attempt_id, position=position,
                                          selected=selected, now=now,
                                          time_spent_s=max(0.0, time_spent_s))
            stored = self.outbox.flush().get(uid)
            question, score = stored if stored is not None else (
                shown[1][position], score_answer(shown[1][position].type,
                                                 shown[1][position].choices, selected,
                                                 partial_credit=shown[0]))
            self._rt.away.answered(attempt_id, position, selected, score)
            return answer_feedback(question, selected, score, False)
        answer_uid = uuid.uuid4().hex if self._offline else None
        with self._db.session() as s:
            question, score = store_answer(s, attempt_id, position, selected, now=now,
                                           time_spent_s=time_spent_s, uid=answer_uid)
            attempt = repo.attempt_row(s, attempt_id)
            attempt.elapsed_s = self._elapsed(attempt)
            done, added = False, None
            row = repo.item_row(s, attempt_id, position)
            if answer_uid is not None:
                self._keep(quiz_offline.ANSWER, quiz_offline.answer_payload(
                    attempt, row, selected, now=now, time_spent_s=time_spent_s), answer_uid)
            if attempt.mode == QuizMode.MISSED.value:
                review = missed_state(s, attempt, self._rt.missed)
                done, added = advance_missed(s, attempt, review, row.question_id,
                                             score >= 1.0, self.profile_id)
            flagged = row.question_id in repo.flagged_ids(s, self.profile_id)
            updated = item_view(row, question, flagged)
        self._send_soon()
        return replace(answer_feedback(question, selected, score, done), item=updated, added=added,
                       changes=Changes(quizzes=True))

    def _keep(self, kind: str, payload: dict[str, Any], uid: str | None = None) -> None:
        assert self.outbox is not None  # offline implies an outbox (see __init__)
        self.outbox.keep(kind, payload, uid)

    def _send_soon(self) -> None:
        if self._offline and self.outbox is not None:
            self.outbox.try_send()  # the server may be back: what waits goes now

    def set_marked(self, attempt_id: int, position: int, marked: bool) -> ItemUpdate:
        """Mark a question for review (here only while the server is away, as offline)."""
        try:
            with self._db.session() as s:
                row = repo.item_row(s, attempt_id, position)
                row.marked = marked
                return self._item_update(s, row)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)
            return ItemUpdate(self._rt.away.change(attempt_id, position, marked=marked),
                              Changes())

    def set_struck(self, attempt_id: int, position: int, struck: frozenset[int]) -> ItemUpdate:
        """Remember which choices the learner struck out (here only, with the server away)."""
        try:
            with self._db.session() as s:
                row = repo.item_row(s, attempt_id, position)
                row.struck = sorted(struck)
                return self._item_update(s, row)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)
            return ItemUpdate(self._rt.away.change(attempt_id, position, struck=struck),
                              Changes())

    def _item_update(self, s: Any, row: AttemptItemRow) -> ItemUpdate:
        question = repo.load_questions(s, [row.question_id])[row.question_id]
        flagged = row.question_id in repo.flagged_ids(s, self.profile_id)
        return ItemUpdate(item_view(row, question, flagged), Changes(quizzes=True))

    def go_to(self, attempt_id: int, position: int) -> Changes:
        """Remember where the learner is (and save the clock)."""
        try:
            with self._db.session() as s:
                attempt = repo.attempt_row(s, attempt_id)
                attempt.current_index = position
                attempt.elapsed_s = self._elapsed(attempt)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)  # the time goes with the submission
            return Changes()
        return Changes(quizzes=True)

    def toggle_flag(self, question_id: int, flagged: bool) -> Changes:
        """Flag a question to come back to (with the server away: on screen, this sitting)."""
        try:
            with self._db.session() as s:
                repo.set_flag(s, self.profile_id, question_id, flagged, self._clock.now())
        except ServerUnreachableError:
            if self.outbox is None or self._offline or not self._rt.away.flag(question_id,
                                                                               flagged):
                raise
            return Changes()
        return Changes(quizzes=True)

    # -- clock -----------------------------------------------------------------------------
    def resume(self, attempt_id: int) -> AttemptView:
        """Start the clock again for an interrupted attempt (it stood still while closed)."""
        with self._db.session() as s:
            attempt = repo.attempt_row(s, attempt_id)
            if attempt.status != AttemptStatus.IN_PROGRESS.value:
                raise QuizError("That quiz is already finished.")
            self._rt.clocks[attempt_id] = _Clock(attempt.elapsed_s, self._clock.now())
            repo.abandon_others(s, self.profile_id, attempt_id)
        return replace(self.view(attempt_id), changes=Changes(quizzes=True))

    def pause(self, attempt_id: int) -> Changes:
        """Save the time used and stop the clock (quitting, switching learner)."""
        try:
            with self._db.session() as s:
                attempt = repo.attempt_row(s, attempt_id)
                if attempt.status == AttemptStatus.IN_PROGRESS.value:
                    attempt.elapsed_s = self._elapsed(attempt)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)  # answers sent later carry their clock
        self._rt.clocks.pop(attempt_id, None)
        return Changes(quizzes=True)

    def save_clock(self, attempt_id: int) -> ClockSave:
        """Persist the time used so far (called periodically by the window's exam clock).

        Returns:
            The seconds left as stored, for the window's clock to take over (None when the
            attempt is untimed or no longer running), and what changed. With the server
            away, the time left by this computer's clock (nothing is saved).
        """
        try:
            return self._save_clock(attempt_id)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)
            limit = self._rt.away.limit(attempt_id)
            left = None if limit is None else max(0.0, limit - self._local_elapsed(attempt_id))
            return ClockSave(left, Changes())

    def _save_clock(self, attempt_id: int) -> ClockSave:
        with self._db.session() as s:
            attempt = repo.attempt_row(s, attempt_id)
            if attempt.status != AttemptStatus.IN_PROGRESS.value:
                return ClockSave(None, Changes())
            attempt.elapsed_s = self._elapsed(attempt)
            if attempt.time_limit_s is None:
                return ClockSave(None, Changes(quizzes=True))
            return ClockSave(max(0.0, attempt.time_limit_s - attempt.elapsed_s),
                             Changes(quizzes=True))

    def check_time(self, attempt_id: int) -> Results | None:
        """Submit the exam automatically when its time is up; None while time remains."""
        try:
            view = self.view(attempt_id)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)
            view = replace(self._rt.away.views[attempt_id],
                           elapsed_s=self._local_elapsed(attempt_id))
        if view.status is AttemptStatus.IN_PROGRESS and view.remaining_s is not None \
                and view.remaining_s <= 0:
            return self.submit(attempt_id, timed_out=True)
        return None

    # -- finishing -------------------------------------------------------------------------
    def submit(self, attempt_id: int, *, timed_out: bool = False) -> Results:
        """Finish the attempt and score it (unanswered questions score 0).

        With the server away (an attempt it showed on this run), the submission waits in the
        outbox behind the answers, and the results are worked out here (services/quiz_away.py).
        """
        now = self._clock.now()
        try:
            return self._submit(attempt_id, now, timed_out)
        except ServerUnreachableError as exc:
            self._server_away(exc, attempt_id)
            saved = self._rt.away.views[attempt_id].elapsed_s
            kept = self._rt.away.submit(attempt_id, timed_out=timed_out, now=now,
                                        elapsed_s=self._local_elapsed(attempt_id, saved))
            assert kept is not None and self.outbox is not None  # see _server_away
            self.outbox.keep(quiz_offline.ATTEMPT_END, kept[0])
            self._rt.clocks.pop(attempt_id, None)
            return replace(kept[1], changes=Changes(quizzes=True, reviews=True))

    def _submit(self, attempt_id: int, now: datetime, timed_out: bool) -> Results:
        with self._db.session() as s:
            attempt = repo.attempt_row(s, attempt_id)
            if attempt.status == AttemptStatus.IN_PROGRESS.value:
                finish_attempt(s, attempt, now=now, elapsed_s=self._elapsed(attempt),
                               timed_out=timed_out)
                if self._offline:
                    self._keep(quiz_offline.ATTEMPT_END,
                               quiz_offline.end_payload(attempt, submitted=True, now=now))
        self._send_soon()
        self._rt.clocks.pop(attempt_id, None)
        return replace(self.results(attempt_id), changes=Changes(quizzes=True, reviews=True))

    def abandon(self, attempt_id: int) -> Changes:
        """Give up an unfinished attempt (its answers stay in the history)."""
        with self._db.session() as s:
            attempt = repo.attempt_row(s, attempt_id)
            if attempt.status == AttemptStatus.IN_PROGRESS.value:
                attempt.status = AttemptStatus.ABANDONED.value
                attempt.elapsed_s = self._elapsed(attempt)
                if self._offline:
                    self._keep(quiz_offline.ATTEMPT_END, quiz_offline.end_payload(
                        attempt, submitted=False, now=self._clock.now()))
        self._rt.clocks.pop(attempt_id, None)
        self._send_soon()
        return Changes(quizzes=True)

    def results(self, attempt_id: int) -> Results:
        """Score, pass/fail and per-topic breakdown of an attempt."""
        view = self.view(attempt_id)
        with self._db.session() as s:
            titles = repo.topic_titles(s)
        return results_of(view, titles)

    def history(self) -> list[AttemptSummary]:
        """Finished attempts, newest first."""
        with self._db.session() as s:
            rows = repo.attempts(s, self.profile_id)
            counts = repo.item_counts(s, [r.id for r in rows])
        return [AttemptSummary(r.id, QuizMode(r.mode), r.started_at, r.finished_at,
                               counts.get(r.id, 0), r.score, r.passed) for r in rows]

    def resumable(self) -> AttemptSummary | None:
        """The newest unfinished attempt, if any (offered at start-up)."""
        with self._db.session() as s:
            rows = repo.in_progress(s, self.profile_id)
            if not rows:
                return None
            r = rows[0]
            count = repo.item_counts(s, [r.id]).get(r.id, 0)
            return AttemptSummary(r.id, QuizMode(r.mode), r.started_at, None, count, None,
                                  None, remaining_seconds(r.time_limit_s, r.elapsed_s))


__all__ = ["AnswerFeedback", "AttemptSummary", "AttemptView", "ClockSave", "ItemUpdate",
           "ItemView",
           "QuestionType", "QuizConfig", "QuizError", "QuizService", "Results",
           "default_blueprint", "store_answer"]
