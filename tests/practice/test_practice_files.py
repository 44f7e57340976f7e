"""Reading and validating scenario, vignette and case files: FILE:LINE errors, safety rules."""

from __future__ import annotations

import pytest

from mht_desktop.core.errors import Severity
from mht_desktop.core.practice.drills import Level, Rating, Scenario
from mht_desktop.formats.practice_files import PracticeKind, detect_kind, read_practice
from mht_desktop.services.practice import check_practice_text
from tests.practice.conftest import CASES, SCENARIO, VIGNETTES


def _errors(text: str, name: str = "f.toml", strict: bool = False) -> list[str]:
    parsed = check_practice_text(text, file=name, strict=strict)
    return [str(p) for p in parsed.problems if p.severity is Severity.ERROR]


@pytest.mark.parametrize(("text", "kind"), [(SCENARIO, PracticeKind.SCENARIO),
                                            (VIGNETTES, PracticeKind.VIGNETTE),
                                            (CASES, PracticeKind.CASE)])
def test_each_kind_reads_and_is_detected(text: str, kind: PracticeKind) -> None:
    parsed = check_practice_text(text, file="x.toml")
    assert parsed.kind is kind and not parsed.errors, parsed.problems
    assert len(parsed.items) == 1
    assert detect_kind(text) is kind


def test_a_scenario_keeps_its_graph_and_lines() -> None:
    scenario = read_practice(SCENARIO, file="s.toml").items[0]
    assert isinstance(scenario, Scenario)
    assert scenario.node("a").level is Level.ANXIOUS
    assert scenario.node("team").level is Level.TENSION_REDUCTION
    grab = scenario.node("a").choices[1]
    assert grab.hands_on and grab.rating is Rating.POOR
    # Lines point at the tables in the file.
    lines = SCENARIO.split("\n")
    assert lines[scenario.node("a").line - 1].strip() == "[[node]]"
    assert lines[grab.line - 1].strip() == "[[node.choice]]"


def test_syntax_errors_name_the_line() -> None:
    broken = SCENARIO.replace('says = "I want my phone."', 'says = "I want my phone.')
    line = broken.split("\n").index('says = "I want my phone.') + 1
    errors = _errors(broken, "s.toml")
    assert len(errors) == 1 and errors[0].startswith(f"s.toml:{line}: not valid TOML")


def test_a_bad_value_names_its_key_line() -> None:
    text = SCENARIO.replace('level = "anxious"', 'level = "furious"')
    line = text.split("\n").index('level = "furious"') + 1
    assert _errors(text, "s.toml") == [
        f"s.toml:{line}: node a: 'level' is 'furious'; use one of: calm, anxious, defensive, "
        "acting-out, tension-reduction"]


def test_a_link_to_a_missing_node_is_refused() -> None:
    text = SCENARIO.replace('goto = "hurt"', 'goto = "nowhere"')
    errors = _errors(text)
    assert any("goes to 'nowhere', which does not exist" in e for e in errors)
    assert any("node 'hurt' cannot be reached from the start" in e for e in errors)


def test_hands_on_below_acting_out_must_be_rated_poor() -> None:
    text = SCENARIO.replace('''text = "Grab his arm"
goto = "worse"
rating = "poor"''', '''text = "Grab his arm"
goto = "worse"
rating = "ok"''')
    errors = _errors(text)
    assert len(errors) == 1 and "goes hands-on while the person is anxious" in errors[0]
    assert errors[0].startswith("f.toml:")


def test_restraint_needs_requirements_and_acting_out() -> None:
    text = SCENARIO.replace('ending = "harm"', 'ending = "restraint"').replace(
        'rating = "poor"\nsays = "..."', 'rating = "ok"\nsays = "..."')
    errors = _errors(text)
    assert any("does not list what the rules then require" in e for e in errors)
    early = SCENARIO.replace('text = "Grab his arm"\ngoto = "worse"',
                             'text = "Grab his arm"\ngoto = "hurt"').replace(
        'ending = "harm"', 'ending = "restraint"')
    assert any("leads to restraint from the anxious level" in e for e in _errors(early))


def test_a_drill_must_offer_calling_for_help() -> None:
    text = SCENARIO.replace("calls_help = true", "calls_help = false")
    assert any("never offers calling for help" in e for e in _errors(text))


def test_the_best_path_must_end_well() -> None:
    text = SCENARIO.replace('''text = "Listen"
goto = "calm"''', '''text = "Listen"
goto = "hurt"''')
    errors = _errors(text)
    assert any("not an ending rated best" in e for e in errors)


def test_strict_needs_eight_nodes_and_three_choices() -> None:
    errors = _errors(SCENARIO, strict=True)
    assert any("has 5 nodes; at least 8" in e for e in errors)
    assert any("node 'worse' has 2 choices; give 3 to 4" in e for e in errors)


def test_two_kinds_in_one_file_are_refused() -> None:
    errors = _errors(SCENARIO + "\n" + VIGNETTES.replace("format = 1", ""))
    assert errors == ["f.toml:1: the file holds more than one kind of exercise (scenario, "
                      "vignette); put each kind in its own file"]


def test_a_file_that_is_not_a_practice_file() -> None:
    assert _errors('format = 1\n[bank]\nid = "x"\n') == [
        "f.toml:1: the file is not a practice file: it needs a [scenario] table, or "
        "[[vignette]] or [[case]] tables"]


def test_a_newer_format_is_refused() -> None:
    assert _errors(VIGNETTES.replace("format = 1", "format = 2")) == [
        "f.toml:2: format 2 is not supported; this version of MHT Desktop reads practice "
        "format 1"]


def test_an_exemplar_the_checker_flags_is_an_error_when_strict() -> None:
    text = VIGNETTES.replace('Pt stated "I am going to run away tonight"',
                             "Pt was angry and said he would run away")
    parsed = check_practice_text(text, file="v.toml", strict=True)
    assert [p.severity for p in parsed.problems] == [Severity.ERROR]
    assert "the exemplar note is flagged by the checker" in parsed.problems[0].message
    lenient = check_practice_text(text, file="v.toml")
    assert [p.severity for p in lenient.problems] == [Severity.WARNING]


def test_a_bad_late_entry_time_is_refused() -> None:
    text = VIGNETTES.replace('format = "narrative"', 'format = "narrative"\nwritten_at = "5pm"')
    assert any("'written_at' is '5pm'" in e for e in _errors(text))


def test_case_rules_for_psychotherapy_notes_and_part_2() -> None:
    text = CASES + '''
[[case.field]]
field = "psychotherapy-notes"
content = "Notes."
expect = "share"
why = "?"
rule = "B3"

[[case.field]]
field = "sud-records"
content = "Detox."
expect = "share"
why = "?"
rule = "B3"
'''
    errors = _errors(text)
    assert any("psychotherapy notes to be shared without citing" in e for e in errors)
    assert any("Part 2 records to be shared without citing" in e for e in errors)


def test_case_field_expectations_and_names_are_checked() -> None:
    text = CASES.replace('field = "medications"', 'field = "meds"').replace(
        'expect = "do"', 'expect = "share"')
    errors = _errors(text)
    assert any("'field' is 'meds'; use one of: presence" in e for e in errors)
    assert any("'expect' must be do, avoid or either for an action" in e for e in errors)


def test_review_due_is_read_and_must_follow_reviewed() -> None:
    fine = check_practice_text(SCENARIO.replace("reviewed = 2026-12-01",
                                                "reviewed = 2026-12-01\nreview_due = 2027-12-01"),
                               file="due.scenario.toml")
    assert not fine.errors and str(fine.items[0].review_due) == "2027-12-01"
    early = check_practice_text(SCENARIO.replace("reviewed = 2026-12-01",
                                                 "reviewed = 2026-12-01\nreview_due = 2026-01-01"),
                                file="early.scenario.toml")
    assert [p.message for p in early.errors] == [
        "'test-scenario': review_due (2026-01-01) must come after reviewed (2026-12-01)"]
    missing = check_practice_text(SCENARIO, file="none.scenario.toml", strict=True)
    assert any("no review_due date" in p.message for p in missing.errors)
