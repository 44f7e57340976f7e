"""The practice exercises we ship: valid under the strict rules, sourced, dated, covering
every setting, format and requester, and matching their JSON Schemas."""

from __future__ import annotations

import datetime
import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mht_desktop.core.practice.disclosure import DisclosureCase, RecordField
from mht_desktop.core.practice.drills import EndingKind, Scenario
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.services.practice import check_practice_text, shipped_lexicon

REPO = Path(__file__).resolve().parents[2]
PRACTICE = REPO / "resources" / "practice"
SCENARIOS = sorted((PRACTICE / "scenarios").glob("*.toml"))
VIGNETTES = sorted((PRACTICE / "vignettes").glob("*.toml"))
CASES = sorted((PRACTICE / "cases").glob("*.toml"))
SCHEMAS = {"scenarios": "practice-scenario", "vignettes": "practice-vignettes",
           "cases": "practice-cases"}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _items(paths: list[Path]) -> list[Any]:
    items = []
    for path in paths:
        parsed = check_practice_text(path.read_text(encoding="utf-8"), file=path.name,
                                     strict=True)
        assert not parsed.problems, [str(p) for p in parsed.problems[:10]]
        items += parsed.items
    return items


@pytest.mark.parametrize("path", [*SCENARIOS, *VIGNETTES, *CASES], ids=lambda p: p.name)
def test_each_file_is_valid_under_the_strict_rules(path: Path) -> None:
    parsed = check_practice_text(path.read_text(encoding="utf-8"), file=path.name,
                                 strict=True)
    assert parsed.kind is not None and parsed.items
    assert parsed.problems == [], [str(p) for p in parsed.problems[:10]]
    for item in parsed.items:
        assert item.sources and item.reviewed is not None, item.id


@pytest.mark.parametrize("path", [*SCENARIOS, *VIGNETTES, *CASES], ids=lambda p: p.name)
def test_each_file_matches_its_json_schema(path: Path) -> None:
    schema = json.loads((REPO / "resources" / "schema" /
                         f"{SCHEMAS[path.parent.name]}.schema.json").read_text())
    data = _plain(tomllib.loads(path.read_text(encoding="utf-8")))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_ids_are_unique_across_every_practice_file() -> None:
    ids = [i.id for i in _items([*SCENARIOS, *VIGNETTES, *CASES])]
    assert len(ids) == len(set(ids))


def test_every_drill_choice_carries_feedback_and_a_source() -> None:
    for scenario in _items(SCENARIOS):
        assert isinstance(scenario, Scenario)
        assert scenario.call_for_help
        for node in scenario.nodes:
            for choice in node.choices:
                assert choice.feedback and choice.technique and choice.source, \
                    (scenario.id, node.id)
            if node.ending is not None and node.ending.kind is EndingKind.RESTRAINT:
                text = " ".join(node.ending.requirements).lower()
                for must in ("order", "hour", "face to face", "monitor", "debrief"):
                    assert must in text or must.replace(" ", "-") in text, (scenario.id, must)


def test_vignette_exemplars_pass_the_checker() -> None:
    from mht_desktop.core.practice.note_checker import check_note

    lexicon = shipped_lexicon()
    for vignette in _items(VIGNETTES):
        assert isinstance(vignette, Vignette)
        assert check_note(vignette.exemplar, vignette.format, lexicon, vignette.context) == []


def test_every_case_names_whose_rule_decides() -> None:
    for case in _items(CASES):
        assert isinstance(case, DisclosureCase)
        for key in case.fields:
            assert key.rule.code and key.why, (case.id, key.field)
        fields = {k.field for k in case.fields}
        assert fields & {RecordField.PSYCHOTHERAPY_NOTES, RecordField.SUD_RECORDS,
                         RecordField.PRESENCE, RecordField.MEDICATIONS}, case.id


# Issue 18's minimums for what ships.
MIN_SCENARIOS, MIN_VIGNETTES, MIN_CASES = 14, 16, 16


def test_at_least_fourteen_scenarios_ship_across_every_setting() -> None:
    from mht_desktop.core.practice.drills import Setting
    from mht_desktop.core.practice.validation import MIN_ENDINGS, MIN_NODES

    scenarios = [s for s in _items(SCENARIOS) if isinstance(s, Scenario)]
    assert len(scenarios) >= MIN_SCENARIOS
    assert {s.setting for s in scenarios} == set(Setting)
    small = [s.id for s in scenarios
             if len(s.nodes) < MIN_NODES or len(s.endings) < MIN_ENDINGS]
    assert small == []


def test_at_least_sixteen_vignettes_ship() -> None:
    assert len(_items(VIGNETTES)) >= MIN_VIGNETTES


def test_at_least_sixteen_disclosure_cases_ship() -> None:
    assert len(_items(CASES)) >= MIN_CASES


def test_every_dangerous_moment_offers_the_team_first() -> None:
    """At acting out the best choice calls for help, and no hands-on choice is made alone."""
    from mht_desktop.core.practice.drills import Level, Rating

    for scenario in _items(SCENARIOS):
        assert isinstance(scenario, Scenario)
        assert scenario.review_due is not None and scenario.reviewed is not None
        assert scenario.review_due > scenario.reviewed, scenario.id
        for node in scenario.nodes:
            if node.level is not Level.ACTING_OUT or node.ending is not None:
                continue
            best = [c for c in node.choices if c.rating is Rating.BEST]
            assert best and all(c.calls_help for c in best), (scenario.id, node.id)
            for choice in node.choices:
                if choice.hands_on and choice.rating is not Rating.POOR:
                    assert choice.calls_help, (scenario.id, node.id, choice.text)
