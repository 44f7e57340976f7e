"""Progress files: one trainee's results, to hand to an instructor (docs/progress-file.md).

Why a file format: trainees study on their own laptops, and an instructor wants to see the
whole class without anyone sharing a database. A progress file carries a small, documented,
versioned summary of *one* learner's results — never another profile's data, never answers
or card contents — and the class view reads several of them. Reading is strict: a file that
is not ours, is damaged, or comes from a newer app is refused with the file's name and what
is wrong, because an instructor may act on these numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mht_desktop import __version__
from mht_desktop.core.errors import MhtError
from mht_desktop.core.practice.progress import (
    DisclosureSummary,
    DrillSummary,
    NoteSummary,
    PracticeSummary,
)
from mht_desktop.core.readiness import ClassRow, class_matrix
from mht_desktop.core.spreadsheet import neutralise_row
from mht_desktop.services.stats import LearnerReport

FORMAT_NAME = "mht-progress"
FORMAT_VERSION = 2  # 2 adds "practice"; version 1 files are still read
MAX_FILE_BYTES = 5 * 1024 * 1024  # a class of files must not exhaust memory
CSV_COLUMNS = ("learner", "program", "period", "topic_id", "topic", "questions_answered",
               "accuracy", "readiness", "confidence", "cards_reviewed", "retention",
               "missed_questions")


class ProgressFileError(MhtError):
    """A progress file cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class TopicResult:
    """One topic's figures in a progress file (fractions 0..1, or None without data)."""

    id: str
    title: str
    questions_answered: int
    accuracy: float | None
    readiness: float | None
    coverage: float
    confidence: str
    cards_reviewed: int
    retention: float | None
    missed_questions: int


@dataclass(frozen=True, slots=True)
class ExamResult:
    """One timed exam simulation."""

    finished_at: datetime
    score: float
    passed: bool | None
    questions: int
    minutes: float


@dataclass(frozen=True, slots=True)
class ProgressFile:
    """A progress file as read (or about to be written)."""

    learner: str
    program: str
    instructor: str
    generated_at: datetime
    period_label: str
    period_from: date | None
    period_to: date
    overall_readiness: float | None
    overall_coverage: float
    topics: tuple[TopicResult, ...]
    exams: tuple[ExamResult, ...]
    source: str = ""
    practice: PracticeSummary | None = None  # None in version 1 files


# -- writing -------------------------------------------------------------------------------

def from_report(report: LearnerReport) -> ProgressFile:
    """The progress-file view of a learner report (only that learner's figures)."""
    d = report.dashboard
    topics = []
    for t in d.topics:
        worked = report.by_topic.get(t.topic_id)
        topics.append(TopicResult(
            id=t.topic_id, title=t.title,
            questions_answered=worked.answers if worked else 0,
            accuracy=worked.accuracy if worked else None, readiness=t.readiness,
            coverage=t.coverage, confidence=t.confidence.value,
            cards_reviewed=t.cards_reviewed, retention=t.card_retention,
            missed_questions=worked.missed_now if worked else 0))
    exams = tuple(ExamResult(p.finished_at, p.score, p.passed, p.questions, p.elapsed_s / 60.0)
                  for p in d.exams)
    return ProgressFile(report.learner, report.program, report.instructor, d.generated_at,
                        d.period.label, d.period.start, d.period.end, d.overall.readiness,
                        d.overall.coverage, tuple(topics), exams,
                        practice=report.practice)


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def to_json(progress: ProgressFile) -> dict[str, Any]:
    """The JSON object of a progress file (format version 2)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generator": f"mht-desktop {__version__}",
        "generated_at": progress.generated_at.isoformat(),
        "learner": {"name": progress.learner, "program": progress.program,
                    "instructor": progress.instructor},
        "period": {"label": progress.period_label,
                   "from": progress.period_from.isoformat() if progress.period_from else None,
                   "to": progress.period_to.isoformat()},
        "overall": {"readiness": _fraction(progress.overall_readiness),
                    "coverage": _fraction(progress.overall_coverage)},
        "topics": [{"id": t.id, "title": t.title, "questions_answered": t.questions_answered,
                    "accuracy": _fraction(t.accuracy), "readiness": _fraction(t.readiness),
                    "coverage": _fraction(t.coverage), "confidence": t.confidence,
                    "cards_reviewed": t.cards_reviewed, "retention": _fraction(t.retention),
                    "missed_questions": t.missed_questions} for t in progress.topics],
        "exam_attempts": [{"finished_at": e.finished_at.isoformat(), "score": round(e.score, 4),
                           "passed": e.passed, "questions": e.questions,
                           "minutes": round(e.minutes, 1)} for e in progress.exams],
        "practice": _practice_json(progress.practice),
    }


def _practice_json(p: PracticeSummary | None) -> dict[str, Any] | None:
    if p is None:
        return None
    d, n, c = p.drills, p.notes, p.disclosure
    return {
        "drills": {"completed": d.completed, "scenarios": d.scenarios,
                   "best_path": d.best_path, "mean_score": _fraction(d.mean_score),
                   "by_ending": dict(sorted(d.by_ending.items()))},
        "notes": {"checked": n.checked, "clean": n.clean, "flags": n.flags,
                  "by_rule": dict(sorted(n.by_rule.items())),
                  "by_day": [[day.isoformat(), notes, flags] for day, notes, flags in n.by_day]},
        "disclosure": {"cases": c.cases, "perfect": c.perfect,
                       "mean_score": _fraction(c.mean_score),
                       "errors_by_rule": dict(sorted(c.errors_by_rule.items()))},
    }


def to_csv(progress: ProgressFile) -> str:
    """One row per topic, with the learner and period repeated so files can be stacked.

    Text cells that a spreadsheet would run as a formula (a learner named ``=cmd|…``, a topic
    title from a stranger's bank) are neutralised: see ``core.spreadsheet``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def cell(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    for t in progress.topics:
        writer.writerow(neutralise_row([
            progress.learner, progress.program, progress.period_label, t.id, t.title,
            t.questions_answered, cell(t.accuracy), cell(t.readiness), t.confidence,
            t.cards_reviewed, cell(t.retention), t.missed_questions]))
    return out.getvalue()


def write(progress: ProgressFile, path: Path, fmt: str = "json") -> Path:
    """Write a progress file as ``json`` or ``csv``, replacing ``path`` atomically.

    Raises:
        ProgressFileError: when the file cannot be written.
    """
    if fmt not in ("json", "csv"):
        raise ProgressFileError(f"Unknown progress file format {fmt!r} (use json or csv).")
    text = (json.dumps(to_json(progress), indent=2, ensure_ascii=False) + "\n"
            if fmt == "json" else to_csv(progress))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".progress-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise ProgressFileError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    return path


# -- reading -------------------------------------------------------------------------------

class _Reader:
    """Checks one parsed file field by field, so each message says exactly what is wrong."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, message: str) -> ProgressFileError:
        return ProgressFileError(f"{self.name}: {message}")

    def obj(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where} must be an object")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, *,
             required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{where}: {key!r} must be {'a non-empty' if required else 'a'} "
                            "text")
        return value

    def count(self, data: Mapping[str, Any], key: str, where: str) -> int:
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{where}: {key!r} must be a whole number of 0 or more")
        return value

    def fraction(self, data: Mapping[str, Any], key: str, where: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise self.fail(f"{where}: {key!r} must be a number from 0 to 1, or null")
        return float(value)

    def when(self, value: Any, where: str) -> datetime:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise self.fail(f"{where} must be a date and time like "
                            "2026-01-05T12:00:00+00:00") from None
        if moment.tzinfo is None:
            raise self.fail(f"{where} must include a time zone offset")
        return moment

    def day(self, value: Any, where: str, *, required: bool) -> date | None:
        if value is None and not required:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(f"{where} must be a date like 2026-01-05") from None


def parse(data: Any, name: str) -> ProgressFile:
    """Check and convert a parsed progress file.

    Raises:
        ProgressFileError: naming ``name`` and the first problem found.
    """
    r = _Reader(name)
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        found = data.get("format") if isinstance(data, dict) else None
        what = f" (its format is {found!r})" if isinstance(found, str) else ""
        raise r.fail(f"not an MHT Desktop progress file{what}; expected \"format\": "
                     f"\"{FORMAT_NAME}\"")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise r.fail("'version' must be a whole number (this app reads version "
                     f"{FORMAT_VERSION})")
    if version > FORMAT_VERSION:
        raise r.fail(f"written by a newer version of MHT Desktop (progress file version "
                     f"{version}; this app reads up to version {FORMAT_VERSION}). Update the "
                     "app to read it.")
    learner = r.obj(data.get("learner"), "'learner'")
    period = r.obj(data.get("period"), "'period'")
    overall = r.obj(data.get("overall", {}), "'overall'")
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list):
        raise r.fail("'topics' must be a list")
    topics = []
    for i, raw in enumerate(raw_topics, start=1):
        where = f"topic {i}"
        t = r.obj(raw, where)
        topics.append(TopicResult(
            id=r.text(t, "id", where), title=r.text(t, "title", where, required=False)
            or str(t["id"]),
            questions_answered=r.count(t, "questions_answered", where),
            accuracy=r.fraction(t, "accuracy", where), readiness=r.fraction(t, "readiness", where),
            coverage=r.fraction(t, "coverage", where) or 0.0,
            confidence=r.text(t, "confidence", where, required=False),
            cards_reviewed=r.count(t, "cards_reviewed", where),
            retention=r.fraction(t, "retention", where),
            missed_questions=r.count(t, "missed_questions", where)))
    raw_exams = data.get("exam_attempts", [])
    if not isinstance(raw_exams, list):
        raise r.fail("'exam_attempts' must be a list")
    exams = []
    for i, raw in enumerate(raw_exams, start=1):
        where = f"exam attempt {i}"
        e = r.obj(raw, where)
        score = r.fraction(e, "score", where)
        minutes = e.get("minutes", 0)
        passed = e.get("passed")
        if passed is not None and not isinstance(passed, bool):
            raise r.fail(f"{where}: 'passed' must be true, false or null")
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes < 0:
            raise r.fail(f"{where}: 'minutes' must be a number of 0 or more")
        exams.append(ExamResult(r.when(e.get("finished_at"), f"{where}: 'finished_at'"),
                                score or 0.0, passed, r.count(e, "questions", where),
                                float(minutes)))
    period_to = r.day(period.get("to"), "'period.to'", required=True)
    assert period_to is not None
    practice = _read_practice(r, data.get("practice")) if version >= 2 else None
    return ProgressFile(
        learner=r.text(learner, "name", "'learner'"),
        program=r.text(learner, "program", "'learner'", required=False),
        instructor=r.text(learner, "instructor", "'learner'", required=False),
        generated_at=r.when(data.get("generated_at"), "'generated_at'"),
        period_label=r.text(period, "label", "'period'", required=False) or "",
        period_from=r.day(period.get("from"), "'period.from'", required=False),
        period_to=period_to,
        overall_readiness=r.fraction(overall, "readiness", "'overall'"),
        overall_coverage=r.fraction(overall, "coverage", "'overall'") or 0.0,
        topics=tuple(topics), exams=tuple(exams), source=name, practice=practice)


def _counts(r: _Reader, value: Any, where: str) -> dict[str, int]:
    table = r.obj(value if value is not None else {}, where)
    return {str(k): r.count(table, k, where) for k in table}


def _read_practice(r: _Reader, value: Any) -> PracticeSummary | None:
    """The ``practice`` object of a version 2 file (None when absent)."""
    if value is None:
        return None
    p = r.obj(value, "'practice'")
    d = r.obj(p.get("drills", {}), "'practice.drills'")
    n = r.obj(p.get("notes", {}), "'practice.notes'")
    c = r.obj(p.get("disclosure", {}), "'practice.disclosure'")
    days = n.get("by_day", [])
    if not isinstance(days, list):
        raise r.fail("'practice.notes.by_day' must be a list")
    by_day = []
    for i, row in enumerate(days, start=1):
        where = f"'practice.notes.by_day' entry {i}"
        if not isinstance(row, list) or len(row) != 3:
            raise r.fail(f"{where} must be [date, notes, flags]")
        day = r.day(row[0], where, required=True)
        assert day is not None
        counts = r.obj({"notes": row[1], "flags": row[2]}, where)
        by_day.append((day, r.count(counts, "notes", where), r.count(counts, "flags", where)))
    return PracticeSummary(
        drills=DrillSummary(
            completed=r.count(d, "completed", "'practice.drills'"),
            by_ending=_counts(r, d.get("by_ending"), "'practice.drills.by_ending'"),
            best_path=r.count(d, "best_path", "'practice.drills'"),
            mean_score=r.fraction(d, "mean_score", "'practice.drills'"),
            scenarios=r.count(d, "scenarios", "'practice.drills'")),
        notes=NoteSummary(
            checked=r.count(n, "checked", "'practice.notes'"),
            clean=r.count(n, "clean", "'practice.notes'"),
            flags=r.count(n, "flags", "'practice.notes'"),
            by_rule=_counts(r, n.get("by_rule"), "'practice.notes.by_rule'"),
            by_day=tuple(by_day)),
        disclosure=DisclosureSummary(
            cases=r.count(c, "cases", "'practice.disclosure'"),
            perfect=r.count(c, "perfect", "'practice.disclosure'"),
            errors_by_rule=_counts(r, c.get("errors_by_rule"),
                                   "'practice.disclosure.errors_by_rule'"),
            mean_score=r.fraction(c, "mean_score", "'practice.disclosure'")),
        recent=())


def read(path: Path) -> ProgressFile:
    """Read and check one progress file.

    Raises:
        ProgressFileError: the file is missing, too big, not JSON, not a progress file, from
            a newer app, or has a field of the wrong kind — always naming the file.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProgressFileError(f"{name}: too big for a progress file ({size:,} bytes)")
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgressFileError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProgressFileError(f"{name}: not a text file (a progress file is JSON)") from None
    except json.JSONDecodeError as exc:
        raise ProgressFileError(f"{name}: not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}: {exc.msg}); a CSV export cannot be read "
                                "back, use the JSON one") from None
    except RecursionError:  # e.g. 100,000 nested brackets: no progress file nests like that
        raise ProgressFileError(f"{name}: not a progress file (its JSON is nested too deeply "
                                "to be one)") from None
    except ValueError as exc:  # e.g. a 5,000-digit number (Python's int-size guard)
        raise ProgressFileError(f"{name}: not a progress file (it holds a number too long to "
                                f"be a count or a score: {exc})") from None
    return parse(data, name)


def read_many(paths: Iterable[Path]) -> tuple[list[ProgressFile], list[str]]:
    """Read several files, keeping going past bad ones.

    Returns:
        The files read, and one message per file that could not be read.
    """
    files, errors = [], []
    for path in paths:
        try:
            files.append(read(path))
        except ProgressFileError as exc:
            errors.append(str(exc))
    return files, errors


# -- the class view ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ClassSummary:
    """The topic × trainee readiness matrix of several progress files."""

    trainees: tuple[str, ...]
    rows: tuple[ClassRow, ...]
    overall: tuple[float | None, ...]
    files: tuple[ProgressFile, ...]
    origin: str = "their progress files"  # where the figures came from, as the PDF says it


def trainee_labels(files: Sequence[ProgressFile]) -> list[str]:
    """Column headings: learner names, with the file name added where two names clash."""
    names = [f.learner for f in files]
    return [f"{f.learner} ({f.source})" if names.count(f.learner) > 1 and f.source
            else f.learner for f in files]


def class_summary(files: Sequence[ProgressFile], *,
                  origin: str = "their progress files") -> ClassSummary:
    """Build the class matrix (topics as rows, trainees as columns)."""
    rows = class_matrix([[(t.id, t.title, t.readiness) for t in f.topics] for f in files])
    return ClassSummary(tuple(trainee_labels(files)), tuple(rows),
                        tuple(f.overall_readiness for f in files), tuple(files), origin)
