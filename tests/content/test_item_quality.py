"""What an item writer's reviewer would measure: coverage, currency, figures and cueing.

The rules (issue 15; NBME item-writing guide as the model):

- every domain of the default blueprint holds at least 40 questions across the shipped banks,
  and a 100-question exam from it draws every domain in proportion to its weight;
- every question and flashcard carries ``reviewed`` and ``review_due``;
- figures that age are referred to (``{{figure:KEY}}``), never typed in; that includes clinical
  thresholds (vital-sign ranges, blood-pressure categories, orthostatic and oximeter cut-offs),
  caught however the numbers are joined ("60-100", "60 to 100/min");
- no cueing: per bank, the key is the longest option no more often than chance allows
  (1 / choices + 0.10), at most 10 % of single-answer questions have a key that alone
  mentions reporting or notifying, no "all/none of the above", and at least half the
  questions are short clinical scenarios (tagged ``scenario``).

Each rule is a function tested on a small bad example first, so a rule that cannot fail
would show here.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.figures import PLACEHOLDER, read_figures
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService, default_blueprint

REPO = Path(__file__).resolve().parents[2]
BANKS = sorted((REPO / "question_banks").glob("*.mhtbank.toml"))
FIGURES_FILE = REPO / "resources" / "guide" / "figures.toml"
MIN_DOMAIN_QUESTIONS = 40
MAX_REPORT_ONLY_KEY = 0.10
MIN_SCENARIO_SHARE = 0.5
# Topics about pay, careers and penalties: no dollar amount or percentage may be typed in.
FIGURE_TOPICS = {"role-and-settings", "education-certification", "state-licensure",
                 "career-ladder", "pay-and-outlook", "part2-sud-records", "breach-and-penalties"}
_REPORTING = re.compile(r"\b(report\w*|notif\w*|tell\w*|inform\w*|alert\w*)\b", re.I)
_ALL_NONE = re.compile(r"\b(all|none|both) of the (above|these|options)\b", re.I)
_MONEY_OR_SHARE = re.compile(r"\$\s?\d|\d\s?%")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A figure with two or more numbers and a clinical unit is a threshold or a range.
_CLINICAL = re.compile(r"mmHg|%|beats|breaths|°|\bmL\b|mEq|systolic|diastolic|\d/\d")

# Banks written before the scenario rule, still short of half scenarios (issue 15 asks for
# them to be revised). strict: once a bank reaches half, the xfail turns into a failure and
# the bank must come off this list.
SCENARIO_BACKLOG: set[str] = set()


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _figures() -> dict[str, Any]:
    figures, problems = read_figures(FIGURES_FILE.read_text(encoding="utf-8"),
                                     file=FIGURES_FILE.name)
    assert problems == []
    return figures


def _texts(item: dict[str, Any]) -> list[str]:
    out = [item.get(k, "") for k in ("stem", "rationale", "title", "front", "back")]
    for choice in item.get("choices", []):
        out += [choice.get("text", ""), choice.get("feedback", "")]
    return [t for t in out if t]


# --- the rules, as functions ----------------------------------------------------------------


def undated(data: dict[str, Any]) -> list[str]:
    """Ids of items without both review dates."""
    items = data.get("questions", []) + data.get("flashcards", [])
    return [i["id"] for i in items
            if not isinstance(i.get("reviewed"), datetime.date)
            or not isinstance(i.get("review_due"), datetime.date)]


def threshold_pattern(figure_text: str) -> re.Pattern[str] | None:
    """A pattern matching a clinical threshold's numbers in order, however they are joined.

    "60 to 100 beats per minute" also matches "60-100/min", and "120 to 129 systolic with
    diastolic below 80" matches "systolic 120-129 with diastolic under 80". Figures without a
    clinical unit, or with one number, are matched by their text alone.
    """
    numbers = _NUMBER.findall(figure_text)
    if len(numbers) < 2 or not _CLINICAL.search(figure_text):
        return None
    gaps = [len(g) for g in _NUMBER.split(figure_text)[1:-1]]

    def run(nums: list[str], widest: int) -> str:
        # A short range ("60 to 100") is written with a dash, slash or "to"; a longer figure
        # ("130 to 139 systolic or 80 to 89 diastolic") may be reworded between its numbers.
        gap = (r"\s*(?:-|–|—|/|to|up to)\s*" if widest <= 6
               else rf"\D{{1,{widest + 10}}}")
        return r"(?<![\d.,])" + gap.join(re.escape(n) for n in nums) + r"(?![\d])"

    # The whole figure, and each range inside a longer one ("97.8 to 99.1" of a temperature
    # given in two scales, "80 to 89" of a blood-pressure band) on its own.
    runs = [run(numbers, max(gaps))]
    if len(numbers) > 2:
        runs += [run(numbers[i:i + 2], g) for i, g in enumerate(gaps) if g <= 6]
    return re.compile("|".join(runs))


def typed_figures(data: dict[str, Any], figure_texts: set[str]) -> list[tuple[str, str]]:
    """(item id, text) where a figure that ages is typed in instead of referred to."""
    found = []
    for item in data.get("questions", []) + data.get("flashcards", []):
        for text in _texts(item):
            bare = PLACEHOLDER.sub(" ", text)
            if item.get("topic") in FIGURE_TOPICS:
                match = _MONEY_OR_SHARE.search(bare)
                if match:
                    found.append((item["id"], match.group(0)))
            found += [(item["id"], f) for f in figure_texts if f in bare]
            found += [(item["id"], f) for f in figure_texts
                      if f not in bare and (p := threshold_pattern(f)) and p.search(bare)]
    return found


def cueing(data: dict[str, Any]) -> dict[str, float | list[str]]:
    """Key-is-longest rate and its chance limit, key-alone-reports rate, all/none items."""
    singles = [q for q in data.get("questions", []) if q.get("type", "single") == "single"]
    longest = reporting = choices = 0
    for q in singles:
        key = next(c for c in q["choices"] if c.get("correct"))
        others = [c for c in q["choices"] if not c.get("correct")]
        choices += len(q["choices"])
        if len(key["text"]) > max(len(c["text"]) for c in others):
            longest += 1
        if _REPORTING.search(key["text"]) and not any(_REPORTING.search(c["text"])
                                                       for c in others):
            reporting += 1
    n = max(len(singles), 1)
    all_none = [q["id"] for q in data.get("questions", [])
                if any(_ALL_NONE.search(c["text"]) for c in q["choices"])]
    return {"longest": longest / n, "longest_limit": n / max(choices, 1) + 0.10,
            "reporting": reporting / n, "all_none": all_none}


def scenario_share(data: dict[str, Any]) -> float:
    """Share of questions tagged as short clinical scenarios."""
    questions = data.get("questions", [])
    return sum("scenario" in q.get("tags", []) for q in questions) / max(len(questions), 1)


def domain_counts(banks: list[dict[str, Any]]) -> dict[str, int]:
    """Questions per default-blueprint domain, across ``banks``."""
    by_topic = Counter(q["topic"] for data in banks for q in data.get("questions", []))
    return {d.name: sum(by_topic[t] for t in d.topics) for d in default_blueprint().domains}


# --- the rules can fail -----------------------------------------------------------------------

_BAD = {
    "questions": [
        {"id": "x1", "topic": "pay-and-outlook", "stem": "Median pay was $41,000 in 2024?",
         "reviewed": datetime.date(2026, 12, 1), "tags": ["recall"],
         "choices": [{"text": "Report it to the nurse at once", "correct": True},
                     {"text": "Wait"}, {"text": "All of the above"}]},
        {"id": "x2", "topic": "vital-signs", "stem": "Jobs: 182,900 in 2024.",
         "reviewed": datetime.date(2026, 12, 1), "review_due": datetime.date(2028, 12, 1),
         "tags": ["scenario"],
         "choices": [{"text": "A much longer keyed answer than the rest", "correct": True},
                     {"text": "Short"}, {"text": "Shorter"}]},
    ],
    "flashcards": [{"id": "x3", "topic": "t", "front": "F", "back": "B"}],
}


def test_the_rules_catch_a_bad_bank() -> None:
    assert undated(_BAD) == ["x1", "x3"]
    assert sorted(typed_figures(_BAD, {"182,900"})) == [("x1", "$4"), ("x2", "182,900")]
    measured = cueing(_BAD)
    assert measured["longest"] == 1.0 > measured["longest_limit"]
    assert measured["reporting"] == 0.5 > MAX_REPORT_ONLY_KEY
    assert measured["all_none"] == ["x1"]
    assert scenario_share(_BAD) == 0.5
    thin = domain_counts([_BAD])
    assert min(thin.values()) < MIN_DOMAIN_QUESTIONS


def test_typed_thresholds_are_caught_however_written() -> None:
    pulse, bp = "60 to 100 beats per minute", "130 to 139 systolic or 80 to 89 diastolic"
    item = {"id": "t1", "topic": "vital-signs", "front": "Normal pulse is 60-100/min.",
            "back": "Stage 1 is 130-139 or diastolic 80-89; this reading is 134/86."}
    clean = {"id": "t2", "topic": "vital-signs", "front": "Pulse 64, then 102 after walking.",
             "back": "Normal: {{figure:pulse}}; this reading is 134/86."}
    assert sorted(typed_figures({"flashcards": [item, clean]}, {pulse, bp})) == [
        ("t1", bp), ("t1", pulse)]
    assert threshold_pattern("$42,590") is None and threshold_pattern("16%") is None


# --- the shipped banks ------------------------------------------------------------------------


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_every_item_has_both_review_dates(path: Path) -> None:
    assert undated(_load(path)) == []


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_figures_that_age_are_referred_to_not_typed(path: Path) -> None:
    # Texts long enough to be unmistakable ("$42,590", "182,900", "February 16, 2026").
    texts = {f.text for f in _figures().values() if len(f.text) >= 5
             and any(ch.isdigit() for ch in f.text)}
    assert typed_figures(_load(path), texts) == []


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_no_cueing(path: Path) -> None:
    measured = cueing(_load(path))
    assert measured["longest"] <= measured["longest_limit"], measured
    assert measured["reporting"] <= MAX_REPORT_ONLY_KEY, measured
    assert measured["all_none"] == []


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(
        strict=True, reason="written before the scenario rule; revision in progress"))
    if p.name.removesuffix(".mhtbank.toml") in SCENARIO_BACKLOG else p for p in BANKS],
    ids=lambda p: p.name)
def test_at_least_half_the_questions_are_scenarios(path: Path) -> None:
    assert scenario_share(_load(path)) >= MIN_SCENARIO_SHARE


# The two banks for the domains the first banks left empty (issue 15) are written in parallel;
# until they ship, the coverage rules are expected to fail (strict: they must pass after).
_NEW_BANKS = ("mental-disorders", "lifespan-nursing")
_coverage = pytest.mark.xfail(
    not all((REPO / "question_banks" / f"{b}.mhtbank.toml").exists() for b in _NEW_BANKS),
    strict=True, reason="the mental-disorders and lifespan-nursing banks have not landed yet")


@_coverage
def test_every_blueprint_domain_holds_forty_questions() -> None:
    counts = domain_counts([_load(p) for p in BANKS])
    assert {d: n for d, n in counts.items() if n < MIN_DOMAIN_QUESTIONS} == {}


@_coverage
def test_a_100_question_exam_draws_every_domain_by_weight(tmp_path: Path) -> None:
    clock = FixedClock()
    ctx = AppContext.in_memory(clock=clock)
    try:
        ctx.banks.ensure_builtin_banks(REPO / "question_banks")
        profile, _ = ctx.profiles.create("Exam")
        quiz = QuizService(ctx.db, clock, profile.id)
        view = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=100, seed=3))
    finally:
        ctx.close()
    blueprint = default_blueprint()
    assert len(view.items) == 100
    drawn = Counter(next(d.name for d in blueprint.domains if i.question.topic in d.topics)
                    for i in view.items)
    total = sum(d.weight for d in blueprint.domains)
    for domain in blueprint.domains:
        expected = 100 * domain.weight / total
        assert abs(drawn[domain.name] - expected) <= 1, (domain.name, drawn[domain.name])


@_coverage
def test_at_least_900_questions_and_520_flashcards_ship() -> None:
    banks = [_load(p) for p in BANKS]
    assert sum(len(b.get("questions", [])) for b in banks) >= 900
    assert sum(len(b.get("flashcards", [])) for b in banks) >= 520
