"""Time the Progress dashboard and the PDF report on the benchmark data (not a test).

    python bench/time_progress.py [--data-dir DIR] [--size smoke|full] [--repeat N]

Makes (or reuses) the data of bench/generate.py — at full size 50,000 cards, 500,000 review
logs and 20,000 quiz answers — and prints the median time of ``StatsService.dashboard()`` for
each period filter, of gathering the report's data, and of writing the full report PDF. The
budgets (150 ms for the dashboard, 1.5 s for the PDF) are printed beside the figures; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, generate
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.periods import PeriodKind
from mht_desktop.services.context import AppContext
from mht_desktop.services.stats import StatsService


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time in milliseconds, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description="Time the Progress dashboard and report.")
    parser.add_argument("--data-dir", type=Path, help="reuse data made by generate.py")
    parser.add_argument("--size", choices=["smoke", "full"], default="full")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from mht_desktop.rendering.headless import ensure_gui_app
    from mht_desktop.rendering.report import Paper, write_learner_pdf

    ensure_gui_app()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not (data_dir / "mht-desktop.sqlite3").exists():
            print(f"generating {args.size} data in {data_dir}…", flush=True)
            generate(data_dir, args.size)
        ctx = AppContext.open(data_dir)
        try:
            profile_id = ctx.profiles.by_name("bench").id
            stats = StatsService(ctx.db, FixedClock(NOW), profile_id, zone=UTC)
            with ctx.db.engine.connect() as c:
                logs = c.exec_driver_sql("SELECT count(*) FROM review_logs").scalar()
                cards = c.exec_driver_sql("SELECT count(*) FROM cards").scalar()
                answers = c.exec_driver_sql("SELECT count(*) FROM attempt_items "
                                            "WHERE answered_at IS NOT NULL").scalar()
            print(f"data: {cards:,} cards, {logs:,} review logs, {answers:,} quiz answers")
            for kind in PeriodKind:
                if kind is PeriodKind.CUSTOM:
                    continue
                ms = median_ms(lambda k=kind: stats.dashboard(k), args.repeat)
                print(f"dashboard ({kind.value:>3}):   {ms:7.1f} ms   (budget 150 ms)")
            print(f"report data (all):  {median_ms(stats.report, args.repeat):7.1f} ms")
            report = stats.report()
            out = Path(tmp) / "report.pdf"
            ms = median_ms(lambda: write_learner_pdf(report, out, Paper.LETTER), 3)
            print(f"report PDF (Letter): {ms:6.1f} ms   (budget 1500 ms, data excluded)")
            total = median_ms(lambda: write_learner_pdf(stats.report(), out, Paper.LETTER), 3)
            print(f"report data + PDF:   {total:6.1f} ms   (budget 1500 ms)")
        finally:
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
