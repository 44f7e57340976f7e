from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.progress_history import Learner, add_history, new_learner

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.periods import PeriodKind
from mht_desktop.services import progress_file
from mht_desktop.services.context import AppContext
from mht_desktop.services.progress_file import ProgressFileError


@pytest.fixture
def history(ctx: AppContext, clock: FixedClock, sample_bank_file: Path) -> Learner:
    return add_history(new_learner(ctx, clock, sample_bank_file))


@pytest.fixture
def exported(history: Learner, tmp_path: Path) -> Path:
    history.ctx.profiles.update_settings(history.profile_id, program="PT program",
                                         instructor="Dr. Chen")
    report = history.stats().report(PeriodKind.DAYS_30)
    return progress_file.write(progress_file.from_report(report), tmp_path / "ana.json")


def test_json_round_trip(exported: Path) -> None:
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("mht-progress", 2)
    assert data["learner"] == {"name": "Ana", "program": "PT program", "instructor": "Dr. Chen"}
    assert data["period"] == {"label": "Last 30 days", "from": "2025-12-07", "to": "2026-01-05"}
    assert [t["id"] for t in data["topics"]] == ["privacy", "safety"]
    privacy = data["topics"][0]
    assert (privacy["questions_answered"], privacy["accuracy"], privacy["cards_reviewed"],
            privacy["missed_questions"], privacy["confidence"]) == (4, 0.75, 1, 0, "good data")
    assert [(e["score"], e["passed"], e["questions"]) for e in data["exam_attempts"]] == [
        (1.0, True, 3)]
    read = progress_file.read(exported)
    assert (read.learner, read.program, read.period_label, read.source) == (
        "Ana", "PT program", "Last 30 days", "ana.json")
    assert [(t.id, t.questions_answered, t.accuracy) for t in read.topics] == [
        ("privacy", 4, 0.75), ("safety", 1, 1.0)]
    assert read.exams[0].score == 1.0 and read.exams[0].questions == 3
    assert read.overall_readiness == data["overall"]["readiness"]


def test_only_this_learners_data_is_exported(history: Learner, tmp_path: Path) -> None:
    other, _ = history.ctx.profiles.create("Ben")
    report = history.ctx.stats(other.id).report()
    text = progress_file.write(progress_file.from_report(report), tmp_path / "ben.json") \
        .read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["learner"]["name"] == "Ben" and "Ana" not in text
    assert data["exam_attempts"] == [] and all(t["questions_answered"] == 0
                                               for t in data["topics"])


def test_csv_has_one_row_per_topic(history: Learner, tmp_path: Path) -> None:
    report = history.stats().report(PeriodKind.DAYS_30)
    out = progress_file.write(progress_file.from_report(report), tmp_path / "ana.csv", "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["topic_id"] for r in rows] == ["privacy", "safety"]
    assert rows[0]["learner"] == "Ana" and rows[0]["accuracy"] == "0.7500"
    assert tuple(rows[0]) == progress_file.CSV_COLUMNS
    with pytest.raises(ProgressFileError, match="Unknown progress file format"):
        progress_file.write(progress_file.from_report(report), tmp_path / "x", "xml")


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(version=3), "ana.json: written by a newer version of MHT Desktop "
                                    "(progress file version 3; this app reads up to version 2)"),
    (lambda d: d.update(practice={"notes": {"checked": -1}}), "ana.json: 'practice.notes': "
                                                              "'checked' must be a whole number"),
    (lambda d: d.update(practice={"disclosure": {"errors_by_rule": {"B4": "x"}}}),
     "ana.json: 'practice.disclosure.errors_by_rule': 'B4' must be a whole number"),
    (lambda d: d.update(format="moodle"), "ana.json: not an MHT Desktop progress file (its "
                                          "format is 'moodle')"),
    (lambda d: d.update(version="1"), "ana.json: 'version' must be a whole number"),
    (lambda d: d["learner"].update(name=""), "ana.json: 'learner': 'name' must be a non-empty"),
    (lambda d: d["topics"][1].update(readiness=1.5), "ana.json: topic 2: 'readiness' must be a "
                                                     "number from 0 to 1, or null"),
    (lambda d: d["topics"][0].update(questions_answered=-1), "ana.json: topic 1: "
                                                             "'questions_answered' must be"),
    (lambda d: d.update(topics={}), "ana.json: 'topics' must be a list"),
    (lambda d: d.update(generated_at="yesterday"), "ana.json: 'generated_at' must be a date"),
    (lambda d: d["exam_attempts"][0].update(passed="yes"), "ana.json: exam attempt 1: 'passed' "
                                                           "must be true, false or null"),
    (lambda d: d["period"].update(to=None), "ana.json: 'period.to' must be a date"),
])
def test_malformed_foreign_and_newer_files_are_refused_clearly(
        exported: Path, change: object, message: str) -> None:
    data = json.loads(exported.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    exported.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProgressFileError) as failure:
        progress_file.read(exported)
    assert str(failure.value).startswith(message)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ProgressFileError, match=r"^ana.csv: not valid JSON \(line 1, column 1"):
        progress_file.read(_write(tmp_path, "ana.csv", "learner,topic\nAna,x\n"))
    with pytest.raises(ProgressFileError, match="^list.json: not an MHT Desktop progress file"):
        progress_file.read(_write(tmp_path, "list.json", [1, 2]))
    with pytest.raises(ProgressFileError, match="^gone.json: cannot be read"):
        progress_file.read(tmp_path / "gone.json")
    binary = tmp_path / "pic.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProgressFileError, match="^pic.json: not a text file"):
        progress_file.read(binary)


def test_class_summary_from_several_files(exported: Path, tmp_path: Path) -> None:
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["learner"]["name"] = "Ben"
    data["topics"] = [dict(data["topics"][1], readiness=0.5),
                      {"id": "extra", "title": "Extra topic", "readiness": None}]
    ben = _write(tmp_path, "ben.json", data)
    bad = _write(tmp_path, "bad.json", {"format": "mht-progress", "version": 9})
    files, errors = progress_file.read_many([exported, ben, bad])
    assert [f.learner for f in files] == ["Ana", "Ben"]
    assert errors == ["bad.json: written by a newer version of MHT Desktop (progress file "
                      "version 9; this app reads up to version 2). Update the app to read it."]
    summary = progress_file.class_summary(files)
    assert summary.trainees == ("Ana", "Ben")
    rows = {r.topic_id: r.values for r in summary.rows}
    assert set(rows) == {"privacy", "safety", "extra"}
    assert rows["safety"][1] == 0.5 and rows["privacy"][1] is None
    assert rows["extra"] == (None, None)
    twice = progress_file.class_summary([files[0], files[0]])
    assert twice.trainees == ("Ana (ana.json)", "Ana (ana.json)")


def test_csv_export_neutralises_formula_cells(history: Learner, tmp_path: Path) -> None:
    """A learner named like a formula must not run in the instructor's spreadsheet."""
    history.ctx.profiles.update_settings(history.profile_id, program="@SUM(1+1)")
    renamed, _ = history.ctx.profiles.rename(history.profile_id, '=HYPERLINK("http://x","y")')
    report = history.ctx.stats(renamed.id).report(PeriodKind.DAYS_30)
    out = progress_file.write(progress_file.from_report(report), tmp_path / "ana.csv", "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["learner"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows[0]["program"] == "'@SUM(1+1)"
    assert rows[0]["accuracy"] == "0.7500"  # numbers are left alone


def test_practice_round_trips_in_version_2(history: Learner, tmp_path: Path) -> None:
    from mht_desktop.core.practice.disclosure import RecordField
    from mht_desktop.core.practice.note_checker import NoteFormat

    practice = history.ctx.practice(history.profile_id)
    state, _ = practice.start_drill("adult-inpatient-phone-call")
    for node in ("pacing", "listening", "settling"):
        state, _ = practice.choose(state.attempt_id, node, 0)
    practice.check_note("Pt was angry.", NoteFormat.NARRATIVE)
    practice.submit_disclosure("mother-on-the-phone", {RecordField.PRESENCE}, set())
    report = history.stats().report(PeriodKind.DAYS_30)
    out = progress_file.write(progress_file.from_report(report), tmp_path / "ana.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["practice"]["drills"] == {"completed": 1, "scenarios": 1, "best_path": 1,
                                          "mean_score": 1.0, "by_ending": {"resolved": 1}}
    assert data["practice"]["notes"]["checked"] == 1
    assert data["practice"]["notes"]["by_rule"]["opinion"] == 1
    assert data["practice"]["notes"]["by_day"] == [["2026-01-05", 1, 3]]
    assert data["practice"]["disclosure"]["errors_by_rule"]["B4"] == 2
    assert "Pt was angry" not in out.read_text(encoding="utf-8")  # no note text leaves
    read = progress_file.read(out)
    assert read.practice is not None
    assert read.practice.drills.by_ending == {"resolved": 1}
    assert read.practice.notes.by_rule == data["practice"]["notes"]["by_rule"]
    assert read.practice.disclosure.cases == 1


def test_version_1_files_are_still_read(exported: Path) -> None:
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["version"] = 1
    del data["practice"]
    exported.write_text(json.dumps(data), encoding="utf-8")
    read = progress_file.read(exported)
    assert read.learner == "Ana" and read.practice is None
    data["practice"] = {"drills": {"completed": "lots"}}  # ignored: not part of version 1
    exported.write_text(json.dumps(data), encoding="utf-8")
    assert progress_file.read(exported).practice is None
