"""Ending practice early never records a scored "0 % — not passed" attempt.

Through the real quiz service on SQLite: a missed-question review ended with its next
question still open, a tutor quiz ended after two of five answers, a session ended with
nothing answered, and (unchanged) an exam, where unanswered questions score zero.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.services.test_quiz_service import BLUEPRINT, _bank, _right, _wrong

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.quiz import QuizMode, attempt_score
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService


@pytest.fixture
def quiz(ctx: AppContext, tmp_path: Path, clock: FixedClock) -> QuizService:
    ctx.banks.import_file_now(_bank(tmp_path, per_topic=6))
    profile, _ = ctx.profiles.create("Ana")
    return QuizService(ctx.db, clock, profile.id, blueprint=BLUEPRINT)


def _history_scores(quiz: QuizService) -> list[tuple[QuizMode, float | None]]:
    return [(a.mode, a.score) for a in quiz.history()]


def test_a_missed_review_ended_early_counts_only_what_was_answered(quiz: QuizService) -> None:
    first = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=3, seed=4))
    for item in first.items:
        quiz.answer(first.id, item.position, _wrong(item))
    quiz.submit(first.id)
    review = quiz.start(QuizConfig(mode=QuizMode.MISSED, count=0, seed=1))
    current = quiz.view(review.id).items[-1]
    quiz.answer(review.id, current.position, _right(current))   # one right, next one opens
    assert not quiz.view(review.id).items[-1].answered
    results = quiz.submit(review.id)
    assert results.scored and results.ended_early
    assert (results.earned, results.total, results.score) == (1.0, 1, 1.0)
    listed = {a.id: (a.mode, a.score) for a in quiz.history()}
    assert listed[review.id] == (QuizMode.MISSED, 1.0)   # not 0 %, not "not passed"
    assert quiz.results(review.id).score == 1.0                  # the same when reopened


def test_a_tutor_quiz_ended_after_two_answers_is_scored_on_those_two(
        quiz: QuizService) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=5, seed=2))
    quiz.answer(view.id, 0, _right(view.items[0]))
    quiz.answer(view.id, 1, _wrong(view.items[1]))
    results = quiz.submit(view.id)
    assert results.ended_early and results.total == 2 and results.unanswered == 3
    assert results.score == pytest.approx(0.5)
    assert sum(t.total for t in results.by_topic) == 2
    assert _history_scores(quiz) == [(QuizMode.TUTOR, pytest.approx(0.5))]


def test_practice_ended_with_nothing_answered_is_not_an_attempt(quiz: QuizService) -> None:
    review = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=4, seed=3))
    results = quiz.submit(review.id)
    assert not results.scored and not results.passed
    assert quiz.history() == []            # nothing recorded as a scored attempt
    assert quiz.resumable() is None        # and nothing left hanging to resume


def test_an_exam_still_scores_unanswered_questions_as_zero(quiz: QuizService) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=4, seed=5, minutes=30))
    quiz.answer(view.id, 0, _right(view.items[0]))
    results = quiz.submit(view.id)
    assert not results.ended_early and results.total == 4
    assert results.score == pytest.approx(0.25)
    assert _history_scores(quiz) == [(QuizMode.EXAM, pytest.approx(0.25))]


def test_attempt_score_rules() -> None:
    assert attempt_score(QuizMode.EXAM, [1.0, None]).score == 0.5
    assert attempt_score(QuizMode.SMART, [1.0, None]).score == 1.0
    assert attempt_score(QuizMode.MISSED, [None]).score is None
    assert attempt_score(QuizMode.TUTOR, [0.0, 1.0]).ended_early is False
