"""The Progress section's Practice box: drills, notes and disclosure cases in the period."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from mht_desktop.core.practice.progress import PracticeSummary, practice_lines
from mht_desktop.ui.rich_text import plain_label


class PracticeSummaryBox(QGroupBox):
    """Three lines and the notes' flags per day, all as text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Practice", parent)
        layout = QVBoxLayout(self)
        self.drills_label = plain_label()
        self.notes_label = plain_label()
        self.cases_label = plain_label()
        self.trend_label = plain_label()
        for label in (self.drills_label, self.notes_label, self.cases_label, self.trend_label):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.trend_label.setEnabled(False)  # muted
        self.summary: PracticeSummary | None = None

    def set_summary(self, summary: PracticeSummary) -> None:
        """Show ``summary``."""
        self.summary = summary
        drills, notes, cases = practice_lines(summary)
        self.drills_label.setText(drills)
        self.notes_label.setText(notes)
        self.cases_label.setText(cases)
        days = summary.notes.by_day[-7:]
        self.trend_label.setText(
            "Flags per note by day: " + ", ".join(
                f"{day:%d %b} {flags / max(1, count):.1f}" for day, count, flags in days)
            if days else "Check a note in Practice to see your flags over time.")
        self.setAccessibleName(f"Practice. {drills}. {notes}. {cases}.")
