"""``latest_answers`` follows every change to the answers, on both engines (migration 0007).

The table is kept by triggers, not by the app, so these tests change answers the way the app
does (a quiz) and the ways it never does but a coordinator or a sync might (an update
straight in SQL, a deleted attempt), and compare the table with the answers themselves; and
the item statistics summed by each engine with the ones counted in memory.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.item_stats import Response, item_statistics
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage.models import AttemptItemRow, LatestAnswerRow, QuizAttemptRow


def _from_the_answers(ctx: AppContext) -> dict[tuple[int, int], tuple[int, bool]]:
    """(profile, question) -> (item, correct) of the newest scored answer, worked out plainly."""
    with ctx.db.session() as s:
        rows = s.execute(select(QuizAttemptRow.profile_id, AttemptItemRow.question_id,
                                AttemptItemRow.answered_at, AttemptItemRow.id,
                                AttemptItemRow.correct)
                         .join(QuizAttemptRow, QuizAttemptRow.id == AttemptItemRow.attempt_id)
                         .where(AttemptItemRow.answered_at.is_not(None),
                                AttemptItemRow.correct.is_not(None))).all()
    newest: dict[tuple[int, int], tuple[int, bool]] = {}
    for profile, question, _, item, correct in sorted(rows, key=lambda r: (r[2], r[3])):
        newest[(profile, question)] = (item, bool(correct))
    return newest


def _kept(ctx: AppContext) -> dict[tuple[int, int], tuple[int, bool]]:
    with ctx.db.session() as s:
        return {(r.profile_id, r.question_id): (r.attempt_item_id, r.correct)
                for r in s.scalars(select(LatestAnswerRow))}


def _quiz(ctx: AppContext, profile_id: int, clock: FixedClock, *, right: bool,
          answer: int = 3) -> int:
    quiz = ctx.quiz(profile_id)
    attempt = quiz.start(QuizConfig(count=3, seed=7))
    for item in attempt.items[:answer]:
        keys = {i for i, c in enumerate(item.question.choices) if c.correct}
        others = set(range(len(item.question.choices))) - keys
        clock.advance(timedelta(minutes=1))
        quiz.answer(attempt.id, item.position, frozenset(keys if right else others))
    return attempt.id


def test_the_kept_latest_answers_match_the_answers_through_every_change(
        ctx: AppContext, sample_bank_file: Path, clock: FixedClock) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    ana, _ = ctx.profiles.create("Ana")
    ben, _ = ctx.profiles.create("Ben")
    first = _quiz(ctx, ana.id, clock, right=True)
    _quiz(ctx, ben.id, clock, right=False)
    second = _quiz(ctx, ana.id, clock, right=False)
    third = _quiz(ctx, ana.id, clock, right=True, answer=1)  # two questions left unanswered
    kept = _kept(ctx)
    assert kept == _from_the_answers(ctx)
    assert len(kept) == 6 and sorted(c for (p, _), (_, c) in kept.items() if p == ana.id) \
        == [False, False, True]

    # The newest answer goes (its attempt deleted): the one before it takes its place.
    with ctx.db.session() as s:
        s.execute(delete(AttemptItemRow).where(AttemptItemRow.attempt_id == third))
        s.execute(delete(QuizAttemptRow).where(QuizAttemptRow.id == third))
    assert _kept(ctx) == _from_the_answers(ctx)
    assert [c for (p, _), (_, c) in _kept(ctx).items() if p == ana.id] == [False] * 3

    # An answer taken back (unanswered again) gives way too; one dated earlier loses its place.
    with ctx.db.session() as s:
        one = s.scalars(select(AttemptItemRow).where(AttemptItemRow.attempt_id == second)
                        .order_by(AttemptItemRow.position)).all()
        s.execute(update(AttemptItemRow).where(AttemptItemRow.id == one[0].id)
                  .values(answered_at=None, correct=None))
        s.execute(update(AttemptItemRow).where(AttemptItemRow.id == one[1].id)
                  .values(answered_at=clock.now() - timedelta(days=30)))
    assert _kept(ctx) == _from_the_answers(ctx)
    assert sorted(c for (p, _), (_, c) in _kept(ctx).items() if p == ana.id) \
        == [False, True, True]

    # Removing every answer of a question leaves no latest answer for it.
    with ctx.db.session() as s:
        s.execute(delete(AttemptItemRow).where(AttemptItemRow.attempt_id.in_([first, second])))
    assert _kept(ctx) == _from_the_answers(ctx)
    assert {p for p, _ in _kept(ctx)} == {ben.id}


def test_item_statistics_counted_by_the_database_match_the_ones_counted_in_memory(
        ctx: AppContext, sample_bank_file: Path, clock: FixedClock) -> None:
    """Seven learners of differing strength; the engine's sums give the in-memory figures."""
    ctx.banks.import_file_now(sample_bank_file)
    chance = random.Random(7)
    for i, strength in enumerate((0.1, 0.3, 0.45, 0.6, 0.7, 0.85, 0.95)):
        profile, _ = ctx.profiles.create(f"Learner {i}")
        for _ in range(4):
            quiz = ctx.quiz(profile.id)
            attempt = quiz.start(QuizConfig(count=3, seed=chance.randrange(1000)))
            for item in attempt.items:
                keys = {k for k, c in enumerate(item.question.choices) if c.correct}
                others = set(range(len(item.question.choices))) - keys
                clock.advance(timedelta(minutes=1))
                quiz.answer(attempt.id, item.position,
                            frozenset(keys if chance.random() < strength else others))
    newest = _from_the_answers(ctx)
    want = item_statistics(Response(p, q, ok) for (p, q), (_, ok) in sorted(newest.items()))
    got = [i.stats for i in ctx.cohort.class_view().items]
    assert [(s.item, s.answers, s.flags) for s in got] == [(s.item, s.answers, s.flags)
                                                           for s in want]
    assert any(s.discrimination is not None for s in want)
    for g, w in zip(got, want, strict=True):
        for name in ("facility", "discrimination", "upper_lower", "upper_facility"):
            assert getattr(g, name) == pytest.approx(getattr(w, name)), name
