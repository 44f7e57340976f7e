"""The practice service on a real database: imports all or nothing, drills stored per
choice, notes and cases stored when checked, and the summary Progress shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.practice.disclosure import Action, RecordField
from mht_desktop.core.practice.drills import EndingKind
from mht_desktop.core.practice.note_checker import NoteFormat, Rule
from mht_desktop.services.context import AppContext
from mht_desktop.storage.models import PracticeAttemptRow, PracticeFileRow
from tests.practice.conftest import CASES, SCENARIO, VIGNETTES

Write = Callable[[str, str], Path]


def _count(ctx: AppContext, model: type) -> int:
    with ctx.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_shipped_exercises_are_in_the_catalogue(ctx: AppContext) -> None:
    catalogue = ctx.practice(None).catalogue()
    assert catalogue.scenarios and catalogue.vignettes and catalogue.cases
    assert not catalogue.imported


@pytest.mark.parametrize(("name", "text"), [("s.scenario.toml", SCENARIO),
                                            ("v.vignettes.toml", VIGNETTES),
                                            ("c.cases.toml", CASES)])
def test_import_then_listed(ctx: AppContext, write: Write, name: str, text: str) -> None:
    service = ctx.practice(None)
    report, changes = service.import_file(write(name, text))
    assert report.imported and changes.practice
    catalogue = service.catalogue()
    assert report.items[0].id in catalogue.imported
    # Importing the same file name again replaces it instead of clashing with itself.
    again, _ = service.import_file(write(name, text))
    assert again.imported and again.replaced
    assert _count(ctx, PracticeFileRow) == 1


@pytest.mark.parametrize("broken", [
    SCENARIO.replace('goto = "hurt"', 'goto = "nowhere"'),
    SCENARIO.replace('level = "anxious"', 'level = "furious"'),
    SCENARIO.replace("[scenario]", "[scenario"),
    VIGNETTES.replace('id = "test-vignette"', 'id = "Bad Id!"'),
    CASES.replace('field = "medications"', 'field = "meds"'),
])
def test_a_malformed_file_is_refused_and_nothing_is_stored(ctx: AppContext, write: Write,
                                                           broken: str) -> None:
    service = ctx.practice(None)
    report, changes = service.import_file(write("bad.toml", broken))
    assert not report.imported and report.errors and not changes.any
    assert all(p.line is not None for p in report.errors), [str(p) for p in report.errors]
    assert _count(ctx, PracticeFileRow) == 0
    assert service.catalogue().imported == frozenset()


def test_an_id_clash_is_refused(ctx: AppContext, write: Write) -> None:
    service = ctx.practice(None)
    service.import_file(write("one.scenario.toml", SCENARIO))
    report, _ = service.import_file(write("two.scenario.toml", SCENARIO))
    assert not report.imported
    assert "already used by the imported file one.scenario.toml" in report.errors[0].message
    shipped_id = service.catalogue().scenarios[0].id
    clash, _ = service.import_file(write("three.scenario.toml",
                                         SCENARIO.replace("test-scenario", shipped_id)))
    assert "ships with MHT Desktop" in clash.errors[0].message
    assert _count(ctx, PracticeFileRow) == 1


def test_missing_and_binary_files_are_reported(ctx: AppContext, tmp_path: Path) -> None:
    service = ctx.practice(None)
    assert service.validate_file(tmp_path / "none.toml").problems[0].message == "file not found"
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    assert not service.validate_file(binary).valid


def _learner(ctx: AppContext) -> int:
    return ctx.profiles.create("Ana")[0].id


def test_a_drill_is_stored_at_every_choice(ctx: AppContext, write: Write) -> None:
    ctx.practice(None).import_file(write("s.scenario.toml", SCENARIO))
    service = ctx.practice(_learner(ctx))
    state, changes = service.start_drill("test-scenario")
    assert changes.practice and state.node.id == "a"
    with ctx.db.session() as s:
        row = s.get(PracticeAttemptRow, state.attempt_id)
        assert row is not None and row.finished_at is None and row.detail == {"path": []}
    with pytest.raises(ValueError, match="not 'worse'"):
        service.choose(state.attempt_id, "worse", 0)  # a stale screen cannot answer
    state, _ = service.choose(state.attempt_id, "a", 1)  # grab his arm
    assert state.node.id == "worse" and state.debrief is None
    with ctx.db.session() as s:
        row = s.get(PracticeAttemptRow, state.attempt_id)
        assert row is not None and row.detail["path"] == [["a", 1, None, False]]
    state, _ = service.choose(state.attempt_id, "worse", 0)
    assert state.debrief is not None
    d = state.debrief
    assert d.ending.kind is EndingKind.TEAM_CALLED and d.hands_on_early and d.called_help
    assert d.score == 0.5 and not d.followed_best_path
    assert [line.chosen.text for line in d.best] == ["Listen"]
    with pytest.raises(ValueError, match="ended"):
        service.choose(state.attempt_id, "team", 0)
    summary = service.summary()
    assert summary.drills.completed == 1 and summary.drills.by_ending == {"team-called": 1}
    assert summary.drills.best_path == 0


def test_a_timed_out_choice_takes_the_poorest_response(ctx: AppContext, write: Write) -> None:
    ctx.practice(None).import_file(write("s.scenario.toml", SCENARIO))
    service = ctx.practice(_learner(ctx))
    state, _ = service.start_drill("test-scenario")
    state, _ = service.choose(state.attempt_id, "a", 0, seconds=20, timed_out=True)
    assert state.node.id == "worse" and state.steps[-1].timed_out


def test_another_learner_cannot_continue_a_drill(ctx: AppContext, write: Write) -> None:
    ctx.practice(None).import_file(write("s.scenario.toml", SCENARIO))
    ana = ctx.practice(_learner(ctx))
    state, _ = ana.start_drill("test-scenario")
    ben = ctx.practice(ctx.profiles.create("Ben")[0].id)
    with pytest.raises(NotFoundError):
        ben.choose(state.attempt_id, "a", 0)


def test_notes_and_cases_are_stored_and_summarised(ctx: AppContext, clock: FixedClock,
                                                   write: Write) -> None:
    service = ctx.practice(_learner(ctx))
    check, changes = service.check_note("Pt was angry and refused meds.", NoteFormat.NARRATIVE)
    assert changes.practice and {f.rule for f in check.flags} >= {Rule.LABEL, Rule.OPINION,
                                                                  Rule.TIME, Rule.FORMAT}
    clock.advance(timedelta(days=1))
    vignette = service.catalogue().vignettes[0]
    good, _ = service.check_note(vignette.exemplar, vignette.format, vignette_id=vignette.id)
    assert good.clean and good.vignette == vignette
    case = service.catalogue().cases[0]
    result, _ = service.submit_disclosure(case.id, {RecordField.PRESENCE}, set())
    assert not result.perfect and result.errors_by_rule
    summary = service.summary()
    assert summary.notes.checked == 2 and summary.notes.clean == 1
    assert summary.notes.flags == len(check.flags)
    assert summary.notes.by_rule["label"] == 1
    assert [n for _day, n, _f in summary.notes.by_day] == [1, 1]
    assert summary.disclosure.cases == 1 and summary.disclosure.perfect == 0
    assert summary.disclosure.errors_by_rule == result.errors_by_rule
    assert [r.kind.value for r in summary.recent] == ["disclosure", "note", "note"]


def test_a_perfect_disclosure_answer_scores_full_marks(ctx: AppContext) -> None:
    from mht_desktop.core.practice.disclosure import best_answer

    service = ctx.practice(_learner(ctx))
    for case in service.catalogue().cases:
        shared, actions = best_answer(case)
        result, _ = service.submit_disclosure(case.id, shared, actions)
        assert result.perfect and result.score == 1.0, case.id
    everything = set(RecordField)
    result, _ = service.submit_disclosure("mother-on-the-phone", everything, set(Action))
    assert result.errors_by_rule["B4"] >= 3
