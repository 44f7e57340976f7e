"""Print preview for progress reports, with paper size and "Export PDF…".

Why a subclass of QPrintPreviewDialog: learners expect the platform's preview (zoom, page
navigation, print), and an instructor may want a PDF instead of paper, in Letter or A4. The
document is painted by the headless renderer, so the preview, the printout, the PDF and the
command line's PDF are the same pages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QToolBar, QWidget

from mht_desktop.core.errors import MhtError
from mht_desktop.rendering.pages import Paper, page_layout
from mht_desktop.ui.rich_text import show_message

AskSavePath = Callable[[QWidget, str, str, str], Path | None]
AskOpenPaths = Callable[[QWidget, str, str], list[Path]]


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> Path | None:
    """A native "Save as" dialog (tests replace it so no modal dialog can hang)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return Path(name) if name else None


def ask_open_paths(parent: QWidget, title: str, filters: str) -> list[Path]:
    """A native "Open" dialog for several files (tests replace it)."""
    names, _ = QFileDialog.getOpenFileNames(parent, title, "", filters)
    return [Path(n) for n in names]


class ReportPreviewDialog(QPrintPreviewDialog):
    """The platform print preview, plus a paper-size choice and "Export PDF…".

    Args:
        paint: Paints the document on a printer (e.g. ``paint_learner_report``).
        export: Writes the document as a PDF at a path on a paper size.
        suggested_name: File name offered by "Export PDF…".
        landscape: Print across the page (wide class summaries).
        parent: The owning widget.
    """

    def __init__(self, paint: Callable[[QPrinter], object],
                 export: Callable[[Path, Paper], object], *, suggested_name: str,
                 paper: Paper = Paper.LETTER, landscape: bool = False,
                 parent: QWidget | None = None) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setPageLayout(page_layout(paper, landscape=landscape))
        super().__init__(self._printer, parent)
        self.setWindowTitle("Print preview")
        self.resize(1040, 780)
        self._paint = paint
        self._export = export
        self._landscape = landscape
        self.suggested_name = suggested_name
        self.ask_save: AskSavePath = ask_save_path
        self.exported: Path | None = None
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

    @property
    def paper(self) -> Paper:
        """The paper size chosen."""
        choice = self.paper_box.currentData()
        return choice if isinstance(choice, Paper) else Paper.LETTER

    def _on_paint_requested(self, printer: QPrinter) -> None:
        try:
            self._paint(printer)
        except MhtError as exc:
            show_message(self, "MHT Desktop", str(exc))

    def _on_paper_changed(self) -> None:
        self._printer.setPageLayout(page_layout(self.paper, landscape=self._landscape))
        preview = self.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.updatePreview()

    def export_pdf(self) -> None:
        """Ask where to save, then write the PDF on the chosen paper."""
        path = self.ask_save(self, "Export PDF", self.suggested_name, "PDF files (*.pdf)")
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            self._export(path, self.paper)
        except MhtError as exc:
            show_message(self, "MHT Desktop", str(exc))
            return
        self.exported = path
        self.setWindowTitle(f"Print preview — saved {path.name}")
