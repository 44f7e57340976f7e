"""``mht-desktop bank audit``: what must be checked again, and an exit code a script can use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mht_desktop.cli.main import main

UNDATED_BANK = """format = 1
[bank]
id = "unit-3"
title = "Unit 3"
version = "1"

[[topics]]
id = "pay-and-outlook"
title = "Pay"

[[questions]]
id = "u3-q1"
type = "truefalse"
topic = "pay-and-outlook"
source = "BLS"
reviewed = 2026-12-01
review_due = 2028-12-01
stem = "In May 2024 the BLS median for technicians was {{figure:bls-pay-median-technicians}}."
rationale = "It was."

[[questions.choices]]
text = "True"
correct = true

[[questions.choices]]
text = "False"
correct = false

[[questions]]
id = "u3-q2"
type = "truefalse"
topic = "pay-and-outlook"
stem = "No dates at all."

[[questions.choices]]
text = "True"
correct = true

[[questions.choices]]
text = "False"
correct = false
"""


def _audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["bank", "audit", *args])
    return code, capsys.readouterr().out


def test_shipped_content_is_current_today(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _audit(capsys, "--shipped", "--as-of", "2026-12-01")
    assert code == 0, out
    assert out.rstrip().endswith("Current.")


def test_in_2031_the_time_sensitive_items_and_figures_are_listed(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _audit(capsys, "--shipped", "--as-of", "2031-01-01", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["stale"] is True
    past = [f for f in report["findings"] if f["issue"] == "past-due"]
    stale_figures = {f["item"] for f in past if f["kind"] == "figure"}
    assert {"bls-pay-median-combined", "bls-growth-2024-34", "amca-mhtc-fee"} <= stale_figures
    # Every item that states a figure is listed, with the figures it states.
    with_figures = [f for f in past if f["figures"]]
    assert len(with_figures) >= 30
    assert all(f["review_due"] <= "2027-12-01" for f in with_figures)


def test_an_instructors_bank_names_undated_and_unconfirmed_items(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "unit-3.mhtbank.toml"
    bank.write_text(UNDATED_BANK, encoding="utf-8")
    code, out = _audit(capsys, str(bank), "--as-of", "2027-07-01")
    assert code == 1
    lines = out.splitlines()
    # The figure's date (June 2027) has passed, even though the item's own is 2028.
    assert f"{bank}:11: question u3-q1: past its review date (2027-06-01): check it against " \
           "its source; it states bls-pay-median-technicians, also past due" in lines
    assert any(line.startswith(f"{bank}:29: question u3-q2: has no review_due date")
               for line in lines)
    assert lines[-1].startswith("As of 2027-07-01: 2 items in 1 file(s); 2 past")
    code, out = _audit(capsys, str(bank), "--as-of", "2026-12-01", "--json")
    report = json.loads(out)
    assert code == 1 and report["counts"] == {"past-due": 0, "undated": 1, "unconfirmed": 0,
                                              "invalid": 0}
    assert report["findings"][0]["item"] == "u3-q2"


def test_an_unknown_figure_makes_the_bank_unreadable(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bad.mhtbank.toml"
    bank.write_text(UNDATED_BANK.replace("bls-pay-median-technicians", "bls-pay-2031"),
                    encoding="utf-8")
    code, out = _audit(capsys, str(bank), "--as-of", "2026-12-01")
    assert code == 1
    assert "unknown figure 'bls-pay-2031' in question 'u3-q1'" in out


def test_audit_without_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "audit"]) == 2
    assert "--shipped" in capsys.readouterr().err
