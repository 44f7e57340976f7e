from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.quiz import AttemptStatus, Blueprint, Domain, Pool, QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizError, QuizService


def _bank(tmp_path: Path, per_topic: int = 30) -> Path:
    parts = ['format = 1\n[bank]\nid = "qb"\ntitle = "QB"\n']
    for t in ("alpha", "beta", "gamma"):
        parts.append(f'[[topics]]\nid = "{t}"\ntitle = "{t.title()}"\n')
    n = 0
    for t in ("alpha", "beta", "gamma"):
        for i in range(per_topic):
            n += 1
            parts.append(
                f'[[questions]]\nid = "q{n:04d}"\ntopic = "{t}"\ndifficulty = {1 + i % 3}\n'
                f'stem = "{t} question {i}"\nrationale = "Because {i}."\nsource = "S"\n'
                '[[questions.choices]]\ntext = "Right"\ncorrect = true\n'
                '[[questions.choices]]\ntext = "Wrong one"\ncorrect = false\n'
                'feedback = "Wrong because."\n'
                '[[questions.choices]]\ntext = "Wrong two"\ncorrect = false\n')
    path = tmp_path / "qb.mhtbank.toml"
    path.write_text("".join(parts))
    return path


BLUEPRINT = Blueprint("test", (Domain("A", 50, ("alpha",)), Domain("B", 30, ("beta",)),
                               Domain("C", 20, ("gamma",))), questions=20, minutes=30)


@pytest.fixture
def quiz(ctx: AppContext, tmp_path: Path, clock: FixedClock) -> QuizService:
    ctx.banks.import_file_now(_bank(tmp_path))
    profile, _ = ctx.profiles.create("Ana")
    return QuizService(ctx.db, clock, profile.id, blueprint=BLUEPRINT)


def _right(item: object) -> frozenset[int]:
    return frozenset(item.question.correct_indexes)  # type: ignore[attr-defined]


def _wrong(item: object) -> frozenset[int]:
    return frozenset({1})


def test_exam_follows_the_blueprint_exactly(quiz: QuizService) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=20, seed=5))
    topics = Counter(i.question.topic for i in view.items)
    assert topics == {"alpha": 10, "beta": 6, "gamma": 4}
    assert len({i.question_id for i in view.items}) == 20
    assert view.time_limit_s == 30 * 60


def test_same_seed_same_quiz_and_choice_order(quiz: QuizService) -> None:
    a = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=10, seed=11))
    b = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=10, seed=11))
    assert [(i.question_id, i.order) for i in a.items] == [(i.question_id, i.order)
                                                            for i in b.items]


def test_tutor_feedback_and_committed_answers(quiz: QuizService, ctx: AppContext) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=3, seed=1))
    wrong = quiz.answer(view.id, 0, _wrong(view.items[0]), time_spent_s=12)
    assert not wrong.correct and wrong.chosen_feedback == (("Wrong one", "Wrong because."),)
    assert wrong.correct_texts == ("Right",) and wrong.rationale.startswith("Because")
    assert quiz.answer(view.id, 1, _right(view.items[1])).correct
    with ctx.db.engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT position, correct, time_spent_s FROM attempt_items WHERE answered_at "
            "IS NOT NULL ORDER BY position").all()
    assert [tuple(r) for r in rows] == [(0, 0, 12.0), (1, 1, 0.0)]


def test_results_by_topic_and_pass_mark(quiz: QuizService) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=20, seed=3))
    for item in view.items[:15]:
        quiz.answer(view.id, item.position, _right(item))
    results = quiz.submit(view.id)
    assert results.score == 0.75 and results.passed and results.unanswered == 5
    assert sum(t.total for t in results.by_topic) == 20
    assert quiz.history()[0].score == 0.75
    # A second, shorter attempt: each summary counts its own questions (one grouped query).
    short = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=5, seed=4))
    quiz.submit(short.id)
    assert {h.id: h.questions for h in quiz.history()} == {short.id: 5, view.id: 20}


def test_interrupted_exam_resumes_with_its_remaining_time(
        quiz: QuizService, ctx: AppContext, clock: FixedClock) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=20, seed=2))
    clock.advance(timedelta(minutes=10))
    quiz.answer(view.id, 0, _right(view.items[0]))  # saves the clock with the answer
    clock.advance(timedelta(minutes=2))  # … then the app crashes: these 2 minutes are lost
    clock.advance(timedelta(hours=5))  # closed for hours: the exam clock stands still
    fresh = QuizService(ctx.db, clock, quiz.profile_id, blueprint=BLUEPRINT)
    offer = fresh.resumable()
    assert offer is not None and offer.id == view.id and offer.questions == 20
    assert offer.remaining_s == 20 * 60
    resumed = fresh.resume(view.id)
    assert resumed.items[0].answered and resumed.remaining_s == 20 * 60
    clock.advance(timedelta(minutes=5))
    assert fresh.view(view.id).remaining_s == 15 * 60


def test_exam_submits_itself_when_time_runs_out(quiz: QuizService, clock: FixedClock) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=20, seed=4))
    quiz.answer(view.id, 0, _right(view.items[0]))
    clock.advance(timedelta(minutes=29, seconds=59))
    assert quiz.check_time(view.id) is None
    clock.advance(timedelta(seconds=2))
    results = quiz.check_time(view.id)
    assert results is not None and results.attempt.status is AttemptStatus.SUBMITTED
    assert results.attempt.elapsed_s == 30 * 60 and results.score == 1 / 20


def test_abandon_and_pools(quiz: QuizService) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=5, seed=9))
    quiz.answer(view.id, 0, _wrong(view.items[0]))
    quiz.answer(view.id, 1, _right(view.items[1]))
    quiz.abandon(view.id)
    assert quiz.resumable() is None
    missed = quiz.start(QuizConfig(mode=QuizMode.TUTOR, pool=Pool.MISSED, count=10))
    assert [i.question_id for i in missed.items] == [view.items[0].question_id]
    unseen = quiz.start(QuizConfig(mode=QuizMode.TUTOR, pool=Pool.UNSEEN, count=200))
    assert len(unseen.items) == 88
    with pytest.raises(QuizError, match="not flagged"):
        quiz.start(QuizConfig(pool=Pool.FLAGGED))
    quiz.toggle_flag(view.items[3].question_id, True)
    flagged = quiz.start(QuizConfig(pool=Pool.FLAGGED))
    assert [i.question_id for i in flagged.items] == [view.items[3].question_id]


def test_missed_review_reasks_until_right_twice(quiz: QuizService, ctx: AppContext,
                                                clock: FixedClock) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=2, seed=9))
    for item in view.items:
        quiz.answer(view.id, item.position, _wrong(item))
    quiz.submit(view.id)
    review = quiz.start(QuizConfig(mode=QuizMode.MISSED, count=0, seed=1))
    asked = []
    done = False
    while not done:
        current = quiz.view(review.id).items[-1]
        asked.append(current.question_id)
        done = quiz.answer(review.id, current.position, _right(current)).done
    assert Counter(asked) == {view.items[0].question_id: 2, view.items[1].question_id: 2}


def test_smart_practice_prefers_missed_questions(quiz: QuizService) -> None:
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=30, topics=("alpha",), seed=2))
    for item in view.items[:10]:
        quiz.answer(view.id, item.position, _wrong(item))
    for item in view.items[10:]:
        quiz.answer(view.id, item.position, _right(item))
    quiz.submit(view.id)
    missed = {i.question_id for i in view.items[:10]}
    smart = quiz.start(QuizConfig(mode=QuizMode.SMART, count=10, topics=("alpha",), seed=8))
    hits = sum(1 for i in smart.items if i.question_id in missed)
    assert hits >= 6  # missed weigh ~13× more than ones just answered right


def test_a_bank_can_carry_its_own_blueprint(ctx: AppContext, tmp_path: Path,
                                            clock: FixedClock) -> None:
    path = _bank(tmp_path)
    path.write_text(path.read_text() + (
        '\n[blueprint]\nname = "Alpha-heavy"\nquestions = 10\nminutes = 15\n'
        '[[blueprint.domains]]\nname = "Alpha"\nweight = 9\ntopics = ["alpha"]\n'
        '[[blueprint.domains]]\nname = "Gamma"\nweight = 1\ntopics = ["gamma"]\n'))
    report, _ = ctx.banks.import_file_now(path)
    assert report.imported
    profile, _ = ctx.profiles.create("Bo")
    quiz = QuizService(ctx.db, clock, profile.id, blueprint=BLUEPRINT)
    assert [key for key, _ in quiz.blueprints()] == [None, "qb"]
    view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=10, seed=1, blueprint_bank="qb"))
    assert Counter(i.question.topic for i in view.items) == {"alpha": 9, "gamma": 1}
    assert view.time_limit_s == 15 * 60
    exported = ctx.banks.load("qb")
    assert exported.blueprint is not None and exported.blueprint["name"] == "Alpha-heavy"
