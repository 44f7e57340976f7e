"""ui_stall: the longest time the GUI thread is busy while slow work runs.

A 5 ms event-loop heartbeat (a precise QTimer) runs in the real window, with the real
database lane; the stall is the longest gap between two beats, less the 5 ms period. Three
scenarios: a 10,000-question import (on the lane, as the Question banks view runs it after
checking the file), a PDF progress report (gathered on the lane, drawn and written as the
report preview does), and a timed exam of 100 questions left running (60 s; 5 s at smoke
size). Budget: no stall over 50 ms.

Two baselines run in the same process first, because on a shared machine the operating
system alone can keep the GUI thread off a core for tens of milliseconds: ``idle`` (the
heartbeat with nothing else running) and ``busy_worker`` (a pure-Python loop in a second
thread, which lets the GUI thread take the GIL every switch interval). A scenario's stall is
worth looking at only where it stands above those. ``first_visit`` is the learner opening
Progress and Quiz for the first time (each section is built on its first visit); the report
and the exam then start from their sections, as the learner starts them.

The lane shares the GIL with the GUI thread, and PySide6 holds the GIL through each Qt call:
a single long C++ call on the lane (a whole document's layout, a page painted at 300 dpi)
is a GUI stall as long as the call. Lane work is kept in short calls for that reason.

``--explain`` prints, per scenario, the longest gaps and the Python callbacks inside them
(``stall_trace.py``).

    python bench/ui_stall.py --data-dir DIR [--size smoke|full]   (data from generate.py)
"""

from __future__ import annotations

import argparse
import compileall
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

import mht_desktop
from mht_desktop.core.progress import CancelToken
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.dialog_service import QtDialogs
from mht_desktop.ui.main_window import MainWindow
from mht_desktop.ui.task_runner import GIL_SWITCH_INTERVAL_S, TaskRunner
from stall_trace import StallTrace, explain  # bench/stall_trace.py, beside this script

HEARTBEAT_MS = 5
BUDGET_MS = 50.0


class _SavePdfHere(QtDialogs):
    """The real dialogs, except that "where to save" answers a fixed path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def ask_save_path(self, parent: QWidget, title: str, suggested: str,
                      filters: str) -> str | None:
        return str(self.path)


# --explain: say what ran on the GUI thread in the longest gaps; --gil-switch-ms: an experiment
EXPLAIN: dict[str, float] = {"on": False, "switch_s": 0.0}


def longest_stall_ms(start: Callable[[Callable[[], None]], None], *, label: str = "settle",
                     at_least_s: float = 0.0, timeout_s: float = 300.0) -> float:
    """Run ``start(done)``; the longest heartbeat gap (ms, less the period) until ``done``."""
    app = QApplication.instance()
    assert app is not None
    loop = QEventLoop()
    finished = [False]
    last = [time.perf_counter()]
    worst = [0.0]
    gaps: list[tuple[float, float]] = []

    def beat() -> None:
        now = time.perf_counter()
        worst[0] = max(worst[0], now - last[0])
        if EXPLAIN["on"] and now - last[0] > 0.015:
            gaps.append((last[0], now))
        last[0] = now

    def done() -> None:
        finished[0] = True
        if time.perf_counter() - began >= at_least_s:
            loop.quit()

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(timeout_s * 1000))
    if at_least_s:
        QTimer.singleShot(int(at_least_s * 1000), lambda: finished[0] and loop.quit())
    began = time.perf_counter()
    last[0] = began
    heartbeat.start()
    trace = StallTrace(sys._getframe()) if EXPLAIN["on"] else None
    if trace is None:
        start(done)
        loop.exec()
    else:
        with trace:
            start(done)
            loop.exec()
    heartbeat.stop()
    if trace is not None:
        print(f"  {label}:")
        explain(gaps, trace, began=began)
    return max(0.0, worst[0] * 1000 - HEARTBEAT_MS)


def when_idle(tasks: TaskRunner, done: Callable[[], None]) -> None:
    """Call ``done`` once the lane has nothing left to do."""
    tasks.run(lambda: None, on_done=lambda _: done())


def when_warm(window: MainWindow, done: Callable[[], None]) -> None:
    """Call ``done`` once the window has imported its other sections' modules."""
    poll = QTimer(window)

    def check() -> None:
        warmup = window.section_warmup
        if warmup is not None and warmup.finished.is_set():
            poll.stop()
            done()

    poll.timeout.connect(check)
    poll.start(20)


def run(data_dir: Path, bank: Path, exam_s: float) -> dict[str, float]:
    """The three stalls, in ms."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    ctx = AppContext.open(data_dir)
    tasks = TaskRunner()  # sets the app's GIL switch interval
    if EXPLAIN["switch_s"]:
        sys.setswitchinterval(EXPLAIN["switch_s"])
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(ctx, ctx.profiles.by_name("bench"), tasks=tasks, settings=settings,
                            dialogs=_SavePdfHere(Path(tmp) / "report.pdf"))
        window.show()
        longest_stall_ms(lambda done: when_idle(tasks, done))  # settle: first section loads
        # The learner reads the first section for a moment, and the other sections' modules
        # are imported meanwhile (ui/section_warmup.py); the baselines start after that.
        longest_stall_ms(lambda done: when_warm(window, done))

        def import_bank(done: Callable[[], None]) -> None:
            # Check, then import, both on the lane: what the Question banks view does.
            def work() -> object:
                fmt = ctx.banks.validate_file(bank).format
                return ctx.banks.import_file(bank, fmt, cancel=CancelToken())

            tasks.run(work, on_done=lambda result: (window.publish(result[1]), done()))

        out["baseline_idle"] = longest_stall_ms(
            label="baseline_idle", start=lambda done: QTimer.singleShot(2000, done))

        def busy_worker(done: Callable[[], None]) -> None:
            # A plain thread, not the lane: a lane task over 0.6 s brings up the "Working…"
            # progress dialog, and the first one in a process costs the GUI thread ~60 ms
            # (more with the worker contending for the GIL) — which once made this baseline
            # 313 ms. Here only the GIL is shared, as with any pure-Python lane work.
            finished = threading.Event()

            def spin() -> None:
                total, until = 0, time.perf_counter() + 2.0
                while time.perf_counter() < until:
                    total += sum(range(200))  # short C calls: the GIL changes hands freely
                finished.set()

            threading.Thread(target=spin, daemon=True).start()
            poll = QTimer(window)
            poll.timeout.connect(lambda: finished.is_set() and (poll.stop(), done()))
            poll.start(20)

        out["baseline_busy_worker"] = longest_stall_ms(label="baseline_busy_worker",
                                                       start=busy_worker)
        out["import_10k"] = longest_stall_ms(label="import_10k", start=import_bank)

        def first_visits(done: Callable[[], None]) -> None:
            # The learner opens Progress, then Quiz, for the first time: each section's module
            # is imported and its view built then (main_window.view_at). Measured on its own
            # so the report and exam scenarios start where the learner starts them.
            window.show_section("progress")

            def to_quiz() -> None:
                window.show_section("quiz")
                when_idle(tasks, done)

            when_idle(tasks, lambda: QTimer.singleShot(200, to_quiz))

        out["first_visit"] = longest_stall_ms(label="first_visit", start=first_visits)
        window.show_section("progress")
        longest_stall_ms(lambda done: when_idle(tasks, done))

        def report(done: Callable[[], None]) -> None:
            # What Print report… does: gather on the lane, lay the pages out and draw them on
            # the lane, show them in the preview, then Export PDF… (written on the lane).
            progress = window.progress
            exporting: list[bool] = []

            def exported(_path: object) -> None:
                assert progress.report_dialog is not None
                progress.report_dialog.close()
                done()

            def shown(_pages: int) -> None:
                dialog = progress.report_dialog
                assert dialog is not None
                if dialog.exported is not None or exporting:
                    return  # drawn again (a zoom): exported once is enough
                exporting.append(True)
                dialog.pdf_saved.connect(exported)
                dialog.export_action.trigger()

            def preview(report: object) -> None:
                progress._preview_report(report)  # type: ignore[arg-type]
                assert progress.report_dialog is not None
                progress.report_dialog.pages_drawn.connect(shown)

            stats = ctx.stats(progress.ctx.profile_id)
            tasks.run(lambda: stats.report(progress.period_kind), on_done=preview)

        out["report_pdf"] = longest_stall_ms(label="report_pdf", start=report)

        window.show_section("quiz")
        longest_stall_ms(lambda done: when_idle(tasks, done))

        def exam(done: Callable[[], None]) -> None:
            window.quiz.start(QuizConfig(mode=QuizMode.EXAM, count=100, minutes=120))
            done()

        out["exam_running"] = longest_stall_ms(label="exam_running", start=exam,
                                               at_least_s=exam_s)
        window.quiz.about_to_close()
        tasks.wait()
        window.close()
    ctx.close()
    del app
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--size", choices=("smoke", "full"), default="smoke")
    parser.add_argument("--explain", action="store_true",
                        help="print what the GUI thread ran in each scenario's longest gaps "
                             "(slower: a profile hook on the GUI thread)")
    parser.add_argument("--gil-switch-ms", type=float, default=None,
                        help="run with another GIL switch interval than the app's (the task "
                             f"runner sets {GIL_SWITCH_INTERVAL_S * 1000:g} ms; CPython's own "
                             "is 5 ms): an experiment")
    args = parser.parse_args(argv)
    EXPLAIN["on"] = args.explain
    EXPLAIN["switch_s"] = args.gil_switch_ms / 1000 if args.gil_switch_ms is not None else 0.0
    with tempfile.TemporaryDirectory() as cache:
        as_installed(Path(cache))
        return report(args)


def as_installed(cache: Path) -> None:
    """Import our modules from bytecode, as the installed app does.

    With PYTHONDONTWRITEBYTECODE (set on the team's machines) nothing under src/ is ever
    compiled to a cache, so each section's first visit would compile its modules on the GUI
    thread: a cost no installed copy has. Compile them once into a throwaway cache first.
    """
    sys.pycache_prefix = str(cache)
    sys.dont_write_bytecode = False
    compileall.compile_dir(Path(mht_desktop.__file__).parent, quiet=1)


def report(args: argparse.Namespace) -> int:
    """Run the scenarios and print the figures."""
    bank = args.data_dir / "banks" / "bench.mhtbank.toml"
    stalls = run(args.data_dir, bank, 60.0 if args.size == "full" else 5.0)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, "
          f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms")
    for name, ms in stalls.items():
        verdict = "" if name.startswith("baseline") else \
            "ok" if ms <= BUDGET_MS else f"MISS (budget {BUDGET_MS:.0f} ms)"
        print(f"ui_stall.{name:<22}{ms:8.1f} ms  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
