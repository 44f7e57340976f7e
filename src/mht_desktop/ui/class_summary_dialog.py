"""Class summary: an instructor opens trainees' progress files and sees topic × trainee
readiness and each trainee's practice results, then prints them or saves them as a PDF.

Why a dialog beside the Progress view: it works on files handed in by trainees, not on this
computer's profiles, so it never touches the database; bad files are listed with the reason
and the others still load.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.errors import MhtError
from mht_desktop.core.practice.progress import CLASS_PRACTICE_HEADINGS, class_practice_cells
from mht_desktop.core.readiness import percent
from mht_desktop.rendering.class_report import cell_color, class_document
from mht_desktop.rendering.pages import Paper, write_document_pdf
from mht_desktop.services.progress_file import ClassSummary, ProgressFile, class_summary, read_many
from mht_desktop.ui.dialog_service import Dialogs
from mht_desktop.ui.report_preview import ReportPreviewDialog
from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.task_runner import TaskRunner

PROGRESS_FILTER = "MHT Desktop progress files (*.json);;All files (*)"


class ClassSummaryDialog(QDialog):
    """Several trainees' progress files as one topic × trainee readiness table."""

    def __init__(self, tasks: TaskRunner, dialogs: Dialogs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.dialogs = dialogs
        self.setWindowTitle("Class summary")
        self.resize(980, 620)
        self.files: list[ProgressFile] = []
        self.errors: list[str] = []
        self.preview: ReportPreviewDialog | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("Open the progress files your trainees exported (Progress ▸ Export "
                       "progress…). Each column is a trainee; each cell is their readiness for "
                       "a topic. Nothing is stored on this computer.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add progress files…")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton("Remove trainee")
        self.remove_button.setToolTip("Remove the selected trainee")
        self.remove_button.clicked.connect(self.remove_selected)
        self.paper_box = QComboBox()
        for choice in Paper:
            self.paper_box.addItem(choice.label, choice)
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(self.open_preview)
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.clicked.connect(self.export_pdf)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Paper:"))
        buttons.addWidget(self.paper_box)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        layout.addLayout(buttons)
        self.error_label = plain_label()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d93025;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectColumns)
        self.table.setAccessibleName("Readiness by topic and trainee")
        # Practice is per trainee, not per topic, so it gets its own table: a row per trainee.
        self.practice_table = QTableWidget()
        self.practice_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.practice_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.practice_table.setAccessibleName("Practice results by trainee")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "&Readiness by topic")
        self.tabs.addTab(self.practice_table, "&Practice")
        layout.addWidget(self.tabs, 1)
        self._show()

    @property
    def paper(self) -> Paper:
        """The paper size chosen."""
        choice = self.paper_box.currentData()
        return choice if isinstance(choice, Paper) else Paper.LETTER

    @property
    def summary(self) -> ClassSummary:
        """The matrix of the files loaded."""
        return class_summary(self.files)

    def choose_files(self) -> None:
        """Ask for progress files and add them."""
        self.add_paths([Path(p) for p in self.dialogs.ask_open_paths(
            self, "Add progress files", "", PROGRESS_FILTER)])

    def add_paths(self, paths: list[Path]) -> None:
        """Read ``paths``; good files join the table, bad ones are listed with the reason."""
        files, errors = read_many(paths)
        known = {(f.learner, f.generated_at, f.source) for f in self.files}
        self.files += [f for f in files if (f.learner, f.generated_at, f.source) not in known]
        self.errors = errors
        self._show()

    def remove_selected(self) -> None:
        """Drop the selected trainee (a column of readiness, or a row of practice)."""
        if self.tabs.currentWidget() is self.practice_table:
            chosen = {i.row() for i in self.practice_table.selectedIndexes()}
        else:
            chosen = {i.column() - 1 for i in self.table.selectedIndexes()}
        for index in sorted(chosen, reverse=True):
            if 0 <= index < len(self.files):
                del self.files[index]
        self._show()

    def _show(self) -> None:
        self._fill_table()
        self._fill_practice()

    def _fill_practice(self) -> None:
        summary = self.summary
        table = self.practice_table
        table.clear()
        table.setColumnCount(len(CLASS_PRACTICE_HEADINGS) + 1)
        table.setRowCount(len(summary.trainees))
        table.setHorizontalHeaderLabels(["Trainee", *CLASS_PRACTICE_HEADINGS])
        for r, (label, f) in enumerate(zip(summary.trainees, summary.files, strict=True)):
            table.setItem(r, 0, QTableWidgetItem(label))
            for c, text in enumerate(class_practice_cells(f.practice), start=1):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, table.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _fill_table(self) -> None:
        if self.errors:
            self.error_label.setText("Not loaded:\n" + "\n".join(self.errors))
        self.error_label.setVisible(bool(self.errors))
        has_files = bool(self.files)
        for button in (self.remove_button, self.print_button, self.pdf_button):
            button.setEnabled(has_files)
        summary = self.summary
        self.table.clear()
        self.table.setColumnCount(len(summary.trainees) + 2)
        self.table.setRowCount(len(summary.rows) + 1)
        self.table.setHorizontalHeaderLabels(["Topic", *summary.trainees, "Class mean"])
        dark_text = QBrush(QColor("#1c1e21"))

        def cell(row: int, column: int, value: float | None, *, bold: bool = False) -> None:
            item = QTableWidgetItem(percent(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setBackground(QBrush(QColor(cell_color(value))))
            item.setForeground(dark_text)  # the cell colours are light in both themes
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(row, column, item)

        for r, row in enumerate(summary.rows):
            self.table.setItem(r, 0, QTableWidgetItem(row.title))
            for c, value in enumerate(row.values):
                cell(r, c + 1, value)
            cell(r, len(row.values) + 1, row.mean)
        last = len(summary.rows)
        overall = QTableWidgetItem("Overall")
        font = overall.font()
        font.setBold(True)
        overall.setFont(font)
        self.table.setItem(last, 0, overall)
        for c, value in enumerate(summary.overall):
            cell(last, c + 1, value, bold=True)
        present = [v for v in summary.overall if v is not None]
        cell(last, len(summary.overall) + 1, sum(present) / len(present) if present else None,
             bold=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.table.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def export_pdf(self) -> None:
        """Save the class summary as a PDF (written on the task lane)."""
        answer = self.dialogs.ask_save_path(self, "Export class summary", "class-summary.pdf",
                                            "PDF files (*.pdf)")
        if not answer:
            return
        document, path, paper = class_document(self.summary), Path(answer), self.paper
        self.tasks.run(lambda: write_document_pdf(document, path.with_suffix(".pdf"), paper),
                       on_error=lambda exc: self.dialogs.warn(self, "MHT Desktop", str(exc))
                       if isinstance(exc, MhtError) else self.dialogs.error(self, exc),
                       label="Saving the PDF…", parent=self)

    def open_preview(self) -> None:
        """Show the print preview of the class summary."""
        self.preview = ReportPreviewDialog(class_document(self.summary), tasks=self.tasks,
                                           dialogs=self.dialogs,
                                           suggested_name="class-summary.pdf",
                                           paper=self.paper, parent=self)
        self.preview.open()
