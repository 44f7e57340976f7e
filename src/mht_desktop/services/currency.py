"""Content currency: which items and figures are past the date a person must check them by.

``mht-desktop bank audit`` prints this; docs/content-currency.md explains it for instructors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mht_desktop.core.banks import Bank
from mht_desktop.core.figures import Figure, FigureTable
from mht_desktop.services.banks import BANK_GLOB, BankService
from mht_desktop.services.figures import load_figures
from mht_desktop.services.resources import builtin_banks_dir

PAST_DUE = "past-due"
UNDATED = "undated"
UNCONFIRMED = "unconfirmed"
INVALID = "invalid"
# Findings that make the audit fail; unconfirmed facts are listed so an editor sees them,
# but items that word them so they stay true are not stale.
STALE_ISSUES = frozenset({PAST_DUE, UNDATED, INVALID})
UNCONFIRMED_TAG = "unconfirmed"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an editor must look at.

    Attributes:
        file: The bank file (or the figures file) it is in.
        item_id: The question, flashcard or figure key.
        kind: "question", "flashcard", "figure" or "bank".
        issue: PAST_DUE, UNDATED, UNCONFIRMED or INVALID.
        message: What to do, in words.
        line: Where the item starts, when known.
        review_due: The date it was due to be checked by.
        figures: The figures an item states.
    """

    file: str
    item_id: str
    kind: str
    issue: str
    message: str
    line: int | None = None
    review_due: date | None = None
    figures: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        """True when this finding fails the audit."""
        return self.issue in STALE_ISSUES

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.kind} {self.item_id}: {self.message}"

    def to_json(self) -> dict[str, object]:
        """The shape ``bank audit --json`` prints for one finding."""
        return {"file": self.file, "line": self.line, "item": self.item_id, "kind": self.kind,
                "issue": self.issue, "review_due": _iso(self.review_due),
                "figures": list(self.figures), "message": self.message}


@dataclass(slots=True)
class AuditReport:
    """Everything the audit found, as of one day."""

    as_of: date
    files: list[str] = field(default_factory=list)
    items: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        """True when anything is past due, undated or unreadable."""
        return any(f.stale for f in self.findings)

    def count(self, issue: str) -> int:
        """How many findings have ``issue``."""
        return sum(1 for f in self.findings if f.issue == issue)

    def summary(self) -> str:
        """One line for the end of the text report."""
        return (f"As of {self.as_of.isoformat()}: {self.items} items in {len(self.files)} "
                f"file(s); {self.count(PAST_DUE)} past their review date, "
                f"{self.count(UNDATED)} with no review date, {self.count(UNCONFIRMED)} "
                f"resting on unconfirmed facts, {self.count(INVALID)} unreadable. "
                + ("Stale." if self.stale else "Current."))

    def to_json(self) -> dict[str, object]:
        """The shape ``bank audit --json`` prints."""
        return {"as_of": self.as_of.isoformat(), "stale": self.stale, "files": self.files,
                "items": self.items,
                "counts": {i: self.count(i) for i in (PAST_DUE, UNDATED, UNCONFIRMED, INVALID)},
                "findings": [f.to_json() for f in self.findings]}


def shipped_bank_files() -> list[Path]:
    """The banks we ship, in name order."""
    return sorted(builtin_banks_dir().glob(BANK_GLOB))


def audit_files(service: BankService, paths: Sequence[Path], *, as_of: date,
                shipped: bool = False, figures_file: Path | None = None) -> AuditReport:
    """Audit bank files as of ``as_of``.

    Args:
        service: Reads and validates the files (nothing is imported).
        paths: The bank files.
        as_of: The day to judge review dates against.
        shipped: Check the files as the banks we ship (strict) and audit every figure in the
            table, used or not.
        figures_file: The figures table (the shipped one by default).
    """
    figures, figure_problems = load_figures(figures_file)
    report = AuditReport(as_of=as_of)
    for problem in figure_problems:
        report.findings.append(Finding(problem.file, problem.item_id or "figures", "figure",
                                       INVALID, problem.message))
    used: dict[str, None] = {}
    for path in paths:
        report.files.append(str(path))
        loaded = service.validate_file(path, strict=shipped)
        if loaded.bank is None or not loaded.valid:
            first = loaded.errors[0] if loaded.errors else None
            report.findings.append(Finding(
                str(path), loaded.bank.info.id if loaded.bank else path.name, "bank", INVALID,
                f"cannot be read: {first.message if first else 'unknown problem'} "
                f"({len(loaded.errors)} error(s); run mht-desktop bank validate)",
                first.line if first else None))
            continue
        report.items += len(loaded.bank.questions) + len(loaded.bank.flashcards)
        _audit_bank(report, str(path), loaded.bank, figures, as_of, used)
    for key, figure in figures.items():
        if shipped or key in used:
            _audit_figure(report, figure, as_of)
    return report


def _audit_bank(report: AuditReport, file: str, bank: Bank, figures: FigureTable,
                as_of: date, used: dict[str, None]) -> None:
    items: Iterable[tuple[str, str, int | None, date | None, tuple[str, ...], tuple[str, ...]]]
    items = [*(("question", q.id, q.line, q.review_due, q.figures, q.tags)
               for q in bank.questions),
             *(("flashcard", c.id, c.line, c.review_due, c.figures, c.tags)
               for c in bank.flashcards)]
    for kind, item_id, line, due, keys, tags in items:
        used.update(dict.fromkeys(keys))
        if due is None:
            report.findings.append(Finding(
                file, item_id, kind, UNDATED,
                "has no review_due date: add one (see docs/content-currency.md)", line))
        elif due < as_of:
            lapsed = [k for k in keys if (d := figures[k].review_due) is not None and d < as_of]
            why = f"; it states {', '.join(lapsed)}, also past due" if lapsed else ""
            report.findings.append(Finding(
                file, item_id, kind, PAST_DUE,
                f"past its review date ({due.isoformat()}): check it against its source{why}",
                line, due, keys))
        unconfirmed = [k for k in keys if not figures[k].confirmed]
        if unconfirmed or UNCONFIRMED_TAG in tags:
            what = ", ".join(unconfirmed) if unconfirmed else "a fact tagged unconfirmed"
            report.findings.append(Finding(
                file, item_id, kind, UNCONFIRMED,
                f"rests on {what}, not confirmed at the source: keep it worded so it stays "
                "true", line, due, keys))


def _audit_figure(report: AuditReport, figure: Figure, as_of: date) -> None:
    due = figure.review_due
    if due is not None and due < as_of:
        report.findings.append(Finding(
            "figures.toml", figure.key, "figure", PAST_DUE,
            f"{figure.text!r} ({figure.year}, {figure.source}) was due to be checked by "
            f"{due.isoformat()}" + (f" at {figure.url}" if figure.url else ""), None, due))
    if not figure.confirmed:
        report.findings.append(Finding(
            "figures.toml", figure.key, "figure", UNCONFIRMED,
            f"{figure.text!r} is not confirmed at its source"
            + (f": {figure.note}" if figure.note else ""), None, due))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
