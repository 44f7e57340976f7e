"""Missed-question review: each question answered wrong is asked again until right twice.

The queue is stored with the attempt (``config["queue"]``); which question comes next is
:class:`~mht_desktop.core.quiz.MissedReview`, rebuilt from the answers given so far when an
attempt is resumed after a restart. Each next question is appended to the attempt as asked.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mht_desktop.core.quiz import MissedReview, attempt_rng, shuffled_order
from mht_desktop.services.quiz_answers import item_view
from mht_desktop.services.quiz_types import ItemView
from mht_desktop.storage import quizzes as repo
from mht_desktop.storage.models import QuizAttemptRow


def advance_missed(s: Session, attempt: QuizAttemptRow, review: MissedReview,
                   question_id: int, correct: bool,
                   profile_id: int) -> tuple[bool, ItemView | None]:
    """Record the answer; (all mastered, the next question appended or None)."""
    review.record(question_id, correct)
    nxt = review.current()
    if nxt is None:
        return True, None
    question = repo.load_questions(s, [nxt])[nxt]
    position = repo.add_item(s, attempt.id, nxt, [])
    order = shuffled_order(question.choices, attempt_rng(attempt.seed, position))
    row = repo.item_row(s, attempt.id, position)
    row.choice_order = order
    attempt.current_index = position
    return False, item_view(row, question, nxt in repo.flagged_ids(s, profile_id))


def missed_state(s: Session, attempt: QuizAttemptRow,
                 running: dict[int, MissedReview]) -> MissedReview:
    """The attempt's review, from ``running`` or (resumed after a restart) its answers."""
    review = running.get(attempt.id)
    if review is None:  # resumed after a restart: replay the answers given so far
        review = MissedReview(list((attempt.config or {}).get("queue", [])))
        for item in repo.item_rows(s, attempt.id):
            if item.answered_at is not None and review.current() == item.question_id:
                review.record(item.question_id, bool(item.correct))
        running[attempt.id] = review
    return review
