"""A learner's practice record: what was done, how it went, and the summary Progress shows.

The Progress section, the PDF report and the progress file all show the same three
figures: drills completed and how they ended, notes checked and their flags over time, and
disclosure cases with their errors by rule. They are computed here from plain attempt
records so each front end shows the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum
from typing import Any

from mht_desktop.core.practice.drills import EndingKind
from mht_desktop.core.practice.note_checker import Rule


class ExerciseKind(Enum):
    """The three kinds of practice exercise."""

    DRILL = "drill"
    NOTE = "note"
    DISCLOSURE = "disclosure"


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One stored attempt (plain data, never an ORM row).

    Attributes:
        id: Row id.
        kind: Drill, note or disclosure.
        item_id: The scenario, vignette or case (empty for a free note).
        started_at: When it began (UTC).
        finished_at: When it ended (None: a drill still under way).
        outcome: A drill's ending kind; "clean" or "flagged" for a note; "perfect" or
            "errors" for a case.
        score: 0..1 (drills: share of best choices; cases: share of right decisions).
        flags: A note's flag count, a drill's poor choices, a case's wrong decisions.
        detail: Kind-specific detail (path, flags by rule, errors by rule).
    """

    id: int
    kind: ExerciseKind
    item_id: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    score: float | None
    flags: int
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DrillSummary:
    """Drills completed and how they ended."""

    completed: int
    by_ending: dict[str, int]
    best_path: int
    mean_score: float | None
    scenarios: int


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """Notes checked and their flags, overall and per day."""

    checked: int
    clean: int
    flags: int
    by_rule: dict[str, int]
    by_day: tuple[tuple[date, int, int], ...]  # (day, notes, flags)

    @property
    def flags_per_note(self) -> float | None:
        """Average flags per note."""
        return self.flags / self.checked if self.checked else None


@dataclass(frozen=True, slots=True)
class DisclosureSummary:
    """Disclosure cases worked and the errors made, by rule."""

    cases: int
    perfect: int
    errors_by_rule: dict[str, int]
    mean_score: float | None


@dataclass(frozen=True, slots=True)
class PracticeSummary:
    """All three together, for one period."""

    drills: DrillSummary
    notes: NoteSummary
    disclosure: DisclosureSummary
    recent: tuple[AttemptRecord, ...]

    @property
    def has_activity(self) -> bool:
        """Whether anything was practised in the period."""
        return bool(self.drills.completed or self.notes.checked or self.disclosure.cases)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(records: Iterable[AttemptRecord], zone: tzinfo, *,
              recent: int = 10) -> PracticeSummary:
    """The summary of finished attempts (unfinished drills are left out)."""
    done = sorted((r for r in records if r.finished_at is not None),
                  key=lambda r: r.finished_at or r.started_at)
    drills = [r for r in done if r.kind is ExerciseKind.DRILL]
    notes = [r for r in done if r.kind is ExerciseKind.NOTE]
    cases = [r for r in done if r.kind is ExerciseKind.DISCLOSURE]

    by_rule: Counter[str] = Counter()
    per_day: dict[date, list[int]] = {}
    for r in notes:
        by_rule.update({str(k): int(v) for k, v in dict(r.detail.get("by_rule", {})).items()})
        assert r.finished_at is not None
        day = r.finished_at.astimezone(zone).date()
        counts = per_day.setdefault(day, [0, 0])
        counts[0] += 1
        counts[1] += r.flags
    errors: Counter[str] = Counter()
    for r in cases:
        errors.update({str(k): int(v)
                       for k, v in dict(r.detail.get("errors_by_rule", {})).items()})
    return PracticeSummary(
        drills=DrillSummary(
            completed=len(drills), by_ending=dict(Counter(r.outcome for r in drills)),
            best_path=sum(bool(r.detail.get("best_path")) for r in drills),
            mean_score=_mean([r.score for r in drills if r.score is not None]),
            scenarios=len({r.item_id for r in drills})),
        notes=NoteSummary(
            checked=len(notes), clean=sum(r.flags == 0 for r in notes),
            flags=sum(r.flags for r in notes), by_rule=dict(by_rule),
            by_day=tuple((d, n, f) for d, (n, f) in sorted(per_day.items()))),
        disclosure=DisclosureSummary(
            cases=len(cases), perfect=sum(r.flags == 0 for r in cases),
            errors_by_rule=dict(errors),
            mean_score=_mean([r.score for r in cases if r.score is not None])),
        recent=tuple(reversed(done[-recent:])))


_ENDINGS = {k.value: k.label for k in EndingKind}
_RULES = {r.value: r.label for r in Rule}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def practice_lines(summary: PracticeSummary) -> tuple[str, str, str]:
    """One line each for drills, notes and disclosure (shared with the printed report)."""
    d, n, c = summary.drills, summary.notes, summary.disclosure
    endings = ", ".join(f"{_ENDINGS.get(k, k).lower()} {v}" for k, v in
                        sorted(d.by_ending.items(), key=lambda kv: -kv[1]))
    drills = (f"De-escalation drills: {d.completed} completed ({d.scenarios} different)"
              + (f" — {endings}; best path followed {d.best_path}×, "
                 f"{_percent(d.mean_score)} of choices best" if d.completed else ""))
    rules = ", ".join(f"{_RULES.get(k, k).lower()} {v}" for k, v in
                      sorted(n.by_rule.items(), key=lambda kv: -kv[1]))
    per = f"{n.flags_per_note:.1f}" if n.flags_per_note is not None else "—"
    notes = (f"Notes checked: {n.checked} ({n.clean} with no flags)"
             + (f" — {n.flags} flags, {per} per note: {rules}" if n.flags else ""))
    errors = ", ".join(f"{k} {v}" for k, v in
                       sorted(c.errors_by_rule.items(), key=lambda kv: -kv[1]))
    cases = (f"Disclosure cases: {c.cases} ({c.perfect} with every decision right)"
             + (f" — {_percent(c.mean_score)} of decisions right; errors by rule: {errors}"
                if c.cases and errors else ""))
    return drills, notes, cases


# The class summary's practice table: one row per trainee, the same columns in the dialog and
# the class PDF (a version 1 progress file has no practice, so its row is all dashes).
CLASS_PRACTICE_HEADINGS = ("Drills", "Resolved by talking", "Best path", "Best choices",
                           "Notes checked", "Notes with no flags", "Flags per note",
                           "Disclosure cases", "Every decision right", "Decisions right")


def class_practice_cells(summary: PracticeSummary | None) -> tuple[str, ...]:
    """A trainee's practice figures under :data:`CLASS_PRACTICE_HEADINGS`.

    Args:
        summary: The trainee's practice, or None when their file predates practice.
    """
    if summary is None:
        return ("—",) * len(CLASS_PRACTICE_HEADINGS)
    d, n, c = summary.drills, summary.notes, summary.disclosure
    per = f"{n.flags_per_note:.1f}" if n.flags_per_note is not None else "—"
    return (str(d.completed), str(d.by_ending.get(EndingKind.RESOLVED.value, 0)),
            str(d.best_path), _percent(d.mean_score), str(n.checked), str(n.clean), per,
            str(c.cases), str(c.perfect), _percent(c.mean_score))
