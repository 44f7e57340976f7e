"""Item statistics for a cohort: how hard each question is and whether it separates learners.

Classical test theory, as Moodle's quiz statistics report it:

- **facility** (difficulty): the share of answers that were correct;
- **discrimination**: the point-biserial correlation between getting the item right and the
  rest of a trainee's score (their share correct on every *other* item), so an item does not
  correlate with itself;
- **upper–lower index**: the facility among the strongest 27 % of trainees minus that among the
  weakest 27 % (Kelley's groups).

An item is flagged when the strongest trainees tend to miss it (under half of the upper group
right) or when it discriminates backwards (weaker trainees do better): either usually means a
wrong key, an ambiguous stem or an outdated fact, and the item deserves a second look.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

GROUP_SHARE = 0.27
MIN_GROUP = 1
T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Response:
    """One trainee's scored answer to one question (their latest, if they answered again)."""

    trainee: Hashable
    item: Hashable
    correct: bool


@dataclass(frozen=True, slots=True)
class ItemStatistics:
    """The figures for one question."""

    item: Hashable
    answers: int
    facility: float                 # 0..1, share correct
    discrimination: float | None    # point-biserial with the rest score; None if undefined
    upper_lower: float | None       # upper 27 % facility minus lower 27 %; None if too few
    upper_facility: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ItemTally:
    """The sums an item's statistics are made from, counted wherever the answers are.

    A class view counts them in the database (``storage.cohort.item_tallies``), so a refresh
    moves one row per question instead of one per answer; :func:`item_statistics` counts them
    from answers in memory. ``pairs_*`` and ``rest_*`` cover the answers of trainees who
    answered another item too (the rest score is their share correct on their other items).
    """

    item: Hashable
    answers: int
    right: int
    pairs_right: int
    pairs_wrong: int
    rest_sum_right: float
    rest_sum_wrong: float
    rest_sum_squares: float
    upper_answers: int
    upper_right: int
    lower_answers: int
    lower_right: int


def kelley_group_size(trainees: int) -> int:
    """How many trainees each of the upper and lower groups holds: 27 % of them."""
    return max(MIN_GROUP, round(trainees * GROUP_SHARE))


def kelley_groups(ranked: Sequence[T]) -> tuple[set[T], set[T]]:
    """The weakest and the strongest 27 % of ``ranked`` (trainees weakest first)."""
    group = kelley_group_size(len(ranked))
    return set(ranked[:group]), set(ranked[-group:])


def _point_biserial(t: ItemTally) -> float | None:
    if not t.pairs_right or not t.pairs_wrong:
        return None
    n = t.pairs_right + t.pairs_wrong
    mean = (t.rest_sum_right + t.rest_sum_wrong) / n
    variance = t.rest_sum_squares / n - mean * mean
    # Sums of squares leave rounding noise where every rest score is the same: that is 0.
    if variance <= 1e-12 * max(1.0, mean * mean):
        return None
    p = t.pairs_right / n
    return ((t.rest_sum_right / t.pairs_right - t.rest_sum_wrong / t.pairs_wrong)
            / math.sqrt(variance) * math.sqrt(p * (1 - p)))


def statistics_from_tallies(tallies: Iterable[ItemTally],
                            trainees: int) -> list[ItemStatistics]:
    """Facility, discrimination and flags for every tallied item, hardest first.

    Args:
        tallies: One per item, counted with the groups of :func:`kelley_groups`.
        trainees: How many trainees were ranked into those groups.
    """
    results = []
    for t in tallies:
        enough = trainees >= 2 * MIN_GROUP + 1 and t.upper_answers and t.lower_answers
        upper_facility = t.upper_right / t.upper_answers if t.upper_answers else None
        upper_lower = (upper_facility - t.lower_right / t.lower_answers
                       if enough and upper_facility is not None else None)
        discrimination = _point_biserial(t)
        flags = []
        if enough and upper_facility is not None and upper_facility < 0.5:
            flags.append("the strongest trainees miss it")
        if discrimination is not None and discrimination < 0:
            flags.append("weaker trainees do better (check the key)")
        results.append(ItemStatistics(t.item, t.answers, t.right / t.answers, discrimination,
                                      upper_lower, upper_facility, tuple(flags)))
    results.sort(key=lambda st: (st.facility, str(st.item)))
    return results


def item_statistics(responses: Iterable[Response]) -> list[ItemStatistics]:
    """Facility, discrimination and flags for every item, hardest first.

    Args:
        responses: Scored answers; a trainee counts once per item (the last one given wins).
    """
    answers: dict[Hashable, dict[Hashable, bool]] = defaultdict(dict)
    for r in responses:
        answers[r.trainee][r.item] = r.correct
    totals = {t: (sum(a.values()), len(a)) for t, a in answers.items()}
    lower, upper = kelley_groups(sorted(answers, key=lambda t: totals[t][0] / totals[t][1]))
    by_item: dict[Hashable, list[tuple[Hashable, bool]]] = defaultdict(list)
    for trainee, items in answers.items():
        for item, ok in items.items():
            by_item[item].append((trainee, ok))
    tallies = []
    for item, given in by_item.items():
        rest_right: list[float] = []
        rest_wrong: list[float] = []
        for trainee, ok in given:
            right, count = totals[trainee]
            if count > 1:  # the rest score: every other item this trainee answered
                (rest_right if ok else rest_wrong).append((right - ok) / (count - 1))
        tallies.append(ItemTally(
            item, len(given), sum(ok for _, ok in given), len(rest_right), len(rest_wrong),
            sum(rest_right), sum(rest_wrong), sum(v * v for v in rest_right + rest_wrong),
            sum(1 for t, _ in given if t in upper), sum(ok for t, ok in given if t in upper),
            sum(1 for t, _ in given if t in lower), sum(ok for t, ok in given if t in lower)))
    return statistics_from_tallies(tallies, len(answers))
