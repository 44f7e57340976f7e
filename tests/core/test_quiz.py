from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mht_desktop.core.banks import Choice, QuestionType
from mht_desktop.core.quiz import (
    Blueprint,
    Domain,
    MissedReview,
    QuestionHistory,
    allocate,
    attempt_rng,
    format_clock,
    sample_by_blueprint,
    score_answer,
    shuffled_order,
    smart_weight,
)

MULTI = (Choice("a", True), Choice("b", True), Choice("c", False), Choice("d", False))


@pytest.mark.parametrize(("selected", "all_or_nothing", "partial"), [
    ({0, 1}, 1.0, 1.0), ({0}, 0.0, 0.5), ({0, 2}, 0.0, 0.0), ({0, 1, 2}, 0.0, 0.5),
    ({0, 1, 2, 3}, 0.0, 0.0), (set(), 0.0, 0.0), ({2}, 0.0, 0.0)])
def test_multiple_response_scoring(selected: set[int], all_or_nothing: float,
                                   partial: float) -> None:
    assert score_answer(QuestionType.MULTIPLE, MULTI, selected) == all_or_nothing
    assert score_answer(QuestionType.MULTIPLE, MULTI, selected, partial_credit=True) == partial


def test_single_and_true_false_scoring() -> None:
    single = (Choice("x", False), Choice("y", True))
    assert score_answer(QuestionType.SINGLE, single, {1}) == 1.0
    assert score_answer(QuestionType.SINGLE, single, {0}) == 0.0
    tf = (Choice("True", False), Choice("False", True))
    assert score_answer(QuestionType.TRUE_FALSE, tf, {1}, partial_credit=True) == 1.0


def test_shuffle_is_reproducible_and_keeps_all_of_the_above_last() -> None:
    choices = (Choice("a", False), Choice("b", False), Choice("c", False),
               Choice("All of the above", True))
    first = shuffled_order(choices, attempt_rng(42, 3))
    assert first == shuffled_order(choices, attempt_rng(42, 3))
    assert first[-1] == 3 and sorted(first) == [0, 1, 2, 3]
    orders = {tuple(shuffled_order(choices, attempt_rng(seed, 0))) for seed in range(50)}
    assert len(orders) == 6  # every order of the three movable choices occurs
    fixed = (Choice("a", False, fixed=True), Choice("b", True), Choice("c", False))
    assert all(shuffled_order(fixed, random.Random(s))[0] == 0 for s in range(20))


def test_allocate_gives_exact_counts() -> None:
    # Shares 18.2, 20.5, 5.7, 14.8, 20.5, 11.4, 9.1: the three largest remainders round up,
    # and a tie goes to the earlier domain.
    assert allocate(100, [16, 18, 5, 13, 18, 10, 8], [999] * 7) == [18, 21, 6, 15, 20, 11, 9]
    assert sum(allocate(100, [1, 1, 1], [999] * 3)) == 100
    # A domain short of questions gives its share to the others.
    assert allocate(10, [5, 5], [2, 100]) == [2, 8]
    with pytest.raises(ValueError):
        allocate(10, [1], [3])


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=9),
       st.lists(st.floats(min_value=0.5, max_value=30), min_size=9, max_size=9),
       st.integers(min_value=0, max_value=200))
def test_allocate_properties(capacity: list[int], weights: list[float], total: int) -> None:
    weights = weights[: len(capacity)]
    total = min(total, sum(capacity))
    counts = allocate(total, weights, capacity)
    assert sum(counts) == total
    assert all(0 <= c <= cap for c, cap in zip(counts, capacity, strict=True))


def test_blueprint_sampling_exact_per_domain_and_no_repeats() -> None:
    blueprint = Blueprint("t", (Domain("A", 60, ("a", "shared")), Domain("B", 40, ("b", "shared"))))
    by_topic = {"a": list(range(0, 100)), "b": list(range(100, 200)),
                "shared": list(range(200, 230))}
    chosen = sample_by_blueprint(blueprint, by_topic, 50, random.Random(1))
    assert len(chosen) == len(set(chosen)) == 50
    in_a = sum(1 for q in chosen if q < 100 or 200 <= q < 230)
    assert in_a == 30  # 60% of 50; the shared topic counts for the first domain only
    assert sample_by_blueprint(blueprint, by_topic, 50, random.Random(1)) == chosen


def test_smart_weights_favour_missed_and_weak() -> None:
    missed = QuestionHistory(1, "t", attempts=1, correct=0, last_correct=False,
                             days_since_last=7)
    right = QuestionHistory(2, "t", attempts=1, correct=1, last_correct=True, days_since_last=1)
    unseen = QuestionHistory(3, "t")
    assert smart_weight(missed, 0.5) > smart_weight(unseen, 0.5) > smart_weight(right, 0.5)
    assert smart_weight(unseen, 0.2) > smart_weight(unseen, 0.9)


def test_missed_review_needs_two_right_in_a_row() -> None:
    review = MissedReview([10, 20])
    answers = Counter()
    script = {10: [True, False, True, True], 20: [True, True]}
    while not review.done:
        q = review.current()
        assert q is not None
        review.record(q, script[q][answers[q]])
        answers[q] += 1
    assert answers == Counter({10: 4, 20: 2})


def test_format_clock() -> None:
    assert format_clock(7200) == "2:00:00" and format_clock(245.2) == "4:06"
