"""Hostile progress files (kept in tests/fixtures/hostile) give a clear message, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from mht_desktop.cli.main import main
from mht_desktop.services.progress_file import ProgressFileError, read

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
EXPECTED = {
    "nested-brackets.json": "nested-brackets.json: not a progress file (its JSON is nested "
                            "too deeply to be one)",
    "huge-number.json": "huge-number.json: not a progress file (it holds a number too long "
                        "to be a count or a score",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_progress_file_is_refused_clearly(name: str) -> None:
    with pytest.raises(ProgressFileError) as caught:
        read(FIXTURES / name)
    assert str(caught.value).startswith(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_report_class_names_the_hostile_file_and_exits_1(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["report", "class", str(FIXTURES / name), "--out", str(tmp_path / "c.pdf")])
    err = capsys.readouterr().err
    assert status == 1 and EXPECTED[name][:40] in err and "Traceback" not in err
