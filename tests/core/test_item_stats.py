"""Item statistics: facility, rest-score point-biserial, upper–lower 27 %, flags."""

from __future__ import annotations

import math

import pytest

from mht_desktop.core.item_stats import Response, item_statistics


def _cohort(keys: dict[str, str]) -> list[Response]:
    """Ten trainees of rising strength; ``keys`` maps an item to who gets it right."""
    out = []
    for t in range(10):
        for item, rule in keys.items():
            ok = {"strong": t >= 5, "weak": t < 5, "all": True, "rising": t >= 2,
                  "top-miss": t < 8}[rule]
            out.append(Response(f"t{t}", item, ok))
    return out


def test_an_item_the_strong_get_right_discriminates_and_a_miskeyed_one_is_flagged() -> None:
    stats = {s.item: s for s in item_statistics(_cohort(
        {"good": "strong", "bad": "weak", "easy": "all", "r1": "rising", "r2": "rising",
         "r3": "strong"}))}
    good, bad, easy = stats["good"], stats["bad"], stats["easy"]
    assert good.facility == bad.facility == 0.5 and easy.facility == 1.0
    # 0.5 exactly by hand; the sums the database counts leave a rounding error either side.
    assert good.discrimination == pytest.approx(0.5)
    assert bad.discrimination is not None and bad.discrimination < 0
    assert "weaker trainees do better (check the key)" in bad.flags
    assert "the strongest trainees miss it" in bad.flags
    assert good.flags == () and easy.discrimination is None  # everyone right: undefined
    # 27 % of 10 is 3 per group: the top three all right, the bottom three all wrong.
    assert good.upper_lower == pytest.approx(1.0) and bad.upper_lower == pytest.approx(-1.0)


def test_point_biserial_matches_a_hand_computation() -> None:
    # Three items; the rest score of each trainee on item "x" is their share on y and z.
    data = [("a", "x", True), ("a", "y", True), ("a", "z", True),
            ("b", "x", True), ("b", "y", False), ("b", "z", True),
            ("c", "x", False), ("c", "y", False), ("c", "z", True),
            ("d", "x", False), ("d", "y", False), ("d", "z", False)]
    stats = {s.item: s for s in item_statistics(Response(*d) for d in data)}
    rest = {"a": 1.0, "b": 0.5, "c": 0.5, "d": 0.0}
    mean = sum(rest.values()) / 4
    sd = math.sqrt(sum((v - mean) ** 2 for v in rest.values()) / 4)
    expected = ((1.0 + 0.5) / 2 - (0.5 + 0.0) / 2) / sd * math.sqrt(0.25)
    assert stats["x"].discrimination == pytest.approx(expected)
    assert [s.item for s in item_statistics(Response(*d) for d in data)] == ["y", "x", "z"]


def test_the_last_answer_of_a_trainee_counts_once() -> None:
    stats = item_statistics([Response("a", "q", False), Response("a", "q", True),
                             Response("b", "q", False)])
    assert stats[0].answers == 2 and stats[0].facility == 0.5
