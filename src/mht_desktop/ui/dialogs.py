"""Dialogs shared by several views: validation reports, profile prompts, help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.problem_groups import group_problems
from mht_desktop.ui.rich_text import RichLabel, escape

if TYPE_CHECKING:
    from mht_desktop.services.banks import BankReport


SHORTCUTS = [
    ("Anywhere", [("Ctrl+1 … Ctrl+6",
                   "Guide, Flashcards, Quiz, Practice, Progress, Question banks"),
                  ("Ctrl+I", "Import a question bank or a practice file"),
                  ("Ctrl+P", "Print a progress report"),
                  ("Ctrl+Z", "Undo"), ("Ctrl+= / Ctrl+-", "Larger / smaller text"),
                  ("Ctrl+Q", "Quit"),
                  ("Tab / Shift+Tab", "Move to the next / previous control (the section list "
                                      "included)")]),
    ("Guide", [("Alt+Left / Alt+Right", "Previous / next chapter"),
               ("Enter (in the search box)", "Search the guide, questions and flashcards"),
               ("Enter (on a hit, a chapter or a bookmark)", "Open it")]),
    ("Flashcards", [("Space or Enter", "Show the answer"), ("1 2 3 4", "Again, Hard, Good, Easy"),
                    ("Ctrl+Z", "Undo the last answer"), ("-", "Bury the card until tomorrow"),
                    ("@", "Suspend the card"), ("Ctrl+F", "Flag the card")]),
    ("Quiz and exam", [("1–8 or A–H", "Choose an answer (F is “mark”, so use 6 for choice F)"),
                       ("Space", "Toggle the highlighted answer (select all that apply)"),
                       ("Enter", "Submit or go on"), ("← → or P / N", "Previous / next question"),
                       ("F", "Mark for review (exam) or flag the question (practice)"),
                       ("↑ ↓", "Highlight a choice"),
                       ("X", "Strike out the highlighted choice")]),
    ("Practice", [("Enter", "Open the highlighted exercise"),
                  ("1 2 3 4", "Choose a response in a de-escalation drill"),
                  ("Ctrl+Return", "Check the note you wrote"),
                  ("Space", "Tick or untick the focused field or action (disclosure)"),
                  ("Tab", "Move between the editor, the flags and the buttons")]),
]


class ReportDialog(QDialog):
    """Shows a validation report; with warnings only, asks whether to import anyway."""

    def __init__(self, report: BankReport, *, ask_to_import: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Question bank check")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        # Errors and one-off warnings first; a note repeated for every question of a GIFT
        # file ("no source") is one line with a count, so it cannot bury a real problem.
        groups = group_problems(report.problems)
        if report.errors:
            head = (f"<b>{escape(report.file)}</b> has {len(report.errors)} error(s). Nothing was "
                    "imported; fix the lines below and try again.")
        elif report.warnings:
            head = (f"<b>{escape(report.file)}</b> can be imported, with "
                    f"{len(report.warnings)} warning(s), listed below.")
        else:
            head = f"<b>{escape(report.file)}</b> is valid."
        if report.valid and report.bank is not None:
            bank = report.bank
            head += (f"<br>{len(bank.questions)} questions and {len(bank.flashcards)} flashcards "
                     f"in {len(bank.topics)} topic(s).")
            if report.replaces_version is not None:
                head += (f"<br>This updates the bank “{escape(bank.info.title)}” already imported "
                         f"(version {escape(report.replaces_version)} → "
                         f"{escape(bank.info.version)}); progress "
                         "on its items is kept.")
        label = RichLabel(head)  # html-safe: built above with escape()
        label.setObjectName("reportHead")
        label.setWordWrap(True)
        layout.addWidget(label)
        details = QPlainTextEdit("\n".join(str(g) for g in groups) or "No problems.")
        details.setReadOnly(True)
        details.setObjectName("problems")
        details.setAccessibleName("Problems found in the file")
        layout.addWidget(details)
        self.keep_history: QCheckBox | None = None
        if ask_to_import and report.valid and report.history_reviews:
            self.keep_history = QCheckBox(
                f"Keep my Anki review history ({report.history_reviews} reviews) and "
                "schedule: cards due in Anki are due here on the same days")
            self.keep_history.setObjectName("keepHistory")
            self.keep_history.setChecked(True)
            layout.addWidget(self.keep_history)
        if ask_to_import and report.valid:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
            buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def ask_profile_name(parent: QWidget | None, title: str, prompt: str,
                     text: str = "") -> str | None:
    """Ask for a learner's name; None when cancelled."""
    name, ok = QInputDialog.getText(parent, title, prompt, text=text)
    return name if ok and name.strip() else None


def shortcuts_html() -> str:
    """The Help ▸ Keyboard shortcuts page."""
    parts = []
    for section, rows in SHORTCUTS:
        parts.append(f"<h3>{escape(section)}</h3><table>")
        parts.extend(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
                     for k, v in rows)
        parts.append("</table>")
    return "".join(parts)
