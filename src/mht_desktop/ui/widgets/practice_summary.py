"""The Progress section's Practice box: drills, notes and disclosure cases in the period."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from mht_desktop.core.practice.drills import EndingKind
from mht_desktop.core.practice.note_checker import Rule
from mht_desktop.core.practice.progress import PracticeSummary

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


class PracticeSummaryBox(QGroupBox):
    """Three lines and the notes' flags per day, all as text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Practice", parent)
        layout = QVBoxLayout(self)
        self.drills_label = QLabel()
        self.notes_label = QLabel()
        self.cases_label = QLabel()
        self.trend_label = QLabel()
        for label in (self.drills_label, self.notes_label, self.cases_label, self.trend_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
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
