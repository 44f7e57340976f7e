"""Run every benchmark and compare each with its baseline measured in the same run.

    python bench/run.py --size smoke|full [--json FILE] [--data-dir DIR] [--only NAME …]

Prints a table of medians, each with its ratio to a baseline (a bare PySide6 window, raw
sqlite3 ``executemany``) and the budget from bench/README.md. Timing is never asserted here:
CI runs the smoke size only so the benchmarks cannot rot.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import NOW, SIZES, generate
from mht_desktop.core.banks import BankFormat
from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService
from mht_desktop.services.study import StudyService

# Each child prints "shown" the first time its event loop is idle with the window up; the app
# also prints "ready" once the learner's data is open and their section is filled.
#
# Each child also reports its own peak RSS on the way out. The parent's wait4() figure cannot
# be used: Linux folds the pre-exec memory of a forked (or vforked) child -- the benchmark
# process itself, SQLAlchemy and all -- into the child's ru_maxrss.
PEAK_REPORT = """
import atexit
def _report_peak():
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    print('peak_kb', line.split()[1], flush=True)
    except OSError:
        pass
atexit.register(_report_peak)
"""

BARE_WINDOW = PEAK_REPORT + """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1180, 780); w.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""

APP_WINDOW = PEAK_REPORT + """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mht_desktop.ui.app import Startup
app = QApplication(sys.argv[:1])
startup = Startup(Path(sys.argv[1]), profile_name="bench")   # the same path as run_app
startup.failed.connect(lambda message: app.exit(1))
startup.ready.connect(lambda: (print("ready", flush=True), app.quit()))
startup.begin()
QTimer.singleShot(0, lambda: print("shown", flush=True))
code = app.exec()
startup.close()
sys.exit(code)
"""

# Imports: every format's general path at 30,000 questions/s (#14); next_card: at most
# 0.35 ms beyond the commit's fsync (Anki's whole next-card-and-answer time here, #14).
BUDGETS = {"startup": ("ratio", 2.0), "import_native": ("qps", 30_000),
           "import_gift": ("qps", 30_000), "import_aiken": ("qps", 30_000),
           "import_moodle_xml": ("qps", 30_000), "import_csv": ("qps", 30_000),
           "import_native_hand_edited": ("qps", 30_000),
           "import_moodle_xml_cdata": ("qps", 30_000),
           "next_card": ("beyond_fsync", 0.00035), "exam_start": ("seconds", 0.100),
           "dashboard": ("seconds", 0.150), "report_pdf": ("seconds", 1.5),
           "peak_rss_mb": ("ratio", 2.0)}


# What --only can name: "startup" is startup, startup_ready and peak_rss_mb; "imports" every
# format's import; "anki" Anki's own CSV import.
GROUPS = ("startup", "imports", "anki", "next_card", "exam_start", "dashboard", "report_pdf")


@dataclass
class Result:
    """One benchmark's figures."""

    name: str
    median_s: float | None = None
    value: float | None = None
    baseline: float | None = None
    extra: dict[str, Any] | None = None

    @property
    def ratio(self) -> float | None:
        """Measured over baseline."""
        measured = self.median_s if self.median_s is not None else self.value
        if measured is None or not self.baseline:
            return None
        return measured / self.baseline

    def to_json(self) -> dict[str, Any]:
        """The object ``--json`` writes for this benchmark."""
        out: dict[str, Any] = {}
        if self.median_s is not None:
            out["median_s"] = self.median_s
        if self.value is not None:
            out["value"] = self.value
        if self.baseline is not None:
            out["baseline"] = self.baseline
            out["ratio"] = self.ratio
        if self.extra:
            out.update(self.extra)
        return out


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_child(code: str, *args: str) -> tuple[dict[str, float], float]:
    """Run Python code in a fresh process.

    Returns:
        When each line the child printed arrived (seconds since the process was started,
        keyed by the line), and the child's peak RSS in MB over its whole life.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env,
                            stdout=subprocess.PIPE, text=True)
    marks: dict[str, float] = {}
    peak_kb: float | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("peak_kb "):
            peak_kb = float(line.split()[1])
        else:
            marks.setdefault(line.strip(), time.perf_counter() - started)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child process failed ({proc.returncode})")
    if peak_kb is None:  # no /proc (not Linux): the less exact figure, see PEAK_REPORT
        peak_kb = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return marks, peak_kb / 1024


def ensure_bytecode() -> None:
    """Byte-compile the package, as pip does when it installs a wheel.

    Without this, an environment with PYTHONDONTWRITEBYTECODE set (this one, some CI
    images) would compile our modules from source on every start and time the compiler.
    """
    import compileall

    import mht_desktop

    compileall.compile_dir(Path(mht_desktop.__file__).parent, quiet=1)


def bench_startup(data_dir: Path, repeat: int) -> list[Result]:
    """Process start to main window shown and idle (and to data shown), against a bare window.

    ``startup`` stops at the first idle moment with the main window up, as for the bare
    window; ``startup_ready`` goes on until the learner's section shows their data, which is
    what a learner waits for. Peak memory is over the app's whole run, data included.
    """
    ensure_bytecode()
    run_child(APP_WINDOW, str(data_dir))  # warm-up: file cache, shipped banks
    bare = [run_child(BARE_WINDOW) for _ in range(repeat)]
    app = [run_child(APP_WINDOW, str(data_dir)) for _ in range(repeat)]
    bare_shown = statistics.median(marks["shown"] for marks, _ in bare)
    return [
        Result("startup", statistics.median(marks["shown"] for marks, _ in app),
               baseline=bare_shown),
        Result("startup_ready", statistics.median(marks["ready"] for marks, _ in app),
               baseline=bare_shown),
        Result("peak_rss_mb", value=max(m for _, m in app), baseline=max(m for _, m in bare)),
    ]


def sqlite_baseline(n: int) -> float:
    """Raw sqlite3 executemany of ``n`` question-shaped rows into a file, with a commit."""
    rows = [(f"bq{i:05d}", "single", "topic", 2, f"Stem {i} " * 4,
             json.dumps([{"t": f"Option {k}", "c": k == 0} for k in range(4)]),
             f"Rationale {i}", "Synthetic") for i in range(n)]

    def once() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            con = sqlite3.connect(Path(tmp) / "b.sqlite3")
            con.execute("CREATE TABLE q (id INTEGER PRIMARY KEY, item TEXT, qtype TEXT, "
                        "topic TEXT, difficulty INT, stem TEXT, choices TEXT, rationale TEXT, "
                        "source TEXT)")
            con.executemany("INSERT INTO q (item, qtype, topic, difficulty, stem, choices, "
                            "rationale, source) VALUES (?,?,?,?,?,?,?,?)", rows)
            con.commit()
            con.close()

    return median_time(once, 3)


def other_layouts(files: dict[str, Path], folder: Path) -> dict[str, Path]:
    """The native and Moodle XML files as people's files look, not as our exporter lays out.

    Each format has one reader, so these take the same path as our own exports; they keep
    the figure honest for the files instructors bring: a Moodle-style export (every text in
    CDATA, as Moodle writes it) and a native file with a comment on each question
    (hand-edited).
    """
    xml = files["moodle_xml"].read_text(encoding="utf-8")
    moodle = re.sub(r"<text>(.*?)</text>", r"<text><![CDATA[\1]]></text>", xml)
    native = files["native"].read_text(encoding="utf-8")
    hand = native.replace("[[questions]]\n", "[[questions]]  # checked by the instructor\n")
    out = {"moodle_xml_cdata": folder / "moodle-style.xml",
           "native_hand_edited": folder / "hand-edited.mhtbank.toml"}
    out["moodle_xml_cdata"].write_text(moodle, encoding="utf-8")
    out["native_hand_edited"].write_text(hand, encoding="utf-8")
    return out


def bench_imports(files: dict[str, Path], n: int, repeat: int) -> list[Result]:
    """Import the same bank from each format into a fresh database."""
    baseline = sqlite_baseline(n)
    formats = {"native": BankFormat.NATIVE, "gift": BankFormat.GIFT, "aiken": BankFormat.AIKEN,
               "moodle_xml": BankFormat.MOODLE_XML, "csv": BankFormat.CSV,
               "native_hand_edited": BankFormat.NATIVE,
               "moodle_xml_cdata": BankFormat.MOODLE_XML}
    with tempfile.TemporaryDirectory(prefix="mht-bench-") as variants:
        files = {**files, **other_layouts(files, Path(variants))}
        results = [_import_result(name, files[name], fmt, n, repeat, baseline)
                   for name, fmt in formats.items()]
    return results


def _import_result(name: str, path: Path, fmt: BankFormat, n: int, repeat: int,
                   baseline: float) -> Result:
    """Median time to import ``path`` into a fresh database (reading, checking, storing).

    The CPU time of the same runs is reported beside the wall time: on a shared machine the
    wall time also counts the moments other processes had the core, the CPU time does not
    (it still counts a slower cache when the other core is busy).
    """
    times, cpu = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            ctx = AppContext.open(Path(tmp))  # an empty database, made before the clock
            started, cpu_started = time.perf_counter(), time.process_time()
            report, _ = ctx.banks.import_file_now(path, fmt)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            ctx.close()
            if not report.imported:
                raise RuntimeError(f"{path}: {report.errors[:3]}")
    seconds = statistics.median(times)
    cpu_seconds = statistics.median(cpu)
    return Result(f"import_{name}", seconds, baseline=baseline,
                  extra={"questions_per_s": round(n / seconds), "cpu_s": cpu_seconds,
                         "questions_per_cpu_s": round(n / cpu_seconds)})


class FsyncFloor:
    """Commits one tiny row durably, as the app commits each answer: the fsync floor.

    Raw sqlite3 on the same file system as the database, in WAL mode with
    ``synchronous=FULL`` like ours: the commit's fsync that every answer pays, whatever the
    code around it does.
    """

    def __init__(self, folder: Path) -> None:
        self._con = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=FULL")
        self._con.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, card INT, rating INT, "
                          "at TEXT)")
        self._rows = 0

    def once(self) -> float:
        """Seconds for one BEGIN, INSERT, COMMIT."""
        self._rows += 1
        started = time.perf_counter()
        self._con.execute("BEGIN")
        self._con.execute("INSERT INTO r (card, rating, at) VALUES (?, 3, '2026-12-01')",
                          (self._rows,))
        self._con.execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        """Close the floor's database."""
        self._con.close()


def bench_next_card(ctx: AppContext, profile_id: int, rounds: int) -> Result:
    """Choose the next card, compute its four outcomes and record an answer, repeatedly.

    This is what the flashcard view does for each card, on the lane: ``next_card``, then
    ``outcomes`` (the intervals on the grade buttons, Anki's "states"), then ``answer`` with
    those outcomes, committed in its own durable transaction. It runs on a copy of the
    database (beside it, so on the same file system) so that every run starts from the same
    cards. The commit's fsync floor is measured in the same run, one floor commit on that
    file system just before each card; ``beyond_fsync_ms`` is the median over cards of the
    card's time less its floor, which is what our code costs. The median of each phase is
    reported too.
    """
    assert ctx.db.path is not None, "next_card is measured on a database file"
    with tempfile.TemporaryDirectory(prefix="bench-next-card-", dir=ctx.db.path.parent) as tmp:
        source = sqlite3.connect(ctx.db.path)
        target = sqlite3.connect(Path(tmp) / ctx.db.path.name)
        source.backup(target)  # a consistent copy, whatever the WAL holds
        target.close()
        source.close()
        copy = AppContext.open(Path(tmp))
        try:
            return _next_card_rounds(copy, profile_id, rounds, Path(tmp))
        finally:
            copy.close()


def _next_card_rounds(ctx: AppContext, profile_id: int, rounds: int, folder: Path) -> Result:
    clock = FixedClock(NOW)
    # Lift the daily limits: the year of history already used up "today", and the benchmark
    # measures choosing and recording, not the limit check saying no.
    ctx.profiles.update_settings(profile_id, new_per_day=1_000_000, reviews_per_day=1_000_000)
    study = StudyService(ctx.db, clock, profile_id, zone=UTC)
    study.prepare()
    study.next_card()  # the day's counts are read once per study day, not per card
    rng = random.Random(3)
    floor = FsyncFloor(folder)
    times, floors, beyond = [], [], []
    phases: dict[str, list[float]] = {"choose": [], "outcomes": [], "answer": []}
    try:
        for _ in range(rounds):
            # The floor drifts with the machine's load (other people's disks): one floor
            # commit just before each card, and each card's time beyond its own floor.
            floors.append(floor.once())
            started = time.perf_counter()
            card = study.next_card()
            if card is None:
                break
            chosen = time.perf_counter()
            outcomes = study.outcomes(card)
            shown = time.perf_counter()
            study.answer(card, rng.choice((Rating.GOOD, Rating.GOOD, Rating.AGAIN,
                                           Rating.EASY)), outcomes=outcomes)
            done = time.perf_counter()
            times.append(done - started)
            beyond.append(times[-1] - floors[-1])
            for name, seconds in (("choose", chosen - started), ("outcomes", shown - chosen),
                                  ("answer", done - shown)):
                phases[name].append(seconds)
            clock.advance(timedelta(seconds=5))
    finally:
        floor.close()
    median = statistics.median
    return Result("next_card", median(times), baseline=median(floors),
                  extra={"rounds": len(times), "fsync_floor_ms": round(median(floors) * 1000, 3),
                         "beyond_fsync_ms": round(median(beyond) * 1000, 3),
                         **{f"{name}_ms": round(median(values) * 1000, 3)
                            for name, values in phases.items()}})


def bench_anki_import(n: int, repeat: int) -> Result | None:
    """Anki's own library importing ``n`` notes from a CSV file, for comparison.

    None when the ``anki`` package (a test extra) is not installed.
    """
    try:
        from anki.collection import Collection
        from anki.import_export_pb2 import ImportCsvRequest
    except ImportError:
        return None
    times, cpu = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "notes.csv"
            csv.write_text("".join(f"Stem {i} of a synthetic question?\tRationale {i}\n"
                                   for i in range(n)), encoding="utf-8")
            col = Collection(str(Path(tmp) / "collection.anki2"))
            metadata = col.get_csv_metadata(path=str(csv), delimiter=None)
            started, cpu_started = time.perf_counter(), time.process_time()
            col.import_csv(ImportCsvRequest(path=str(csv), metadata=metadata))
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            if col.note_count() != n:
                raise RuntimeError(f"Anki imported {col.note_count()} of {n} notes")
            col.close()
    seconds = statistics.median(times)
    return Result("anki_import_csv", seconds,
                  extra={"notes_per_s": round(n / seconds), "cpu_s": statistics.median(cpu),
                         "notes_per_cpu_s": round(n / statistics.median(cpu))})


def bench_exam_start(ctx: AppContext, profile_id: int, repeat: int) -> Result:
    """Build a 100-question exam from the question pool."""
    quiz = QuizService(ctx.db, FixedClock(NOW), profile_id)
    quiz.blueprint  # noqa: B018 - load the blueprint file outside the timing
    created: list[int] = []

    def once() -> None:
        created.append(quiz.start(QuizConfig(mode=QuizMode.EXAM, count=100)).id)

    seconds = median_time(once, repeat)
    for attempt_id in created:
        quiz.abandon(attempt_id)
    return Result("exam_start", seconds)


def bench_dashboard(ctx: AppContext, profile_id: int, repeat: int) -> Result | None:
    """The Progress view's figures (skipped until the stats service exists)."""
    try:
        from mht_desktop.services.stats import StatsService  # type: ignore[import-not-found]
    except ImportError:
        return None
    stats = StatsService(ctx.db, FixedClock(NOW), profile_id, zone=UTC)
    stats.dashboard()  # warm the caches a user would have after opening the view once
    return Result("dashboard", median_time(stats.dashboard, repeat))


def bench_report(ctx: AppContext, profile_id: int, repeat: int) -> Result | None:
    """The full PDF report (skipped until the renderer exists)."""
    try:
        from mht_desktop.rendering import report as report_module  # type: ignore[attr-defined]
    except ImportError:
        return None
    render = getattr(report_module, "render_learner_report_for_bench", None)
    if render is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.pdf"
        render(ctx, profile_id, out)  # warm-up: fonts, chart code
        return Result("report_pdf", median_time(lambda: render(ctx, profile_id, out), repeat))


def verdict(result: Result) -> str:
    """Whether a figure meets its budget."""
    kind, limit = BUDGETS.get(result.name, ("", 0.0))
    if kind == "ratio" and result.ratio is not None:
        return "ok" if result.ratio <= limit else f"MISS (> {limit}×)"
    if kind == "seconds" and result.median_s is not None:
        return "ok" if result.median_s <= limit else f"MISS (> {limit * 1000:g} ms)"
    if kind == "qps" and result.extra:
        return "ok" if result.extra["questions_per_s"] >= limit else f"MISS (< {limit}/s)"
    if kind == "beyond_fsync" and result.extra:
        beyond = result.extra["beyond_fsync_ms"] / 1000
        return "ok" if beyond <= limit else f"MISS (> {limit * 1000:g} ms beyond fsync)"
    return ""


def print_table(results: list[Result]) -> None:
    """A plain table for people."""
    print(f"{'benchmark':<28}{'median':>12}{'baseline':>12}{'ratio':>8}  budget")
    for r in results:
        if r.median_s is not None:
            measured = f"{r.median_s * 1000:.2f} ms"
            base = f"{r.baseline * 1000:.2f} ms" if r.baseline else ""
        else:
            measured = f"{r.value:.1f} MB"
            base = f"{r.baseline:.1f} MB" if r.baseline else ""
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        extra = ""
        if r.extra and "questions_per_s" in r.extra:
            extra = (f"  ({r.extra['questions_per_s']:,} q/s; "
                     f"{r.extra['questions_per_cpu_s']:,} q/s of CPU time)")
        elif r.extra and "notes_per_s" in r.extra:
            extra = (f"  ({r.extra['notes_per_s']:,} notes/s; "
                     f"{r.extra['notes_per_cpu_s']:,} notes/s of CPU time)")
        elif r.extra and "beyond_fsync_ms" in r.extra:
            extra = (f"  ({r.extra['beyond_fsync_ms']:.2f} ms beyond the fsync floor; "
                     f"choose {r.extra['choose_ms']:.2f}, outcomes {r.extra['outcomes_ms']:.2f}"
                     f", answer {r.extra['answer_ms']:.2f} ms)")
        print(f"{r.name:<28}{measured:>12}{base:>12}{ratio:>8}  {verdict(r)}{extra}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description="Run the MHT Desktop benchmarks.")
    parser.add_argument("--size", choices=sorted(SIZES), default="smoke")
    parser.add_argument("--json", type=Path, help="write results as JSON to this file")
    parser.add_argument("--data-dir", type=Path,
                        help="reuse data made by generate.py (default: a temporary folder)")
    parser.add_argument("--only", action="append", choices=GROUPS, metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(GROUPS)}")
    args = parser.parse_args(argv)
    wanted = set(args.only or GROUPS)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    full = args.size == "full"
    repeat = 5 if full else 3
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        banks = data_dir / "banks"
        if not (data_dir / "mht-desktop.sqlite3").exists():
            print(f"generating {args.size} data…", flush=True)
            generate(data_dir, args.size)
        files = {"native": banks / "bench.mhtbank.toml", "gift": banks / "bench.gift",
                 "aiken": banks / "bench-aiken.txt", "moodle_xml": banks / "bench.xml",
                 "csv": banks / "bench.csv"}
        results: list[Result] = []
        memory = None
        if "startup" in wanted:
            startup, ready, memory = bench_startup(data_dir, repeat)
            results += [startup, ready]
        if "imports" in wanted:
            results += bench_imports(files, SIZES[args.size].questions, 3)
        anki = bench_anki_import(SIZES[args.size].questions, 3) if "anki" in wanted else None
        if anki is not None:
            results.append(anki)
        ctx = AppContext.open(data_dir)
        try:
            profile_id = ctx.profiles.by_name("bench").id
            if "next_card" in wanted:
                results.append(bench_next_card(ctx, profile_id, 200 if full else 50))
            if "exam_start" in wanted:
                results.append(bench_exam_start(ctx, profile_id, 10 if full else 3))
            optional = [bench_dashboard(ctx, profile_id, repeat) if "dashboard" in wanted
                        else None,
                        bench_report(ctx, profile_id, 3) if "report_pdf" in wanted else None]
            results += [result for result in optional if result is not None]
        finally:
            ctx.close()
        if memory is not None:
            results.append(memory)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps({r.name: r.to_json() for r in results}, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
