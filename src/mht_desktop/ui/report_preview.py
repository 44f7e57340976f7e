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

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QHideEvent,
    QImage,
    QPaintEngine,
    QPainter,
    QShowEvent,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QComboBox, QGraphicsView, QLabel, QToolBar, QWidget

from mht_desktop.core.errors import MhtError
from mht_desktop.rendering.page_images import capped_scale, render_page_image
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
from mht_desktop.ui.window_frame import size_within_screen


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

    pages_ready = Signal(int)   # laid out: the preview shows its pages (count), maybe pending
    pages_drawn = Signal(int)   # every page shown is drawn at the preview's scale (count)
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
        self.resize(*size_within_screen(parent, *PREVIEW_SIZE))
        self.document = document
        self.tasks = tasks
        self.dialogs = dialogs
        self.suggested_name = suggested_name
        self.exported: Path | None = None
        self.laid_out: LaidOutDocument | None = None
        self._generation = 0
        # Page images: drawn on the lane at ``_scale`` (image pixels per layout pixel);
        # ``_drawing`` counts the image requests so a stale one (zoom, paper, close) is
        # dropped. ``shown`` is what the last preview paint placed, per page (tests read it).
        self._images: list[QImage | None] = []
        self._image_scales: list[float] = []
        self._scale = 0.0
        self._drawing = 0
        self._busy = False
        self.shown: list[str] = []
        self._refresh = _single_shot(self, 40, self._update_preview)
        self._rescale = _single_shot(self, 150, self._draw_pages)
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
        self.preview = self.findChild(QPrintPreviewWidget)
        self._view = self.preview.findChild(QGraphicsView) if self.preview else None
        if self._view is not None:
            self._view.viewport().installEventFilter(self)  # its paints tell us the zoom
        # The layout starts once the dialog has painted itself: begun at once, the lane's
        # long Qt calls (they hold the GIL) landed in the middle of the dialog's first
        # build and paint, one stall of both. Shown, it waits for the first paint, or
        # FIRST_LAYOUT_MS for a preview that never paints.
        self._first_layout = _single_shot(self, FIRST_LAYOUT_MS, self._lay_out_first)

    @property
    def paper(self) -> Paper:
        """The paper size chosen."""
        choice = self.paper_box.currentData()
        return choice if isinstance(choice, Paper) else Paper.LETTER

    def page_image(self, page: int) -> QImage | None:
        """The image shown for page ``page`` (0-based); None while it is being drawn."""
        return self._images[page] if 0 <= page < len(self._images) else None

    def _lay_out_first(self) -> None:
        if self._generation == 0:  # no layout asked for yet
            self._lay_out()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown: lay the pages out after the first paint (or soon, whichever comes first)."""
        super().showEvent(event)
        if self._generation == 0:
            self._first_layout.start()

    def _lay_out(self) -> None:
        """Lay the pages out on the lane; the preview shows them when they arrive."""
        self._generation += 1
        generation, document, paper = self._generation, self.document, self.paper
        self.tasks.run(lambda: lay_out(document, paper),
                       on_done=lambda laid: self._on_laid_out(generation, laid),
                       on_error=self._show_error, label="Laying out the pages…", parent=self)

    def _on_laid_out(self, generation: int, laid: LaidOutDocument) -> None:
        if generation != self._generation:
            return  # the paper changed meanwhile: a newer layout is on its way
        self.laid_out = laid
        self._images = [None] * laid.pages
        self._image_scales = [0.0] * laid.pages
        self._drawing += 1
        self._scale = 0.0
        self._update_preview()  # placeholders at once; the images follow
        self.pages_ready.emit(laid.pages)
        self._watch_scale(at_once=True)

    # -- page images, drawn on the lane --------------------------------------------------------
    def _wanted_scale(self) -> float | None:
        """The image scale the preview shows pages at now (None before it is on screen)."""
        view, laid = self._view, self.laid_out
        if view is None or laid is None or not view.isVisible():
            return None
        ratio = view.viewport().devicePixelRatioF()
        return capped_scale(laid, view.transform().m11() * ratio)

    def _watch_scale(self, *, at_once: bool = False) -> None:
        """Draw the pages again when the preview's scale moved away from the images'."""
        wanted = self._wanted_scale()
        if wanted is None or (self._scale and abs(wanted / self._scale - 1) < 0.05):
            return
        if at_once or not self._scale:
            self._rescale.stop()
            self._draw_pages()
        else:
            self._rescale.start()  # zooming or resizing: wait until it settles

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the preview's zoom whenever its view repaints."""
        if event.type() == QEvent.Type.Paint:
            if self.laid_out is not None:
                self._watch_scale()
            elif self._generation == 0:
                self._first_layout.start(0)  # once this paint is on screen
        return super().eventFilter(watched, event)

    def _draw_pages(self) -> None:
        wanted = self._wanted_scale()
        if wanted is None:
            return
        self._scale = wanted
        self._drawing += 1
        if not self._busy:
            self._draw_next()

    def _next_page(self) -> int | None:
        """The page to draw next: the one in view first, then those after it, then before."""
        laid = self.laid_out
        if laid is None or not self.isVisible():
            return None  # closed: the rest is dropped
        current = max(0, (self.preview.currentPage() if self.preview else 1) - 1)
        order = [*range(current, laid.pages), *range(current - 1, -1, -1)]
        return next((p for p in order if self._image_scales[p] != self._scale), None)

    def _draw_next(self) -> None:
        """Ask the lane for the next page's image; one at a time, so other work gets in."""
        laid, page = self.laid_out, self._next_page()
        self._busy = laid is not None and page is not None
        if laid is None or page is None:
            if laid is not None and self._image_scales and \
                    all(s == self._scale for s in self._image_scales):
                self.pages_drawn.emit(laid.pages)
            return
        drawing, scale = self._drawing, self._scale

        def draw() -> QImage | None:
            if drawing != self._drawing:
                return None  # zoomed, re-laid out or closed since it was asked for
            return render_page_image(laid, page, scale)

        self.tasks.run(draw, on_done=lambda image: self._on_page_drawn(drawing, page, scale,
                                                                       image),
                       on_error=self._on_draw_failed)

    def _on_page_drawn(self, drawing: int, page: int, scale: float,
                       image: QImage | None) -> None:
        if image is not None and drawing == self._drawing:
            self._images[page] = image
            self._image_scales[page] = scale
            self._refresh.start()
        self._draw_next()

    def _on_draw_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._show_error(exc)

    def _update_preview(self) -> None:
        if self.preview is not None:
            self.preview.updatePreview()

    def hideEvent(self, event: QHideEvent) -> None:
        """Drop the pages still to be drawn (the lane skips them); shown again, draw anew."""
        self._drawing += 1
        self._scale = 0.0
        self._rescale.stop()
        self._refresh.stop()
        super().hideEvent(event)

    # -- painting ------------------------------------------------------------------------------
    def _on_paint_requested(self, printer: QPrinter) -> None:
        engine = printer.paintEngine()
        if engine is not None and engine.type() == QPaintEngine.Type.Picture:
            self._place_images(printer)  # the preview recording its pages
            return
        laid = self.laid_out
        if laid is None:
            return  # still being laid out: nothing to print yet
        try:
            if laid.fits(printer):
                paint_laid_out(laid, printer)
            else:
                # Printing to a printer with another resolution or paper than the preview:
                # lay out for it. Printing is modal, so the wait is the learner's choice.
                paint_document(self.document.build, printer, self.document.footer)
        except MhtError as exc:
            self._show_error(exc)

    def _place_images(self, printer: QPrinter) -> None:
        """The preview's pages: the lane's images, or a placeholder; never the document."""
        laid = self.laid_out
        self.shown = []
        if laid is None:
            return  # nothing before the layout is complete
        area = QRectF(0, 0, laid.paint_rect.width(), laid.paint_rect.height())
        painter = QPainter()
        if not painter.begin(printer):
            return
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            font = QFont(painter.font())
            font.setPointSizeF(12)
            painter.setFont(font)
            painter.setPen(QColor("#80868b"))
            for page in range(laid.pages):
                if page:
                    printer.newPage()
                image = self._images[page] if page < len(self._images) else None
                if image is None:
                    painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter),
                                     f"Drawing page {page + 1}…")
                    self.shown.append("placeholder")
                else:
                    painter.drawImage(area, image)
                    self.shown.append("image")
        finally:
            painter.end()

    def _on_paper_changed(self) -> None:
        self._printer.setPageLayout(page_layout(self.paper, landscape=self.document.landscape))
        self._drawing += 1  # the old pages stay on screen until the new layout arrives
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


# The preview's first size, within the screen (a fixed size ran off a 1024 x 700 screen).
PREVIEW_SIZE = (1040, 780)
FIRST_LAYOUT_MS = 150  # the layout's start when no paint comes first


def _single_shot(parent: QObject, msecs: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(msecs)
    timer.timeout.connect(slot)
    return timer
