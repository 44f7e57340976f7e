"""Benchmark "Optimize": fit FSRS to the benchmark learner's year of reviews.

    python bench/optimize.py --size smoke|full [--data-dir DIR]

Makes the data with bench/generate.py (unless DIR already holds it), then times the whole
use case the Optimize button runs (read the review log, build the items, fit, evaluate both
parameter sets) and prints the comparison with the defaults. Nothing is asserted: the
figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.banks import drain
from mht_desktop.services.context import AppContext
from mht_desktop.services.memory_model import MemoryModelService


def run(data_dir: Path) -> int:
    """Time Optimize on the ``bench`` profile in ``data_dir``."""
    ctx = AppContext.open(data_dir, clock=FixedClock(NOW))
    try:
        profile = ctx.profiles.by_name("bench")
        model = MemoryModelService(ctx.db, ctx.clock, profile.id, zone=UTC)
        started, cpu = time.perf_counter(), time.process_time()
        report = drain(model.optimize())
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        retention = model.retention()
    finally:
        ctx.close()
    fit = report.fit
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"Python {platform.python_version()}")
    if fit is None:
        print(report.message)
        return 1
    print(f"reviews used: {fit.reviews:,} on {fit.cards:,} cards")
    print(f"optimize use case: {total:.2f} s wall, {cpu:.2f} s CPU (fit + evaluate: "
          f"{fit.seconds:.2f} s wall); load average {os.getloadavg()[0]:.1f}")
    print(f"defaults: log-loss {fit.defaults.log_loss:.4f}  RMSE(bins) "
          f"{fit.defaults.rmse_bins:.4f}")
    print(f"fitted:   log-loss {fit.fitted.log_loss:.4f}  RMSE(bins) "
          f"{fit.fitted.rmse_bins:.4f}  improves: {fit.improves}")
    print("parameters: " + ", ".join(f"{w:.4f}" for w in fit.parameters))
    print("true retention: " + ", ".join(
        f"{p.days} d {p.passed}/{p.total}" for p in retention.periods))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["smoke", "full"], default="smoke")
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    if args.data_dir is not None:
        if not (args.data_dir / "mht-desktop.sqlite3").exists():
            generate(args.data_dir, args.size)
        return run(args.data_dir)
    with tempfile.TemporaryDirectory(prefix="mht-bench-") as folder:
        generate(Path(folder), args.size)
        return run(Path(folder))


if __name__ == "__main__":
    raise SystemExit(main())
