"""Paged documents: lay HTML and tables out on real pages, keep rows whole, paint with a footer.

Why this exists: reports are read on paper and signed, so a table row cut in half by a page
break — a topic's name on one page and its next steps on the other — is not acceptable.
QTextDocument repeats a table's ``<thead>`` on every page, but it splits a multi-line row
across a page break. So builders describe their content as parts (HTML strings and
:class:`Table` objects); :func:`layout_document` lays the document out, finds the first row
that straddles a page break, splits its table there with a page break and a repeated header,
and lays out again until no row straddles. The same pages go to a PDF, a printer and the
print preview's page images (:mod:`.page_images`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRect,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextDocument,
    QTextTable,
)

from mht_desktop.core.errors import MhtError
from mht_desktop.core.escaping import escape_html
from mht_desktop.rendering.chart_objects import draw_charts_in_place
from mht_desktop.rendering.charts import Chart, ChartStyle
from mht_desktop.rendering.headless import ensure_gui_app
from mht_desktop.rendering.safe_document import SafeTextDocument

PDF_DPI = 300
MARGIN_MM = 16.0
FOOTER_PT = 16.0
MAX_LAYOUT_PASSES = 60  # each pass fixes one page break; a report has far fewer pages

CSS = """
body { font-family: 'DejaVu Sans', 'Helvetica', 'Arial', sans-serif; font-size: 9.5pt;
       color: #1c1e21; }
h1 { font-size: 18pt; margin: 0 0 2pt 0; }
h2 { font-size: 12.5pt; margin: 14pt 0 4pt 0; color: #1967d2; }
p { margin: 3pt 0; }
.muted { color: #5f6368; }
.small { font-size: 8pt; }
.big { font-size: 16pt; font-weight: bold; }
.good { color: #188038; font-weight: bold; }
.bad { color: #d93025; font-weight: bold; }
th { background-color: #eef1f5; font-weight: bold; text-align: left; }
td.num, th.num { text-align: right; }
"""
# Qt's rich text draws cell borders from the table's own attributes and style.
TABLE_ATTRS = ('border="0.6" cellspacing="0" cellpadding="4" '
               'style="border-collapse: collapse; border-color: #c4c9d0; border-style: solid;')


class Paper(Enum):
    """Paper sizes offered everywhere a report is printed."""

    LETTER = "letter"
    A4 = "a4"

    @property
    def page_size(self) -> QPageSize:
        """Qt's page size."""
        return QPageSize(QPageSize.PageSizeId.Letter if self is Paper.LETTER
                         else QPageSize.PageSizeId.A4)

    @property
    def label(self) -> str:
        """For menus."""
        return "US Letter" if self is Paper.LETTER else "A4"


class ReportWriteError(MhtError):
    """The PDF could not be written (folder missing, disk full, no permission)."""


escape = escape_html  # the one escaping helper (services/text.py), under its old name here


Cell = str | tuple[str, str]  # inner HTML, or (inner HTML, extra <td> attributes)


@dataclass
class Table:
    """A data table whose rows are never split across pages.

    Attributes:
        headers: (heading text, right-aligned) per column; repeated on every page.
        rows: Cells as inner HTML (already escaped), or (HTML, extra <td> attributes).
        heading: HTML shown just above the table, kept on the same page as its first row.
        width: The table's width attribute.
        breaks: Row indexes that start a new page (filled in by the layout).
    """

    headers: Sequence[tuple[str, bool]]
    rows: Sequence[Sequence[Cell]]
    heading: str = ""
    width: str = "100%"
    breaks: set[int] = field(default_factory=set)

    def html(self) -> tuple[str, list[list[int]]]:
        """The HTML (one <table> per run of rows between breaks) and each run's rows."""
        head = "".join(f'<th{" class=num" if num else ""}>{escape(h)}</th>'
                       for h, num in self.headers)
        runs: list[list[int]] = [[]]
        for i in range(len(self.rows)):
            if i in self.breaks and runs[-1]:
                runs.append([])
            runs[-1].append(i)
        parts = []
        for n, run in enumerate(runs):
            page_break = n > 0 or 0 in self.breaks
            if n == 0 and self.heading:
                parts.append(_with_break(self.heading, page_break))
                page_break = False
            style = "page-break-before: always;" if page_break else ""
            body = "".join(self._row(self.rows[i]) for i in run)
            parts.append(f'<table {TABLE_ATTRS}{style}" width="{self.width}">'
                         f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        return "".join(parts), runs

    def _row(self, cells: Sequence[Cell]) -> str:
        out = []
        for cell, (_h, num) in zip(cells, self.headers, strict=True):
            inner, attrs = (cell, "") if isinstance(cell, str) else cell
            align = ' class="num"' if num else ""
            out.append(f"<td{align} {attrs}>{inner}</td>")
        return f"<tr>{''.join(out)}</tr>"


def _with_break(heading: str, page_break: bool) -> str:
    if not page_break:
        return heading
    # The heading is one of our own tags (<h2>…); give it the page break.
    tag_end = heading.find(">")
    return f'{heading[:tag_end]} style="page-break-before: always;"{heading[tag_end:]}'


Part = str | Table


@dataclass
class Sheet:
    """What a builder knows about the page it lays out for; it also collects the charts.

    Attributes:
        width_pt: The text width in points.
        style: Chart colours.
        charts: The charts placed so far, by placeholder name.
    """

    width_pt: float
    style: ChartStyle
    charts: dict[str, Chart] = field(default_factory=dict)

    def chart(self, chart: Chart) -> str:
        """Keep ``chart`` for the document; return the <img> placeholder it is drawn into.

        The placeholder has the chart's size; the document draws the chart there as vector
        paths and text (:mod:`.chart_objects`).
        """
        name = f"mht-chart-{len(self.charts) + 1}"
        self.charts[name] = chart
        # <img> sizes are CSS pixels (1/96 inch), converted to the layout's units.
        width, height = chart.width_pt * 96.0 / 72.0, chart.height_pt * 96.0 / 72.0
        return f'<img src="{name}" width="{width:.1f}" height="{height:.1f}">'


Builder = Callable[[Sheet], list[Part]]


# -- layout --------------------------------------------------------------------------------

Emitted = list[tuple[Table | None, list[int]]]


def _render(parts: Sequence[Part]) -> tuple[str, Emitted]:
    """The document's HTML, and for each <table> in it the Table and rows it shows."""
    chunks: list[str] = []
    emitted: Emitted = []
    for part in parts:
        if isinstance(part, Table):
            text, runs = part.html()
            chunks.append(text)
            emitted.extend((part, run) for run in runs)
        else:
            chunks.append(part)
            # A plain-HTML part may hold its own tables (e.g. a header grid); count them so
            # the document's tables and ``emitted`` stay in step.
            emitted.extend((None, []) for _ in range(part.count("<table")))
    return f"<html><body>{''.join(chunks)}</body></html>", emitted


def _cell_span(doc: QTextDocument, table: QTextTable, row: int) -> tuple[float, float]:
    """Top and bottom (document coordinates) of a table row's content."""
    layout = doc.documentLayout()
    top, bottom = float("inf"), float("-inf")
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        first = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().block()
        block: QTextBlock = first
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            top, bottom = min(top, rect.top()), max(bottom, rect.bottom())
            if block == last:
                break
            block = block.next()
    return top, bottom


def _first_straddle(doc: QTextDocument, emitted: Emitted,
                    page_height: float) -> tuple[Table, int] | None:
    """The first table row whose content crosses a page break (and could fit on a page)."""
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    for frame, (part, run) in zip(tables, emitted, strict=False):
        if part is None:
            continue
        for j, original in enumerate(run):
            top, bottom = _cell_span(doc, frame, j + 1)  # row 0 is the header
            if bottom - top >= page_height * 0.8:
                continue  # taller than a page: it has to split
            if int(top // page_height) != int((bottom - 1) // page_height):
                if original in part.breaks or (j == 0 and original != 0):
                    continue  # already starts a page
                return part, original
        if part.heading and run and run[0] == 0 and 0 not in part.breaks:
            # Keep a heading with its table: if the table's first row starts on a later page
            # than the block before the table, move both.
            top, _ = _cell_span(doc, frame, 1)
            before = frame.firstCursorPosition().block().previous()
            if before.isValid():
                rect = doc.documentLayout().blockBoundingRect(before)
                if int(rect.top() // page_height) < int(top // page_height):
                    return part, 0
    return None


def _lonely_row(doc: QTextDocument, emitted: Emitted,
                page_height: float) -> tuple[Table, int] | None:
    """Where to break a table so no page holds just one of its rows (orphan/widow control).

    A table whose first page holds only its first row (at the foot of the page) moves to
    the next page whole; one whose last page holds only its last row takes the row before
    with it, so the header repeated on the new page always has two rows under it.
    """
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    for frame, (part, run) in zip(tables, emitted, strict=False):
        if part is None or len(run) < 2:
            continue
        pages: list[list[int]] = []     # run positions, grouped by the page they start on
        last_page = None
        for j in range(len(run)):
            top, _bottom = _cell_span(doc, frame, j + 1)
            page = int(top // page_height)
            if page != last_page:
                pages.append([])
                last_page = page
            pages[-1].append(j)
        if len(pages) < 2:
            continue
        first, last = pages[0], pages[-1]
        if len(first) == 1 and run[0] not in part.breaks:
            return part, run[0]
        if len(last) == 1 and len(pages[-2]) >= 3 and run[last[0] - 1] not in part.breaks:
            return part, run[last[0] - 1]
    return None


def layout_document(build: Builder, device: QPagedPaintDevice) -> tuple[QTextDocument, float]:
    """Lay a document out for ``device``'s pages with no table row split across pages,
    and no page holding a single row of a longer table.

    Returns:
        The document and the height of its page body in device pixels (the footer is below).
    """
    ensure_gui_app()
    dpi = float(device.logicalDpiY())
    rect = device.pageLayout().paintRectPixels(round(dpi))
    body_height = rect.height() - FOOTER_PT * dpi / 72.0
    doc = SafeTextDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(CSS)
    doc.setPageSize(QSizeF(rect.width(), body_height))
    sheet = Sheet(rect.width() * 72.0 / dpi - 2, ChartStyle.light())
    parts = build(sheet)
    draw_charts_in_place(doc, sheet.charts, dpi)
    for _ in range(MAX_LAYOUT_PASSES):
        text, emitted = _render(parts)
        doc.setHtml(text)  # html-safe: every builder escapes with escape()
        doc.pageCount()  # forces the full layout
        found = (_first_straddle(doc, emitted, body_height)
                 or _lonely_row(doc, emitted, body_height))
        if found is None:
            break
        table, row = found
        table.breaks.add(row)
    return doc, body_height


# -- painting ------------------------------------------------------------------------------

def paint_document(build: Builder, device: QPagedPaintDevice, footer: str) -> int:
    """Lay out and paint every page (and footer) on a QPdfWriter or printer; the count."""
    doc, body_height = layout_document(build, device)
    return _paint_pages(doc, body_height, device, footer)


def _paint_pages(doc: QTextDocument, body_height: float, device: QPagedPaintDevice,
                 footer: str) -> int:
    pages = doc.pageCount()
    painter = QPainter()
    if not painter.begin(device):
        raise ReportWriteError("Cannot start drawing the report (is the file writable?).")
    try:
        for page in range(pages):
            if page:
                device.newPage()
            paint_page(painter, doc, body_height, page, pages, footer,
                       float(device.logicalDpiY()))
    finally:
        painter.end()
    return pages


def paint_page(painter: QPainter, doc: QTextDocument, body_height: float, page: int,
               pages: int, footer: str, dpi: float, band: tuple[float, float] | None = None
               ) -> None:
    """Paint page ``page`` (0-based) of ``pages`` (laid out at ``dpi``) and its footer.

    The one page painter, for the PDF, printers and the preview's images. ``band`` (top,
    bottom, in page pixels) paints that strip of the body only; the footer comes with the
    strip that reaches the body's foot.
    """
    width = doc.pageSize().width()
    top, bottom = band or (0.0, body_height)
    painter.save()
    painter.translate(0, -page * body_height)
    doc.drawContents(painter, QRectF(0, page * body_height + top, width, bottom - top))
    painter.restore()
    if bottom < body_height:
        return
    footer_font = QFont("DejaVu Sans")
    # In the layout's units, not the device's points: a preview image is a 96 dpi QImage
    # under a scale, where 7.5 "points" came out a third of the size printed.
    footer_font.setPixelSize(round(7.5 * dpi / 72.0))
    painter.setFont(footer_font)
    line = QRectF(0, body_height + 4 * dpi / 72.0, width, 10 * dpi / 72.0)
    painter.setPen(Qt.GlobalColor.darkGray)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft), footer)
    painter.drawText(line, int(Qt.AlignmentFlag.AlignRight), f"Page {page + 1} of {pages}")


# -- laid out off the GUI thread -------------------------------------------------------------

@dataclass(frozen=True)
class Document:
    """A report before it meets a page: its content, PDF title, footer and orientation."""

    build: Builder
    title: str
    footer: str
    landscape: bool = False


@dataclass
class LaidOutDocument:
    """A document laid out for one paper and resolution, ready to paint.

    :func:`lay_out` makes it on a worker; the layout measured its text against ``device``,
    which must live as long. Whoever paints ``doc`` (the lane drawing preview pages, the GUI
    thread printing) holds ``lock``: a QTextDocument is not thread-safe.
    """

    doc: QTextDocument
    body_height: float
    footer: str
    paint_rect: QRect
    resolution: int
    device: QPdfWriter
    buffer: QBuffer
    pages: int  # how many pages the document fills (counted when laid out)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fits(self, device: QPagedPaintDevice) -> bool:
        """Whether ``device`` has the resolution and page area this layout was made for."""
        dpi = device.logicalDpiY()
        return dpi == self.resolution and \
            device.pageLayout().paintRectPixels(dpi) == self.paint_rect


def lay_out(document: Document, paper: Paper, *, resolution: int = PDF_DPI) -> LaidOutDocument:
    """Lay ``document`` out for ``paper`` at ``resolution`` (on a worker; the GUI thread
    owns the objects made from then on)."""
    ensure_gui_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    device = QPdfWriter(buffer)  # measures like the PDF and the printer; never painted
    device.setResolution(resolution)
    device.setPageLayout(page_layout(paper, landscape=document.landscape))
    doc, body_height = layout_document(document.build, device)
    app = QCoreApplication.instance()
    if app is not None:  # the worker may be gone when the GUI thread prints or deletes them
        for obj in (doc, device, buffer):
            obj.moveToThread(app.thread())
    return LaidOutDocument(doc, body_height, document.footer,
                           device.pageLayout().paintRectPixels(resolution), resolution,
                           device, buffer, doc.pageCount())


def paint_laid_out(laid: LaidOutDocument, device: QPagedPaintDevice) -> int:
    """Paint a laid-out document on ``device`` (see :meth:`LaidOutDocument.fits`)."""
    with laid.lock:
        return _paint_pages(laid.doc, laid.body_height, device, laid.footer)


def page_layout(paper: Paper, *, landscape: bool = False) -> QPageLayout:
    """The page, orientation and margins every report uses."""
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    return QPageLayout(paper.page_size, orientation,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                       QPageLayout.Unit.Millimeter)


def write_pdf(build: Builder, path: Path, *, paper: Paper, title: str, footer: str,
              landscape: bool = False) -> int:
    """Render a document to a PDF file; returns the page count.

    Raises:
        ReportWriteError: when the folder does not exist or the file cannot be written.
    """
    ensure_gui_app()
    if not path.parent.is_dir():
        raise ReportWriteError(f"Cannot write {path}: the folder {path.parent} does not "
                               "exist.")
    _private_file(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("MHT Desktop")
    writer.setPageLayout(page_layout(paper, landscape=landscape))
    try:
        pages = paint_document(build, writer, footer)
    finally:
        del writer  # flushes and closes the file
    if not path.exists() or path.stat().st_size == 0:
        raise ReportWriteError(f"Cannot write {path} (check that you may write there).")
    return pages


def write_document_pdf(document: Document, path: Path, paper: Paper) -> int:
    """Write ``document`` as a PDF on ``paper``; returns the page count (any thread).

    Raises:
        ReportWriteError: when the folder does not exist or the file cannot be written.
    """
    return write_pdf(document.build, path, paper=paper, title=document.title,
                     footer=document.footer, landscape=document.landscape)


def _private_file(path: Path) -> None:
    """Create (or keep) ``path`` owner-only before Qt writes into it: a report names the
    learner and their results, and Qt would create it readable by everyone (0644)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        if os.name != "nt":
            path.chmod(0o600)
    except OSError as exc:
        raise ReportWriteError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
