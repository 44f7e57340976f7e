"""Charts painted in place inside a laid-out report, as vector drawing.

A report's HTML holds an ``<img>`` placeholder for each chart, sized in CSS pixels. Instead
of handing Qt a picture for it, :func:`draw_charts_in_place` replaces the document's handler
for inline images: Qt still lays the placeholder out as an image of that size, and when it
paints the document it asks this handler to draw it, which replays the chart's instructions
onto the page's own painter (PDF, printer or a preview image).

Why: a chart as a 300 dpi image was compressed into the PDF inside one ``drawContents``
call of ~70 ms, and PySide6 holds Python's lock through a Qt call, so the window froze for as
long. Drawn as paths and text, a chart costs a few small calls, each of which lets the GUI
thread in, and the PDF is smaller and sharp at any zoom.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QRect, QRectF, QSizeF
from PySide6.QtGui import QPainter, QPyTextObject, QTextDocument, QTextFormat

from mht_desktop.rendering.charts import Chart

CSS_PIXELS_PER_INCH = 96.0


class _ChartHandler(QPyTextObject):
    """Sizes and paints the document's inline images, which are all charts.

    An image the report did not register (there are none; the document refuses every load
    anyway) is laid out at its stated size and left blank.
    """

    def __init__(self, charts: Mapping[str, Chart], dpi: float, parent: QObject) -> None:
        super().__init__(parent)
        self._charts = charts
        self._scale = dpi / CSS_PIXELS_PER_INCH  # layout units per CSS pixel

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        """The placeholder's width and height, CSS pixels converted to layout units."""
        image = fmt.toImageFormat()
        return QSizeF(image.width() * self._scale, image.height() * self._scale)

    def drawObject(self, painter: QPainter, rect: QRectF | QRect, doc: QTextDocument,
                   pos: int, fmt: QTextFormat) -> None:
        """Replay the chart named by the placeholder into ``rect``."""
        chart = self._charts.get(fmt.toImageFormat().name())
        if chart is not None:
            chart.paint(painter, QRectF(rect))


def draw_charts_in_place(doc: QTextDocument, charts: Mapping[str, Chart], dpi: float) -> None:
    """Make ``doc`` paint each ``<img src=NAME>`` as ``charts[NAME]``.

    Args:
        doc: The report's document; its layout must already measure for its device.
        charts: The charts by placeholder name (it is read when the document paints, so
            charts registered later are found too).
        dpi: The resolution the document is laid out at (its device's).
    """
    # A child of the document: it lives, and moves between threads, with it.
    handler = _ChartHandler(charts, dpi, doc)
    doc.documentLayout().registerHandler(int(QTextFormat.ObjectTypes.ImageObject.value),
                                         handler)
