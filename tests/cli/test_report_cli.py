from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.progress_history import add_history, new_learner

from mht_desktop.core.clock import FixedClock
from mht_desktop.launcher import main
from mht_desktop.services.context import AppContext

# In-process commands draw with Qt: ``qapp`` makes the QApplication first so the renderer
# reuses it (a bare QGuiApplication would break the widget tests that run later).
pytestmark = pytest.mark.usefixtures("qapp")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFKC", p.extract_text()).split())
                    for p in PdfReader(path).pages)


@pytest.fixture
def data_dir(tmp_path: Path, clock: FixedClock, sample_bank_file: Path) -> Path:
    folder = tmp_path / "D"
    ctx = AppContext.open(folder, clock=clock)
    add_history(new_learner(ctx, clock, sample_bank_file, name="Ana"))
    ctx.close()
    return folder


def run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def test_report_for_a_learner(data_dir: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ana.pdf"
    assert run(data_dir, "report", "--profile", "ana", "--out", str(out)) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {out} (")
    text = pdf_text(out)
    assert "Progress report" in text and "Ana" in text and "Sign-off" in text
    assert round(float(PdfReader(out).pages[0].mediabox.width)) == 612  # Letter by default


def test_report_paper_and_period(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ana-a4.pdf"
    assert run(data_dir, "report", "--profile", "Ana", "--from", "2026-01-03", "--to",
               "2026-01-05", "--paper", "a4", "--out", str(out)) == 0
    assert round(float(PdfReader(out).pages[0].mediabox.width)) == 595
    assert "2026-01-03 – 2026-01-05" in pdf_text(out)


def test_unknown_profile_is_an_error_on_stderr(data_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert run(data_dir, "report", "--profile", "nobody", "--out", str(out)) == 1
    assert "There is no profile called 'nobody'" in capsys.readouterr().err
    assert not out.exists()
    assert run(data_dir, "progress", "export", "--profile", "nobody", "--out",
               str(tmp_path / "x.json")) == 1


def test_unwritable_output_is_an_error(data_dir: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing-folder" / "x.pdf"
    assert run(data_dir, "report", "--profile", "Ana", "--out", str(out)) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["report", "--out", "x.pdf"],                                   # neither form
    ["report", "class", "--out", "x.pdf"],                          # no files
    ["report", "bogus", "f.json", "--out", "x.pdf"],                # unknown kind
    ["report", "class", "a.json", "--profile", "Ana", "--out", "x.pdf"],
    ["report", "--profile", "Ana", "--from", "2026-01-05", "--to", "2026-01-01",
     "--out", "x.pdf"],
])
def test_usage_errors_exit_2(data_dir: Path, args: list[str],
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data_dir, *args) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["report", "--profile", "Ana"],                                  # no --out
    ["report", "--profile", "Ana", "--from", "2026-13-01", "--out", "x.pdf"],
    ["report", "--profile", "Ana", "--paper", "legal", "--out", "x.pdf"],
    ["progress", "export", "--out", "x.json"],                       # no --profile
])
def test_argparse_usage_errors_exit_2(data_dir: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(data_dir, *args)
    assert exit_info.value.code == 2


def test_progress_export_then_class_report(data_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ana = tmp_path / "ana.json"
    assert run(data_dir, "progress", "export", "--profile", "Ana", "--out", str(ana)) == 0
    data = json.loads(ana.read_text(encoding="utf-8"))
    assert data["format"] == "mht-progress" and data["learner"]["name"] == "Ana"
    table = tmp_path / "ana.csv"
    assert run(data_dir, "progress", "export", "--profile", "Ana", "--out", str(table)) == 0
    assert table.read_text(encoding="utf-8").startswith("learner,program,period,topic_id")
    data["learner"]["name"] = "Ben"
    ben = tmp_path / "ben.json"
    ben.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "class.pdf"
    capsys.readouterr()
    assert main(["report", "class", str(ana), str(ben), "--out", str(out)]) == 0
    assert "for 2 trainee(s)" in capsys.readouterr().out
    text = pdf_text(out)
    assert "Class summary" in text and "Ana" in text and "Ben" in text
    bad = tmp_path / "bad.json"
    assert main(["report", "class", str(ana), str(bad), str(table), "--out",
                 str(tmp_path / "no.pdf")]) == 1
    err = capsys.readouterr().err
    assert "bad.json: cannot be read" in err and "ana.csv: not valid JSON" in err
    assert not (tmp_path / "no.pdf").exists()


def test_report_renders_without_a_display(data_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "headless.pdf"
    done = subprocess.run([sys.executable, "-m", "mht_desktop", "--data-dir", str(data_dir),
                           "report", "--profile", "Ana", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Ana" in pdf_text(out)
