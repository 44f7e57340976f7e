"""The study calendar: one small square per day, darker for busier days.

A custom-painted widget rather than a chart: QtCharts has no calendar heat map, and the
printed report already draws one with QPainter (mht_desktop.rendering.charts), so the window
reuses that painter and both look the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from mht_desktop.rendering.charts import ChartStyle, paint_heatmap


class HeatmapWidget(QWidget):
    """Reviews plus quiz answers per day, as a calendar (weeks across, Monday on top)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cells: list[tuple[date, int]] = []
        self.dark = False
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(600, 130)

    def set_cells(self, cells: Sequence[tuple[date, int]], *, dark: bool) -> None:
        """Show these (date, count) pairs (consecutive dates)."""
        self.cells = list(cells)
        self.dark = dark
        total = sum(n for _, n in self.cells)
        days = sum(1 for _, n in self.cells if n)
        self.setToolTip(f"{days:d} study day(s), {total:,} cards and questions in "
                        f"{len(self.cells)} day(s) shown")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        style = ChartStyle.dark() if self.dark else ChartStyle.light()
        paint_heatmap(painter, QRectF(self.rect()).adjusted(4, 4, -4, -4), self.cells,
                      style, label_size_pt=max(6.0, self.font().pointSizeF() * 0.8))
        painter.end()
