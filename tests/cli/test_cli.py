from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mht_desktop import __version__
from mht_desktop.launcher import main
from mht_desktop.storage.database import Database, head_revision
from mht_desktop.storage.paths import DATABASE_NAME


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mht-desktop {__version__}"


def test_profile_create_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "D"
    assert main(["--data-dir", str(data), "profile", "create", "Ana"]) == 0
    assert main(["--data-dir", str(data), "profile", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Ana"
    db = Database.open(data)
    assert db.current_revision() == head_revision()
    db.close()
    assert main(["--data-dir", str(data), "profile", "create", "ana"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["profile", "explode"])
    assert exit_info.value.code == 2


def test_corrupt_database_message_on_stderr(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "D"
    data.mkdir()
    (data / DATABASE_NAME).write_text("not a database")
    assert main(["--data-dir", str(data), "profile", "list"]) == 1
    err = capsys.readouterr().err
    assert "not an MHT Desktop database" in err and str(data) in err
    assert (data / DATABASE_NAME).read_text() == "not a database"


def test_bank_commands(tmp_path: Path, sample_bank_file: Path,
                       capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path / "D")]
    assert main(["bank", "validate", str(sample_bank_file)]) == 0
    assert main(["bank", "validate", "--json", str(sample_bank_file)]) == 0
    [report] = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert report["valid"] and report["questions"] == 3 and report["flashcards"] == 2
    assert report["by_topic"]["privacy"] == {"questions": 2, "flashcards": 1}
    assert main([*data, "bank", "import", str(sample_bank_file)]) == 0
    capsys.readouterr()
    assert main([*data, "bank", "list"]) == 0
    assert capsys.readouterr().out.startswith("sample\t")
    out = tmp_path / "out.toml"
    assert main([*data, "bank", "export", "sample", "--format", "native", "--out", str(out)]) == 0
    assert out.exists()
    assert main([*data, "bank", "remove", "sample"]) == 0
    assert main([*data, "bank", "remove", "sample"]) == 1


def test_bank_validate_reports_lines_and_fails(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.mhtbank.toml"
    bad.write_text('format = 1\n[bank]\nid = "x1"\ntitle = "X"\n[[topics]]\nid = "t"\n'
                   '[[questions]]\nid = "q1"\ntopic = "t"\nstem = "?"\n'
                   '[[questions.choices]]\ntext = "a"\ncorrect = false\n'
                   '[[questions.choices]]\ntext = "b"\ncorrect = false\n')
    assert main(["bank", "validate", "--json", str(bad)]) == 1
    [report] = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {"line": 7, "item": "q1", "message": "question 'q1' has no correct answer"} in \
        report["errors"]


def test_python_dash_m_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "mht_desktop", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and __version__ in result.stdout
