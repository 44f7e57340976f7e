"""Print preview for reports, with paper size and "Export PDF…", kept off the GUI thread.

Why a subclass of QPrintPreviewDialog: learners expect the platform's preview (zoom, page
navigation, print), and an instructor may want a PDF instead of paper, in Letter or A4. The
document is laid out by the headless renderer, so the preview, the printout, the PDF and the
command line's PDF are the same pages.

Laying a report out (charts, tables kept whole across page breaks) and writing its PDF take
seconds, so both run on the task lane (QPainter on a QPdfWriter and QTextDocument work off the
GUI thread); the preview's own paint handler only paints the pages already laid out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from mht_desktop.core.errors import MhtError
from mht_desktop.rendering.pages import (
    PDF_DPI,
    Document,
    LaidOutDocument,
    Paper,
    lay_out,
    page_layout,
    paint_document,
    paint_laid_out,
    write_document_pdf,
)
from mht_desktop.ui.dialog_service import Dialogs
from mht_desktop.ui.task_runner import TaskRunner


class ReportPreviewDialog(QPrintPreviewDialog):
    """The platform print preview, plus a paper-size choice and "Export PDF…".

    Args:
        document: What to show: the report's content, title and footer.
        tasks: The task lane the layout and the PDF are made on.
        dialogs: Where to ask for the PDF's path and to show errors.
        suggested_name: File name offered by "Export PDF…".
        paper: The paper size chosen first.
        parent: The owning widget.
    """

    pages_ready = Signal(int)   # the preview shows the laid-out pages (their count)
    pdf_saved = Signal(object)  # Path of the PDF just written

    def __init__(self, document: Document, *, tasks: TaskRunner, dialogs: Dialogs,
                 suggested_name: str, paper: Paper = Paper.LETTER,
                 parent: QWidget | None = None) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        # The PDF's resolution, so the preview is laid out exactly as the PDF will be.
        self._printer.setResolution(PDF_DPI)
        self._printer.setPageLayout(page_layout(paper, landscape=document.landscape))
        super().__init__(self._printer, parent)
        self.setWindowTitle("Print preview")
        self.resize(1040, 780)
        self.document = document
        self.tasks = tasks
        self.dialogs = dialogs
        self.suggested_name = suggested_name
        self.exported: Path | None = None
        self.laid_out: LaidOutDocument | None = None
        self._generation = 0
        self.paintRequested.connect(self._on_paint_requested)
        self.paper_box = QComboBox()
        for choice in Paper:
            self.paper_box.addItem(choice.label, choice)
        self.paper_box.setCurrentIndex(self.paper_box.findData(paper))
        self.paper_box.setToolTip("Paper size for printing and for the PDF")
        self.paper_box.currentIndexChanged.connect(self._on_paper_changed)
        self.export_action = QAction("Export PDF…", self)
        self.export_action.setToolTip("Save these pages as a PDF file")
        self.export_action.triggered.connect(self.export_pdf)
        toolbar = self.findChild(QToolBar)
        if toolbar is not None and toolbar.actions():
            # Qt's own toolbar; ours go first so a narrow window never hides them in the
            # toolbar's overflow menu.
            first = toolbar.actions()[0]
            toolbar.insertWidget(first, QLabel(" Paper: "))
            toolbar.insertWidget(first, self.paper_box)
            toolbar.insertAction(first, self.export_action)
            toolbar.insertSeparator(first)
        self._lay_out()

    @property
    def paper(self) -> Paper:
        """The paper size chosen."""
        choice = self.paper_box.currentData()
        return choice if isinstance(choice, Paper) else Paper.LETTER

    def _lay_out(self) -> None:
        """Lay the pages out on the lane; the preview shows them when they arrive."""
        self._generation += 1
        generation, document, paper = self._generation, self.document, self.paper
        self.laid_out = None
        self.tasks.run(lambda: lay_out(document, paper),
                       on_done=lambda laid: self._on_laid_out(generation, laid),
                       on_error=self._show_error, label="Laying out the pages…", parent=self)

    def _on_laid_out(self, generation: int, laid: LaidOutDocument) -> None:
        if generation != self._generation:
            return  # the paper changed meanwhile: a newer layout is on its way
        self.laid_out = laid
        preview = self.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.updatePreview()
        self.pages_ready.emit(laid.pages)

    def _on_paint_requested(self, printer: QPrinter) -> None:
        laid = self.laid_out
        if laid is None:
            return  # still being laid out: the preview stays blank until then
        try:
            if laid.fits(printer):
                paint_laid_out(laid, printer)
            else:
                # Printing to a printer with another resolution or paper than the preview:
                # lay out for it. Printing is modal, so the wait is the learner's choice.
                paint_document(self.document.build, printer, self.document.footer)
        except MhtError as exc:
            self._show_error(exc)

    def _on_paper_changed(self) -> None:
        self._printer.setPageLayout(page_layout(self.paper, landscape=self.document.landscape))
        self._lay_out()

    def export_pdf(self) -> None:
        """Ask where to save, then write the PDF on the chosen paper (on the lane)."""
        answer = self.dialogs.ask_save_path(self, "Export PDF", self.suggested_name,
                                            "PDF files (*.pdf)")
        if not answer:
            return
        path = Path(answer)
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        document, paper = self.document, self.paper
        self.tasks.run(lambda: write_document_pdf(document, path, paper),
                       on_done=lambda _pages: self._on_saved(path), on_error=self._show_error,
                       label="Saving the PDF…", parent=self)

    def _on_saved(self, path: Path) -> None:
        self.exported = path
        self.setWindowTitle(f"Print preview — saved {path.name}")
        self.pdf_saved.emit(path)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, MhtError):
            self.dialogs.warn(self, "MHT Desktop", str(exc))
        else:
            self.dialogs.error(self, exc)
