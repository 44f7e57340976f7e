"""What the data-safety issue measured, measured again: `bank validate` on a bank with a
problem per question, and the peak memory of importing files at and over the size limit.

Usage::

    python bench/limits.py [--questions 9280] [--folder DIR] [--json FILE]

Each measurement runs the real command or service in a child process (``mht-desktop bank
validate``; ``BankService.import_file`` on a real database) and reads the child's own peak
resident memory (VmHWM), against a baseline child that only imports the package.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import question_bank
from mht_desktop.core.banks import BankFormat
from mht_desktop.formats import write_bank
from mht_desktop.formats.registry import MAX_TEXT_BYTES

_PEAK = """
import sys
{body}
with open('/proc/self/status') as status:
    print(next(line.split()[1] for line in status if line.startswith('VmHWM:')))
"""
_IMPORT = """
from pathlib import Path
from mht_desktop.services.context import AppContext
ctx = AppContext.open(Path(sys.argv[1]))
report, _ = ctx.banks.import_file_now(Path(sys.argv[2]))
print('imported' if report.imported else 'refused: ' + str(report.errors[0])[:120],
      file=sys.stderr)
ctx.close()
"""


def _child(body: str, *args: str) -> tuple[float, float, str]:
    """(seconds, peak MB, stderr) of a child running ``body``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK.format(body=body), *args],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = int(done.stdout.split()[-1]) / 1024 if done.stdout.split() else float("nan")
    return seconds, peak, done.stderr.strip()


def _validate(path: Path, *extra: str) -> tuple[float, int]:
    """Seconds of ``mht-desktop bank validate`` and the number of output lines."""
    cli = Path(sys.executable).with_name("mht-desktop")
    start = time.perf_counter()
    done = subprocess.run([str(cli), "bank", "validate", str(path), *extra],
                          capture_output=True, text=True, check=False)
    return time.perf_counter() - start, len((done.stdout + done.stderr).splitlines())


def _grow(text: str, target: int) -> str:
    """``text`` repeated (a CSV's header once) until just under ``target`` bytes."""
    header, _, body = text.partition("\n") if text.startswith("id,") else ("", "", text)
    unit = len(body.encode())
    copies = max(1, (target - len(header) - 1) // unit)
    return (header + "\n" if header else "") + body * copies


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=9_280)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="mht-limits-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}

    # 1. A problem on every question: no source and no rationale (two warnings each).
    bank = question_bank(args.questions)
    bare = replace(bank, questions=tuple(replace(q, source="", rationale="")
                                         for q in bank.questions))
    gift = folder / "no-sources.gift"
    gift.write_text(write_bank(bare, BankFormat.GIFT), encoding="utf-8")
    results["validate_text_s"], lines = _validate(gift)
    results["validate_json_s"], _ = _validate(gift, "--json")
    results["validate_lines"] = lines

    # 2. Peak memory of imports at the 32 MB text limit, and of a refused 100 MB file.
    results["baseline_mb"] = _child("import mht_desktop.services.context")[1]
    for name, fmt in (("csv", BankFormat.CSV), ("gift", BankFormat.GIFT)):
        per_question = len(write_bank(question_bank(1_000), fmt).encode()) / 1_000
        # Just under the limit, every id distinct, so the whole file is read and stored.
        fitting = int(MAX_TEXT_BYTES * 0.93 / per_question)  # ids grow longer with n
        files = {"at_limit": write_bank(question_bank(fitting, "limit-bank"), fmt),
                 "100mb": _grow(write_bank(question_bank(2_000), fmt), 100 << 20)}
        for label, text in files.items():
            path = folder / f"{label}.{name}"
            path.write_text(text, encoding="utf-8")
            data = Path(tempfile.mkdtemp(prefix="mht-limits-data-"))
            seconds, peak, said = _child(_IMPORT, str(data), str(path))
            results[f"import_{name}_{label}_s"] = seconds
            results[f"import_{name}_{label}_peak_mb"] = peak
            results[f"import_{name}_{label}_file_mb"] = path.stat().st_size / (1 << 20)
            results[f"import_{name}_{label}_questions"] = (fitting if label == "at_limit"
                                                           else float("nan"))
            print(f"  {path.name}: {said}", file=sys.stderr)

    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value:,.2f}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
