"""The CLI on a program's PostgreSQL server through --database-url (a real test server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mht_desktop.launcher import main


def test_bank_and_profile_commands_run_on_the_server(pg_head_url: str, sample_bank_file: Path,
                                                     tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "local"
    assert main(["--database-url", pg_head_url, "bank", "import", str(sample_bank_file)]) == 0
    assert main(["--database-url", pg_head_url, "profile", "create", "Ana"]) == 0
    capsys.readouterr()
    assert main(["--database-url", pg_head_url, "bank", "list"]) == 0
    assert capsys.readouterr().out.startswith("sample\tSample bank")
    # Nothing went to the local data folder: it was never even created.
    assert main(["--data-dir", str(local), "--database-url", pg_head_url, "profile",
                 "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Ana"]
    assert not local.exists()


def test_the_environment_names_the_server_too(pg_head_url: str,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MHT_DESKTOP_DATABASE_URL", pg_head_url)
    assert main(["profile", "create", "Ben"]) == 0
    monkeypatch.delenv("MHT_DESKTOP_DATABASE_URL")
    assert main(["--database-url", pg_head_url, "profile", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Ben"


def test_a_server_that_is_not_there_is_one_clear_line(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql+psycopg://ana:pw@/program?host={tmp_path}"
    assert main(["--database-url", url, "profile", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mht-desktop: Cannot reach the server at") and "pw@" not in err
    assert "Traceback" not in err
