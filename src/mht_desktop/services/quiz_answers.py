"""Scoring and storing one answer, and what a screen is shown of an item.

Shared by the quiz service and the offline outbox (which stores answers kept while a
program's server could not be reached), so an answer is scored one way wherever it lands.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mht_desktop.core.banks import Question
from mht_desktop.core.quiz import AttemptStatus, QuizMode, attempt_score, score_answer
from mht_desktop.services.quiz_types import AnswerFeedback, ItemView, QuizError
from mht_desktop.storage import quizzes as repo
from mht_desktop.storage.models import AttemptItemRow, QuizAttemptRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def store_answer(session: Session, attempt_id: int, position: int, selected: frozenset[int], *,
                 now: datetime, time_spent_s: float,
                 uid: str | None = None) -> tuple[Question, float]:
    """Score and store an answer in the caller's transaction (the app's and the outbox's).

    Raises:
        QuizError: the quiz is already finished.
    """
    attempt = repo.attempt_row(session, attempt_id)
    item = repo.item_row(session, attempt_id, position)
    question = repo.load_questions(session, [item.question_id])[item.question_id]
    partial = bool((attempt.config or {}).get("partial_credit", False))
    score = score_answer(question.type, question.choices, selected, partial_credit=partial)
    if uid is not None and item.answer_uid == uid:
        return question, score  # sent before: the server already has this very answer
    if attempt.status != AttemptStatus.IN_PROGRESS.value:
        raise QuizError("This quiz is already finished.")
    item.selected = sorted(selected)
    item.score = score
    item.correct = score >= 1.0
    item.answered_at = now
    item.time_spent_s = item.time_spent_s + max(0.0, time_spent_s)
    item.answer_uid = uid
    return question, score


def finish_attempt(session: Session, attempt: QuizAttemptRow, *, now: datetime,
                   elapsed_s: float, timed_out: bool) -> None:
    """Submit and score an attempt in the caller's transaction (the app's and the outbox's).

    Unanswered questions score 0 in an exam; practice with nothing answered is not an attempt
    (it is marked abandoned). An attempt already finished is left as it is, so an end sent
    twice by the outbox changes nothing the second time.
    """
    if attempt.status != AttemptStatus.IN_PROGRESS.value:
        return
    if attempt.time_limit_s is not None:
        elapsed_s = min(elapsed_s, float(attempt.time_limit_s))
    attempt.elapsed_s = elapsed_s
    attempt.status = AttemptStatus.SUBMITTED.value
    attempt.finished_at = now
    config = dict(attempt.config or {})
    config["timed_out"] = timed_out
    attempt.config = config
    items = repo.item_rows(session, attempt.id)
    scored = attempt_score(QuizMode(attempt.mode), [
        (i.score or 0.0) if i.answered_at is not None else None for i in items])
    if scored.score is None:  # practice with nothing answered: not an attempt
        attempt.status = AttemptStatus.ABANDONED.value
        attempt.score = attempt.passed = None
    else:
        attempt.score = scored.score
        attempt.passed = scored.score >= float(config.get("pass_mark", 0.70))


def item_view(row: AttemptItemRow, question: Question, flagged: bool) -> ItemView:
    """What a screen shows of one stored item."""
    return ItemView(
        position=row.position, question_id=row.question_id, question=question,
        order=tuple(row.choice_order),
        selected=None if row.selected is None else frozenset(row.selected),
        marked=row.marked, struck=frozenset(row.struck or ()), correct=row.correct,
        score=row.score, time_spent_s=row.time_spent_s, flagged=flagged)


def answer_feedback(question: Question, selected: frozenset[int], score: float,
                    done: bool) -> AnswerFeedback:
    """Tutor feedback on an answer: the choices picked, their feedback, the right answers."""
    chosen = tuple((question.choices[i].text,
                    question.choices[i].feedback or ("Correct." if question.choices[i].correct
                                                     else "Not correct."))
                   for i in sorted(selected))
    return AnswerFeedback(
        correct=score >= 1.0, score=score, rationale=question.rationale,
        chosen_feedback=chosen,
        correct_texts=tuple(c.text for c in question.choices if c.correct), done=done)
