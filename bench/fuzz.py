"""The importers' fuzz test, run long: many more cases than CI's 200, a new random seed each run.

It runs the very property CI runs (``tests/formats/test_fuzz.py``: no mutated or arbitrary
file makes an import raise anything but our own refusal, and a refused file writes nothing),
so there is one fuzzer, not two. Hypothesis shrinks any failure to a small file and prints it.

Usage::

    python bench/fuzz.py [--examples N] [--json FILE]

Prints the cases run, the time taken and pytest's verdict; exits with pytest's status.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST = "tests/formats/test_fuzz.py"


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz test with ``--examples`` cases per property and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000,
                        help="cases per format and property (CI runs 200)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    env = dict(os.environ, MHT_FUZZ_EXAMPLES=str(args.examples), MHT_FUZZ_RANDOM="1",
               QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST,
         "--hypothesis-show-statistics"],
        cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    cases = sum(int(n) for n in re.findall(r"(\d+) passing, \d+ failing", output))
    summaries = [line.strip(" =") for line in output.splitlines()
                 if re.search(r"\b\d+ (passed|failed)\b", line)]
    verdict = summaries[-1] if summaries else (
        "no failure" if done.returncode == 0 else f"pytest exited {done.returncode}")
    print(f"fuzz: {cases:,} cases in {seconds:.0f} s ({cases / seconds:.0f}/s): {verdict}")
    if done.returncode:
        print(output)
    if args.json:
        args.json.write_text(json.dumps({"cases": cases, "seconds": round(seconds, 1),
                                         "examples_per_property": args.examples,
                                         "returncode": done.returncode}, indent=2))
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
