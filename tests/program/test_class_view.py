"""The class view's figures as an instructor sees them on the server (real PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage.program import own_profile_id
from tests.program.conftest import Program


def _answer_all(program: Program, who: str, clock: FixedClock, *, right: bool) -> None:
    ctx = program.open_as(who, clock)
    try:
        with ctx.db.session() as s:
            pid = own_profile_id(s)
        assert pid is not None
        quiz = ctx.quiz(pid)
        attempt = quiz.start(QuizConfig(count=3, seed=3, topics=("safety", "privacy")))
        for item in attempt.items:
            keys = {i for i, c in enumerate(item.question.choices) if c.correct}
            wrong = {i for i in range(len(item.question.choices)) if i not in keys}
            quiz.answer(attempt.id, item.position, frozenset(keys if right else wrong))
        study = ctx.study(pid)
        card = study.next_card()
        assert card is not None
        study.answer(card, Rating.GOOD)
    finally:
        ctx.close()


def test_an_instructor_sees_their_cohort_with_activity_topics_and_items(
        program: Program, clock: FixedClock) -> None:
    _answer_all(program, "ana", clock, right=True)
    _answer_all(program, "ben", clock, right=False)
    _answer_all(program, "cy", clock, right=True)  # cohort b: not Ida's
    ida = program.open_as("ida", clock)
    try:
        view = ida.cohort.class_view()
    finally:
        ida.close()
    assert [r.name for r in view.roster] == ["Ana Diaz", "Ben Okafor"]
    ana, ben = view.roster
    assert (ana.reviews_7d, ana.answers_7d) == (1, 3) and ana.studied_this_week
    assert set(ana.by_topic.values()) == {1.0} and set(ben.by_topic.values()) == {0.0}
    assert view.not_studied == ()
    assert {t for t, _ in view.weakest_topics} == {"safety", "privacy"}
    assert all(share == 0.5 for _, share in view.weakest_topics)
    assert len(view.items) == 3
    assert {i.bank_id for i in view.items} == {"sample"}
    assert all(i.stats.answers == 2 and i.stats.facility == 0.5 for i in view.items)

    later = FixedClock(clock.now() + timedelta(days=8))
    ida = program.open_as("ida", later)
    try:
        assert ida.cohort.class_view().not_studied == ("Ana Diaz", "Ben Okafor")
    finally:
        ida.close()


def test_the_same_figures_come_from_a_learners_own_file(ctx: AppContext,
                                                        sample_bank_file: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create("Ana")
    quiz = ctx.quiz(profile.id)
    attempt = quiz.start(QuizConfig(count=2, seed=1, topics=("privacy",)))
    for item in attempt.items:
        quiz.answer(attempt.id, item.position, frozenset({0}))
    view = ctx.cohort.class_view()
    assert [(r.name, r.answers_7d) for r in view.roster] == [("Ana", 2)]
    assert [t for t, _ in view.weakest_topics] == ["privacy"]
    assert len(view.items) == 2 and all(i.stats.answers == 1 for i in view.items)
