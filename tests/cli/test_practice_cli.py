"""``practice validate|import|list`` and ``note check`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.practice.conftest import CASES, SCENARIO, VIGNETTES

from mht_desktop.launcher import main
from mht_desktop.storage.paths import DATABASE_NAME

REPO = Path(__file__).resolve().parents[2]


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_ok_and_file_line_errors(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    good = _file(tmp_path, "s.scenario.toml", SCENARIO)
    bad_text = SCENARIO.replace('goto = "hurt"', 'goto = "nowhere"')
    bad = _file(tmp_path, "bad.scenario.toml", bad_text)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "practice", "validate", str(good)]) == 0
    assert "s.scenario.toml: OK — 1 scenarios" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "practice", "validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    line = bad_text.split("\n").index('goto = "nowhere"') - 1  # the [[node.choice]] header
    assert f"bad.scenario.toml:{line}: node 'worse', choice 2 goes to 'nowhere'" in err
    assert "bad.scenario.toml: INVALID" in err
    assert not (data / DATABASE_NAME).exists()  # validation never touches the data


def test_validate_json_and_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "s.scenario.toml", SCENARIO)
    assert main(["practice", "validate", "--json", "--strict", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report[0]["valid"] is False and report[0]["kind"] == "scenario"
    assert any("at least 8" in e["message"] for e in report[0]["errors"])


def test_the_shipped_files_validate_strictly(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (REPO / "resources" / "practice").glob("*/*.toml")
                   if p.parent.name != "checker")
    assert main(["practice", "validate", "--strict", *files]) == 0, capsys.readouterr().err


def test_import_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    files = [str(_file(tmp_path, "s.scenario.toml", SCENARIO)),
             str(_file(tmp_path, "v.vignettes.toml", VIGNETTES)),
             str(_file(tmp_path, "c.cases.toml", CASES))]
    assert main(["--data-dir", data, "practice", "import", *files]) == 0
    out = capsys.readouterr().out
    assert "Imported s.scenario.toml: 1 scenarios (test-scenario)" in out
    broken = _file(tmp_path, "b.cases.toml", CASES.replace("[[case]]", "[[case"))
    assert main(["--data-dir", data, "practice", "import", str(broken)]) == 1
    assert "nothing was changed" in capsys.readouterr().err
    assert main(["--data-dir", data, "practice", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert "scenario\ttest-scenario\tTest scenario  [imported]" in listed
    assert "case\ttest-case\tTest case  [imported]" in listed
    assert any(row.startswith("vignette\thallway-pacing\t") for row in listed)


def test_note_check_prints_line_column_and_rule(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    note = _file(tmp_path, "note.txt", "D: 09:15 Pt refused meds.\nPt was angry.\n"
                                       "P: Continue Q15 checks.\n")
    assert main(["note", "check", str(note), "--format", "dap"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{note}:1:1: format: DAP (Data, Assessment, Plan): the "
                             "Assessment part is missing.")
    assert any(row.startswith(f"{note}:1:13: label: “refused”") for row in out)
    assert any(row.startswith(f"{note}:2:4: opinion: “was angry”") for row in out)


def test_note_check_json_and_clean_exit(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    clean = _file(tmp_path, "ok.txt", "14:30 Pt walked the hallway for 20 minutes.\n"
                                      "- J. Ortiz, MHT\n")
    assert main(["note", "check", str(clean)]) == 0
    assert "no flags" in capsys.readouterr().out
    late = _file(tmp_path, "late.txt", "14:30 Pt slipped and sat on the floor.\n"
                                       "- J. Ortiz, MHT\n")
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "note", "check", str(late), "--json",
                 "--vignette", "late-visit-entry"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["flagged"] is True
    assert [f["rule"] for f in report["flags"]] == ["late-entry", "late-entry", "quote"]
    assert {"line", "column", "rule", "message", "instead", "source"} <= set(report["flags"][0])


def test_note_check_of_a_missing_file_exits_2(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["note", "check", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
