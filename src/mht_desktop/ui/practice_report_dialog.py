"""Shows what checking a practice file found: why nothing was imported, or the warnings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.services.practice import PracticeReport
from mht_desktop.ui.rich_text import RichLabel, escape


class PracticeReportDialog(QDialog):
    """A practice file's problems, each with its FILE:LINE."""

    def __init__(self, report: PracticeReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Practice file check")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        if report.imported:
            head = (f"<b>{escape(report.file)}</b> was imported, with {len(report.warnings)} "
                    "thing(s) to look at.")
        else:
            head = (f"<b>{escape(report.file)}</b> has {len(report.errors)} error(s). Nothing "
                    "was imported; fix the lines below and try again.")
        label = RichLabel(head)  # html-safe: built above with escape()
        label.setObjectName("reportHead")
        label.setWordWrap(True)
        layout.addWidget(label)
        details = QPlainTextEdit("\n".join(str(p) for p in report.problems) or "No problems.")
        details.setReadOnly(True)
        details.setObjectName("problems")
        details.setAccessibleName("Problems found in the file")
        layout.addWidget(details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
