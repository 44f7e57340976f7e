"""The class summary PDF: topic × trainee readiness, and each trainee's practice results.

Why a separate document: an instructor reviews a whole cohort at once and wants to see, on
one sheet, which topics the class as a whole — and which trainees — still need work. Wide
classes print landscape, and trainees are split into groups of columns so names stay legible.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mht_desktop.core.practice.progress import CLASS_PRACTICE_HEADINGS, class_practice_cells
from mht_desktop.core.readiness import percent
from mht_desktop.rendering.pages import (
    Builder,
    Cell,
    Document,
    Paper,
    Part,
    Sheet,
    Table,
    write_document_pdf,
)
from mht_desktop.rendering.pages import escape as _e
from mht_desktop.services.progress_file import ClassSummary

COLUMNS_PER_TABLE = 8
DEFAULT_PASS_MARK = 0.70


def cell_color(value: float | None, pass_mark: float = DEFAULT_PASS_MARK) -> str:
    """Green at or above the pass mark, amber within 20 points below, red lower, grey none."""
    if value is None:
        return "#f1f3f4"
    if value >= pass_mark:
        return "#ceead6"
    if value >= pass_mark - 0.2:
        return "#feefc3"
    return "#fad2cf"


def _value(value: float | None, pass_mark: float, *, bold: bool = False) -> Cell:
    text = f"<b>{percent(value)}</b>" if bold else percent(value)
    return text, f'bgcolor="{cell_color(value, pass_mark)}"'


def class_builder(summary: ClassSummary, *, pass_mark: float = DEFAULT_PASS_MARK,
                  generated: datetime | None = None) -> Builder:
    """The class summary as a document builder."""

    def build(sheet: Sheet) -> list[Part]:
        when = generated or datetime.now().astimezone()
        parts: list[Part] = [
            "<h1>Class summary</h1>"
            f"<p class='muted'>MHT Desktop — readiness by topic for {len(summary.trainees)} "
            f"trainee(s), from {_e(summary.origin)}. Generated {when:%Y-%m-%d %H:%M}.</p>"
            f"<p class='small'>Cells show readiness (0–100%). Green: at or above "
            f"{percent(pass_mark)}; amber: up to 20 points below; red: lower; grey: no "
            "data.</p>"]
        indexes = list(range(len(summary.trainees)))
        for start in range(0, len(indexes), COLUMNS_PER_TABLE):
            chunk = indexes[start:start + COLUMNS_PER_TABLE]
            headers = [("Topic", False)] + [(summary.trainees[i], True) for i in chunk]
            rows: list[list[Cell]] = []
            for row in summary.rows:
                rows.append([_e(row.title), *(_value(row.values[i], pass_mark) for i in chunk)])
            rows.append(["<b>Overall</b>",
                         *(_value(summary.overall[i], pass_mark, bold=True) for i in chunk)])
            parts.append(Table(headers, rows))
        parts.append(Table([("Topic", False), ("Class mean", True)],
                           [[_e(row.title), _value(row.mean, pass_mark)] for row in summary.rows],
                           heading="<h2>Class mean by topic</h2>", width="60%"))
        trainees = []
        for label, f in zip(summary.trainees, summary.files, strict=True):
            best = max((e.score for e in f.exams), default=None)
            trainees.append([_e(label), _e(f.program or "—"),
                             _e(f.period_label or f.period_to.isoformat()),
                             _e(f"{f.generated_at:%Y-%m-%d}"), f"{len(f.exams)}", percent(best),
                             _e(f.source)])
        parts.append(Table([("Trainee", False), ("Program", False), ("Period", False),
                            ("File made", False), ("Exams", True), ("Best exam", True),
                            ("Source", False)], trainees, heading="<h2>Trainees</h2>"))
        practice = [[_e(label), *(_e(v) for v in class_practice_cells(f.practice))]
                    for label, f in zip(summary.trainees, summary.files, strict=True)]
        parts.append(Table([("Trainee", False), *((h, True) for h in CLASS_PRACTICE_HEADINGS)],
                           practice, heading="<h2>Practice</h2><p class='small'>De-escalation "
                           "drills, documentation notes checked for objectivity, and "
                           "disclosure decisions, from each trainee's progress file (— : the "
                           "file is older than the Practice section).</p>"))
        return parts

    return build


def class_landscape(summary: ClassSummary) -> bool:
    """Wide classes print across the page."""
    return len(summary.trainees) > 5


def class_document(summary: ClassSummary, *, generated: datetime | None = None) -> Document:
    """The class summary as a document, for the print preview and the PDF."""
    return Document(class_builder(summary, generated=generated), title="Class summary",
                    footer="MHT Desktop class summary", landscape=class_landscape(summary))


def write_class_pdf(summary: ClassSummary, path: Path, paper: Paper = Paper.LETTER, *,
                    generated: datetime | None = None) -> int:
    """The class summary as a PDF; returns the page count.

    Raises:
        ReportWriteError: when the file cannot be written.
    """
    return write_document_pdf(class_document(summary, generated=generated), path, paper)
