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
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

GROUP_SHARE = 0.27
MIN_GROUP = 1


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


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _point_biserial(pairs: list[tuple[bool, float]]) -> float | None:
    scores = [s for _, s in pairs]
    right = [s for ok, s in pairs if ok]
    wrong = [s for ok, s in pairs if not ok]
    if not right or not wrong:
        return None
    mean = _mean(scores)
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
    if sd == 0:
        return None
    p = len(right) / len(pairs)
    return (_mean(right) - _mean(wrong)) / sd * math.sqrt(p * (1 - p))


def item_statistics(responses: Iterable[Response]) -> list[ItemStatistics]:
    """Facility, discrimination and flags for every item, hardest first.

    Args:
        responses: Scored answers; a trainee counts once per item (the last one given wins).
    """
    answers: dict[Hashable, dict[Hashable, bool]] = defaultdict(dict)
    for r in responses:
        answers[r.trainee][r.item] = r.correct
    totals = {t: (sum(a.values()), len(a)) for t, a in answers.items()}
    ranked = sorted(answers, key=lambda t: totals[t][0] / totals[t][1])
    group = max(MIN_GROUP, round(len(ranked) * GROUP_SHARE))
    lower, upper = set(ranked[:group]), set(ranked[-group:])
    by_item: dict[Hashable, list[tuple[Hashable, bool]]] = defaultdict(list)
    for trainee, items in answers.items():
        for item, ok in items.items():
            by_item[item].append((trainee, ok))
    results = []
    for item, given in by_item.items():
        pairs = []
        for trainee, ok in given:
            right, count = totals[trainee]
            rest = count - 1
            if rest > 0:  # the rest score: every other item this trainee answered
                pairs.append((ok, (right - ok) / rest))
        facility = sum(ok for _, ok in given) / len(given)
        upper_given = [ok for t, ok in given if t in upper]
        lower_given = [ok for t, ok in given if t in lower]
        enough = len(ranked) >= 2 * MIN_GROUP + 1 and upper_given and lower_given
        upper_facility = sum(upper_given) / len(upper_given) if upper_given else None
        upper_lower = (upper_facility - sum(lower_given) / len(lower_given)
                       if enough and upper_facility is not None else None)
        discrimination = _point_biserial(pairs)
        flags = []
        if enough and upper_facility is not None and upper_facility < 0.5:
            flags.append("the strongest trainees miss it")
        if discrimination is not None and discrimination < 0:
            flags.append("weaker trainees do better (check the key)")
        results.append(ItemStatistics(item, len(given), facility, discrimination, upper_lower,
                                      upper_facility, tuple(flags)))
    results.sort(key=lambda s: (s.facility, str(s.item)))
    return results
