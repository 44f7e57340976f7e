"""Small charts drawn with QPainter: bars, a score line and a calendar heat map.

Why not QtCharts here: QtCharts draws through QGraphicsView widgets, which need a
QApplication and a widget stack; the report must render on a server with no display from the
command line. These painter charts need only QtGui, and the window reuses the heat map painter
for its calendar widget.

A report's chart is a :class:`Chart`: drawing instructions, not pixels. The document paints it
where its ``<img>`` placeholder was laid out (:mod:`.chart_objects`), so a PDF holds the
chart as vector paths and text, sharp at any zoom, and no chart image is compressed into the
PDF (that compression ran for ~70 ms inside one Qt call on the lane, holding Python's lock
while the window waited). The print preview's page images draw the same instructions at the
preview's scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen

from mht_desktop.core.activity import DayActivity, ScorePoint

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class ChartStyle:
    """Colours for one theme (print uses the light one)."""

    background: QColor
    text: QColor
    muted: QColor
    grid: QColor
    accent: QColor
    second: QColor
    good: QColor
    bad: QColor
    empty: QColor
    heat: tuple[QColor, ...]

    @classmethod
    def light(cls) -> ChartStyle:
        """Dark ink on white, for paper and the light theme."""
        return cls(QColor("#ffffff"), QColor("#1c1e21"), QColor("#5f6368"), QColor("#dadce0"),
                   QColor("#1967d2"), QColor("#e8710a"), QColor("#188038"), QColor("#d93025"),
                   QColor("#ebedf0"),
                   (QColor("#c6e3f7"), QColor("#8cc4ec"), QColor("#4a9be0"), QColor("#1967d2")))

    @classmethod
    def dark(cls) -> ChartStyle:
        """Light ink on the dark theme's window colour."""
        return cls(QColor("#202225"), QColor("#e6e6e6"), QColor("#a8a8a8"), QColor("#3c4043"),
                   QColor("#5ea0ff"), QColor("#f29d49"), QColor("#57bb75"), QColor("#f28b82"),
                   QColor("#2d3034"),
                   (QColor("#1c3a5e"), QColor("#245a94"), QColor("#3a7fd0"), QColor("#7db4ff")))


def nice_ceiling(value: float, ticks: int = 4) -> float:
    """A tidy axis maximum at or above ``value`` whose ``ticks`` steps are 1, 2 or 5 × 10ⁿ
    (so every gridline gets a round label)."""
    if value <= 0:
        return float(ticks)
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power + 1e-12:
            return float(step * power * ticks)
    return float(10 * power * ticks)


def _value_text(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


class _Canvas:
    """A painter with point-based measurements, for one chart's rectangle.

    Attributes:
        painter: The painter, its origin at the chart's top left corner.
        width: The chart's width in the painter's units.
        height: Its height.
        k: Painter units per point.
        style: The colours.
    """

    def __init__(self, painter: QPainter, width: float, height: float, k: float,
                 style: ChartStyle) -> None:
        self.painter = painter
        self.width = width
        self.height = height
        self.k = k
        self.style = style

    def font(self, size_pt: float, *, bold: bool = False) -> QFont:
        """A font ``size_pt`` high in this chart's units.

        A pixel size, not a point size: the painter's device may be an image whose own
        resolution has nothing to do with the layout the chart was placed in.
        """
        return pixel_font(size_pt, self.k, bold=bold)

    def pen(self, color: QColor, width_pt: float = 1.0,
            style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        pen = QPen(color, width_pt * self.k)
        pen.setStyle(style)
        return pen

    def text(self, rect: QRectF, flags: Qt.AlignmentFlag, text: str, *, size: float = 7.5,
             color: QColor | None = None, bold: bool = False) -> None:
        self.painter.setFont(self.font(size, bold=bold))
        self.painter.setPen(color or self.style.muted)
        self.painter.drawText(rect, int(flags), text)

    def pt(self, value: float) -> float:
        return value * self.k


def pixel_font(size_pt: float, k: float, *, bold: bool = False) -> QFont:
    """The default font at ``size_pt`` points, where a point is ``k`` painter units."""
    font = QFont()
    font.setPixelSize(max(1, round(size_pt * k)))
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class Chart:
    """A chart as drawing instructions, drawn at whatever size it is given.

    Attributes:
        width_pt: Its natural width in points (its fonts and lines are sized for it).
        height_pt: Its natural height.
        style: The colours.
        draw: Paints the chart on a canvas whose origin is the chart's corner.
    """

    width_pt: float
    height_pt: float
    style: ChartStyle
    draw: Callable[[_Canvas], None]

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the chart into ``rect`` (scaled to fit it), on its background colour."""
        painter.save()
        try:
            painter.translate(rect.topLeft())
            area = QRectF(0, 0, rect.width(), rect.height())
            painter.setClipRect(area, Qt.ClipOperation.IntersectClip)
            painter.fillRect(area, self.style.background)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            k = rect.width() / self.width_pt if self.width_pt > 0 else 1.0
            self.draw(_Canvas(painter, rect.width(), rect.height(), k, self.style))
        finally:
            painter.restore()


def _frame(c: _Canvas, title: str, right_axis: bool) -> QRectF:
    """Draw the title; return the plot area (inside the axes)."""
    w, h = c.width, c.height
    if title:
        c.text(QRectF(0, 0, w, c.pt(14)), Qt.AlignmentFlag.AlignLeft
               | Qt.AlignmentFlag.AlignVCenter, title, size=8.5, color=c.style.text, bold=True)
    left, top = c.pt(34), c.pt(20 if title else 6)
    right = c.pt(34 if right_axis else 8)
    return QRectF(left, top, w - left - right, h - top - c.pt(18))


def _legend(c: _Canvas, items: Sequence[tuple[QColor, str]]) -> None:
    """Colour keys right-aligned on the title row."""
    c.painter.setFont(c.font(6.5))
    metrics = c.painter.fontMetrics()
    x = float(c.width)
    for color, label in reversed(items):
        width = metrics.horizontalAdvance(label) + c.pt(4)
        x -= width
        c.text(QRectF(x, 0, width, c.pt(14)), Qt.AlignmentFlag.AlignLeft
               | Qt.AlignmentFlag.AlignVCenter, label, size=6.5)
        x -= c.pt(9)
        c.painter.fillRect(QRectF(x, c.pt(4), c.pt(7), c.pt(6)), color)
        x -= c.pt(8)


def _y_axis(c: _Canvas, plot: QRectF, top_value: float, *, right: bool = False,
            percent: bool = False, color: QColor | None = None, grid: bool = True) -> None:
    for i in range(5):
        value = top_value * i / 4
        y = plot.bottom() - plot.height() * i / 4
        if grid:
            c.painter.setPen(c.pen(c.style.grid, 0.5))
            c.painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        label = f"{round(value * 100)}%" if percent else _value_text(value)
        if right:
            box = QRectF(plot.right() + c.pt(3), y - c.pt(6), c.pt(30), c.pt(12))
            c.text(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label,
                   color=color)
        else:
            box = QRectF(0, y - c.pt(6), plot.left() - c.pt(3), c.pt(12))
            c.text(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label,
                   color=color)


def _x_labels(c: _Canvas, plot: QRectF, labels: Sequence[str]) -> None:
    n = len(labels)
    if not n:
        return
    slot = plot.width() / n
    every = max(1, math.ceil(c.pt(42) / slot))  # no label closer than ~42 pt to the next
    for i in range(0, n, every):
        x = plot.left() + slot * (i + 0.5)
        c.text(QRectF(x - c.pt(30), plot.bottom() + c.pt(3), c.pt(60), c.pt(12)),
               Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, labels[i])


def bar_chart(values: Sequence[tuple[str, float]], *, title: str, width_pt: float,
              height_pt: float, style: ChartStyle, highlight_first: bool = False) -> Chart:
    """Vertical bars, one per labelled value (e.g. cards due on each coming day)."""
    values = list(values)

    def draw(c: _Canvas) -> None:
        plot = _frame(c, title, right_axis=False)
        top = nice_ceiling(max((v for _, v in values), default=0.0))
        _y_axis(c, plot, top)
        slot = plot.width() / max(1, len(values))
        for i, (_label, value) in enumerate(values):
            height = plot.height() * (value / top)
            color = style.second if highlight_first and i == 0 else style.accent
            c.painter.fillRect(QRectF(plot.left() + slot * i + slot * 0.15,
                                      plot.bottom() - height, slot * 0.7, height), color)
        _x_labels(c, plot, [label for label, _ in values])

    return Chart(width_pt, height_pt, style, draw)


def activity_chart(days: Sequence[DayActivity], *, title: str, width_pt: float,
                   height_pt: float, style: ChartStyle, label_format: str = "%d %b") -> Chart:
    """Reviews plus quiz answers per day as bars, study minutes as a line (right axis)."""
    days = list(days)

    def draw(c: _Canvas) -> None:
        plot = _frame(c, title, right_axis=True)
        top = nice_ceiling(max((d.count for d in days), default=0))
        top_minutes = nice_ceiling(max((d.minutes for d in days), default=0.0))
        _y_axis(c, plot, top, color=style.accent)
        _y_axis(c, plot, top_minutes, right=True, color=style.second, grid=False)
        slot = plot.width() / max(1, len(days))
        path = QPainterPath()
        for i, d in enumerate(days):
            height = plot.height() * (d.count / top)
            c.painter.fillRect(QRectF(plot.left() + slot * i + slot * 0.15,
                                      plot.bottom() - height, max(slot * 0.7, c.pt(0.25)),
                                      height), style.accent)
            point = QPointF(plot.left() + slot * (i + 0.5),
                            plot.bottom() - plot.height() * (d.minutes / top_minutes))
            if i == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        c.painter.setPen(c.pen(style.second, 1.5))
        c.painter.drawPath(path)
        _x_labels(c, plot, [d.day.strftime(label_format) for d in days])
        _legend(c, [(style.accent, "cards + questions"), (style.second, "minutes")])

    return Chart(width_pt, height_pt, style, draw)


def score_chart(points: Sequence[ScorePoint], *, pass_mark: float, title: str,
                width_pt: float, height_pt: float, style: ChartStyle) -> Chart:
    """Quiz (blue) and exam (orange) scores in order taken, with the pass mark dashed."""
    points = list(points)
    return Chart(width_pt, height_pt, style,
                 lambda c: _draw_scores(c, points, pass_mark, title))


def _draw_scores(c: _Canvas, points: Sequence[ScorePoint], pass_mark: float,
                 title: str) -> None:
    style = c.style
    plot = _frame(c, title, right_axis=False)
    _y_axis(c, plot, 1.0, percent=True)
    y_pass = plot.bottom() - plot.height() * pass_mark
    c.painter.setPen(c.pen(style.bad, 1.0, Qt.PenStyle.DashLine))
    c.painter.drawLine(QPointF(plot.left(), y_pass), QPointF(plot.right(), y_pass))
    n = len(points)
    slot = plot.width() / max(1, n)
    for exam in (False, True):
        color = style.second if exam else style.accent
        path = QPainterPath()
        started = False
        marks = []
        for i, p in enumerate(points):
            if p.is_exam != exam:
                continue
            point = QPointF(plot.left() + slot * (i + 0.5),
                            plot.bottom() - plot.height() * max(0.0, min(1.0, p.score)))
            marks.append(point)
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        c.painter.setPen(c.pen(color, 1.5))
        c.painter.drawPath(path)
        c.painter.setBrush(color)
        for point in marks:
            c.painter.drawEllipse(point, c.pt(2.2), c.pt(2.2))
        c.painter.setBrush(Qt.BrushStyle.NoBrush)
    _x_labels(c, plot, [p.day.strftime("%d %b") for p in points])
    _legend(c, [(style.accent, "practice"), (style.second, "exam"),
                (style.bad, f"pass mark {round(pass_mark * 100)}%")])


def heat_color(count: int, top: int, style: ChartStyle) -> QColor:
    """The calendar colour for a day's count (four shades above "nothing")."""
    if count <= 0 or top <= 0:
        return style.empty
    level = min(len(style.heat) - 1, int((count / top) * len(style.heat) - 1e-9))
    return style.heat[max(0, level)]


def paint_heatmap(painter: QPainter, rect: QRectF, cells: Sequence[tuple[date, int]],
                  style: ChartStyle, *, label_size_pt: float = 7.0,
                  units_per_pt: float | None = None) -> None:
    """Draw a GitHub-style calendar: weeks as columns (Monday on top), one square per day.

    Args:
        painter: An active painter.
        rect: Where to draw, in the painter's coordinates.
        cells: (date, count) for consecutive dates.
        style: Colours.
        label_size_pt: Size of the month and weekday labels.
        units_per_pt: Painter units per point when they are not the device's own (a chart
            drawn into a layout); None sizes the labels in the device's points (a widget).
    """
    if not cells:
        return
    first = cells[0][0] - timedelta(days=cells[0][0].weekday())
    weeks = (cells[-1][0] - first).days // 7 + 1
    label_w = rect.width() * 0.06
    label_h = rect.height() * 0.14
    size = min((rect.width() - label_w) / weeks, (rect.height() - label_h) / 7)
    gap = size * 0.15
    top = max((n for _, n in cells), default=0)
    painter.save()
    if units_per_pt is None:
        font = QFont()
        font.setPointSizeF(label_size_pt)
    else:
        font = pixel_font(label_size_pt, units_per_pt)
    painter.setFont(font)
    painter.setPen(style.muted)
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        painter.drawText(QRectF(rect.left(), rect.top() + label_h + row * size, label_w, size),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name)
    last_month: int | None = None
    last_label_week = -99
    min_gap = math.ceil(painter.fontMetrics().horizontalAdvance("Mmm ") / size)
    for day, count in cells:
        week = (day - first).days // 7
        x = rect.left() + label_w + week * size
        y = rect.top() + label_h + day.weekday() * size
        painter.fillRect(QRectF(x, y, size - gap, size - gap), heat_color(count, top, style))
        # A month's name sits above the first column holding one of its days, unless the
        # previous name is too close (a period that starts on the last days of a month).
        if day.month != last_month and (day.weekday() == 0 or day == cells[0][0]):
            last_month = day.month
            if week - last_label_week >= min_gap:
                last_label_week = week
                painter.drawText(QRectF(x, rect.top(), size * 4, label_h),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                                 day.strftime("%b"))
    painter.restore()


def heatmap_chart(cells: Sequence[tuple[date, int]], *, title: str, width_pt: float,
                  height_pt: float, style: ChartStyle) -> Chart:
    """The calendar heat map with a title and a less-to-more legend."""
    cells = list(cells)

    def draw(c: _Canvas) -> None:
        _frame(c, title, right_axis=False)
        area = QRectF(0, c.pt(18), c.width, c.height - c.pt(32))
        paint_heatmap(c.painter, area, cells, style, label_size_pt=6.5, units_per_pt=c.k)
        legend_y = c.height - c.pt(11)
        x = c.width - c.pt(120)
        c.text(QRectF(x - c.pt(30), legend_y, c.pt(28), c.pt(10)),
               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "less", size=6.5)
        for i, color in enumerate((style.empty, *style.heat)):
            c.painter.fillRect(QRectF(x + i * c.pt(11), legend_y, c.pt(9), c.pt(9)), color)
        c.text(QRectF(x + c.pt(58), legend_y, c.pt(40), c.pt(10)),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "more", size=6.5)

    return Chart(width_pt, height_pt, style, draw)


def meter_chart(value: float | None, *, width_pt: float, height_pt: float,
                style: ChartStyle, pass_mark: float) -> Chart:
    """A small horizontal bar for a table cell: green at or above the pass mark, else blue;
    an outline only when there is no value."""

    def draw(c: _Canvas) -> None:
        full = QRectF(0, c.pt(1.5), c.width, c.height - c.pt(3))
        c.painter.fillRect(full, style.empty)
        if value is not None:
            color = style.good if value >= pass_mark else style.accent
            share = max(0.0, min(1.0, value))
            c.painter.fillRect(QRectF(full.left(), full.top(), full.width() * share,
                                      full.height()), color)
        x = full.left() + full.width() * pass_mark
        c.painter.setPen(c.pen(style.text, 0.6))
        c.painter.drawLine(QPointF(x, full.top()), QPointF(x, full.bottom()))

    return Chart(width_pt, height_pt, style, draw)
