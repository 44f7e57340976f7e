"""The class view's figures as an instructor sees them on the server (real PostgreSQL)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.item_stats import ItemStatistics, Response, item_statistics
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage.models import (
    AttemptItemRow,
    ProfileRow,
    QuestionRow,
    QuizAttemptRow,
    ReviewLogRow,
)
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


def _reference(program: Program, now: datetime) -> tuple[list[tuple[object, ...]],
                                                          list[tuple[str, float]],
                                                          list[ItemStatistics]]:
    """Cohort a's figures worked out plainly from every row, read as the coordinator."""
    since = now - timedelta(days=7)
    with program.coordinator.db.session() as s:
        people = {p.id: p.name for p in s.scalars(select(ProfileRow).where(
            ProfileRow.cohort == "a", ProfileRow.is_instructor.is_(False)))}
        reviews = s.execute(select(ReviewLogRow.profile_id, ReviewLogRow.reviewed_at)).all()
        answers = s.execute(
            select(QuizAttemptRow.profile_id, AttemptItemRow.question_id, QuestionRow.topic_id,
                   AttemptItemRow.answered_at, AttemptItemRow.id, AttemptItemRow.correct)
            .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
            .join(QuestionRow, QuestionRow.id == AttemptItemRow.question_id)
            .where(AttemptItemRow.answered_at.is_not(None))).all()
    latest: dict[tuple[int, int], tuple[str, bool]] = {}
    for pid, qid, topic, _, _, correct in sorted(answers, key=lambda a: (a[3], a[4])):
        if pid in people and correct is not None:
            latest[(pid, qid)] = (topic, bool(correct))
    roster = []
    for pid, name in sorted(people.items(), key=lambda p: p[1]):
        times = [t for p, t in reviews if p == pid] + [a[3] for a in answers if a[0] == pid]
        by_topic: dict[str, list[bool]] = {}
        for (p, _), (topic, ok) in latest.items():
            if p == pid:
                by_topic.setdefault(topic, []).append(ok)
        roster.append((name, sum(1 for p, t in reviews if p == pid and t >= since),
                       sum(1 for a in answers if a[0] == pid and a[3] >= since),
                       max(times, default=None),
                       {t: sum(v) / len(v) for t, v in sorted(by_topic.items())}))
    per_topic: dict[str, list[bool]] = {}
    for topic, ok in latest.values():
        per_topic.setdefault(topic, []).append(ok)
    weakest = sorted(((t, sum(v) / len(v)) for t, v in per_topic.items()),
                     key=lambda tv: (tv[1], tv[0]))
    stats = item_statistics(Response(p, q, ok) for (p, q), (_, ok) in sorted(latest.items()))
    return roster, weakest, stats


def test_the_class_view_gives_the_figures_a_plain_count_of_every_answer_gives(
        program: Program, clock: FixedClock) -> None:
    """Six trainees of differing strength, a month of quizzes and re-takes, one idle since."""
    for name in ("Dee Park", "Eli Stone", "Fay Moss", "Gus Hale"):
        creds, _ = program.coordinator.program.add(name, instructor=False, cohort="a")
        program.people[name.split()[0].lower()] = creds
    chance = random.Random(19)
    strength = {"ana": 0.9, "ben": 0.3, "cy": 0.6, "dee": 0.7, "eli": 0.5, "fay": 0.8}
    for day in range(30):
        clock.advance(timedelta(days=1))
        for who, p in strength.items():
            if chance.random() < 0.4 or (who == "fay" and day > 15):
                continue  # Fay stops studying half way through
            ctx = program.open_as(who, clock)
            try:
                with ctx.db.session() as s:
                    pid = own_profile_id(s)
                assert pid is not None
                quiz = ctx.quiz(pid)
                attempt = quiz.start(QuizConfig(count=2, seed=chance.randrange(1000)))
                for item in attempt.items:
                    keys = {i for i, c in enumerate(item.question.choices) if c.correct}
                    wrong = set(range(len(item.question.choices))) - keys
                    clock.advance(timedelta(minutes=1))
                    quiz.answer(attempt.id, item.position,
                                frozenset(keys if chance.random() < p else wrong))
                study = ctx.study(pid)
                card = study.next_card()
                if card is not None and chance.random() < 0.5:
                    study.answer(card, Rating.GOOD)
            finally:
                ctx.close()
    ida = program.open_as("ida", clock)
    try:
        view = ida.cohort.class_view()
    finally:
        ida.close()
    roster, weakest, stats = _reference(program, clock.now())
    assert [(r.name, r.reviews_7d, r.answers_7d, r.last_active, r.by_topic)
            for r in view.roster] == roster
    assert "Fay Moss" in view.not_studied and "Gus Hale" in view.not_studied
    assert [t for t, _ in view.weakest_topics] == [t for t, _ in weakest]
    assert [v for _, v in view.weakest_topics] == pytest.approx([v for _, v in weakest])
    assert [(i.stats.item, i.stats.answers, i.stats.flags) for i in view.items] \
        == [(s.item, s.answers, s.flags) for s in stats]
    for got, want in zip(view.items, stats, strict=True):
        for name in ("facility", "discrimination", "upper_lower", "upper_facility"):
            assert getattr(got.stats, name) == pytest.approx(getattr(want, name)), name
