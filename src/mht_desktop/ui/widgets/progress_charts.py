"""The Progress view's charts, built with QtCharts and themed for light or dark.

Why a module of plain functions: each chart is rebuilt from a Dashboard whenever the view
refreshes (it is cheaper and simpler than mutating series in place), and keeping the
construction here keeps the view about layout and behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.activity import DayActivity, ScorePoint
from mht_desktop.rendering.charts import ChartStyle, nice_ceiling

ACCENT = {False: "#1967d2", True: "#5ea0ff"}
SECOND = {False: "#e8710a", True: "#f29d49"}
BAD = {False: "#d93025", True: "#f28b82"}


def themed_chart(title: str, *, dark: bool) -> QChart:
    """An empty chart in the app's light or dark look."""
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundBrush((ChartStyle.dark() if dark else ChartStyle.light()).background)
    return chart


def chart_view(parent: QWidget | None = None) -> QChartView:
    """A view sized for the dashboard grid; give it charts with :func:`replace_chart`."""
    view = QChartView(parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)  # room for the axes and a legend that is not cut off
    return view


class ChartPanel(QWidget):
    """A chart with its text alternative: the same numbers as a table.

    A screen reader gets the numbers from the chart's accessible description and from the
    table, which "Show as table" puts in the chart's place (for anyone who prefers figures).
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setText("Show as table")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Show {name} as a table")
        self.toggle.toggled.connect(self._show_table)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignRight)
        self.view = chart_view()
        self.view.setAccessibleName(name)
        self.table = QTableWidget()
        self.table.setAccessibleName(f"{name} (table)")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(260)
        self.table.hide()
        layout.addWidget(self.view)
        layout.addWidget(self.table)

    def _show_table(self, table: bool) -> None:
        self.table.setVisible(table)
        self.view.setVisible(not table)
        self.toggle.setText("Show as chart" if table else "Show as table")

    def set_chart(self, chart: QChart, headers: Sequence[str],
                  rows: Sequence[Sequence[str]]) -> None:
        """Show ``chart``, and ``rows`` under ``headers`` as its table and description."""
        replace_chart(self.view, chart)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(list(headers))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        shown = "; ".join(", ".join(f"{h} {v}" for h, v in zip(headers, row, strict=False))
                          for row in rows[:40])
        more = f"; and {len(rows) - 40} more rows in the table" if len(rows) > 40 else ""
        self.view.setAccessibleDescription(
            f"{chart.title()}: {shown}{more}." if rows else f"{chart.title()}: no data yet.")


def replace_chart(view: QChartView, chart: QChart) -> None:
    """Show ``chart`` in ``view`` and free the chart it showed before."""
    old = view.chart()
    view.setChart(chart)
    if old is not None and old is not chart:
        old.deleteLater()


def _day_axis(days: Sequence[date], *, labels: int = 8, fmt: str = "%d %b") -> QCategoryAxis:
    """An x axis for one bar per day: about ``labels`` dates, each under its own bar.

    A QBarCategoryAxis would print (or elide) a label for every bar; a category axis with
    labels "on value" places a few whole dates where they belong.
    """
    axis = QCategoryAxis()
    axis.setRange(-0.5, max(0.5, len(days) - 0.5))
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    every = max(1, math.ceil(len(days) / labels))
    for i in range(0, len(days), every):
        axis.append(days[i].strftime(fmt), i)
    axis.setGridLineVisible(False)
    return axis


def _axis(maximum: float, *, title: str = "", percent: bool = False) -> QValueAxis:
    # Whole-number labels need whole-number steps: below 4 the four steps of a tidy maximum
    # are fractions, and "%d" printed them all as "0" ("0 0 0 0 0" for a few minutes).
    maximum = max(maximum, 4.0)
    axis = QValueAxis()
    axis.setRange(0, maximum)
    axis.setTickCount(5)
    axis.setLabelFormat("%d%%" if percent else "%d")
    if title:
        axis.setTitleText(title)
    return axis


def fill_forecast(chart: QChart, forecast: Sequence[tuple[date, int]], *, dark: bool) -> None:
    """Bars of cards due on each of the next 30 days (today first)."""
    bars = QBarSet("Cards due")
    bars.setColor(QColor(ACCENT[dark]))
    for _day, count in forecast:
        bars.append(count)
    series = QBarSeries()
    series.append(bars)
    chart.addSeries(series)
    x = _day_axis([d for d, _ in forecast], labels=5)  # the narrower chart
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    y = _axis(nice_ceiling(max((n for _, n in forecast), default=0)))
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y)
    chart.legend().hide()


def fill_activity(chart: QChart, days: Sequence[DayActivity], *, dark: bool,
                  per: str = "day") -> None:
    """Cards + questions per day (bars, left axis) and study minutes (line, right axis)."""
    bars = QBarSet(f"Answers per {per}")
    bars.setColor(QColor(ACCENT[dark]))
    line = QLineSeries()
    line.setName(f"Minutes per {per}")
    line.setPen(QPen(QColor(SECOND[dark]), 2))
    for i, d in enumerate(days):
        bars.append(d.count)
        line.append(i, d.minutes)
    series = QBarSeries()
    series.append(bars)
    chart.addSeries(series)
    chart.addSeries(line)
    x = _day_axis([d.day for d in days])
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    line.attachAxis(x)
    y = _axis(nice_ceiling(max((d.count for d in days), default=0)))
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y)
    y_minutes = _axis(nice_ceiling(max((d.minutes for d in days), default=0.0)),
                      title="minutes")
    chart.addAxis(y_minutes, Qt.AlignmentFlag.AlignRight)
    line.attachAxis(y_minutes)


def fill_scores(chart: QChart, points: Sequence[ScorePoint], *, pass_mark: float,
                dark: bool) -> None:
    """Practice and exam scores in the order taken, with the pass mark as a dashed line."""
    n = max(1, len(points))
    for exam, name in ((False, "Practice"), (True, "Exams")):
        line = QLineSeries()
        line.setName(name)
        color = QColor(SECOND[dark] if exam else ACCENT[dark])
        line.setPen(QPen(color, 2))
        dots = QScatterSeries()
        dots.setColor(color)
        dots.setMarkerSize(7)
        dots.setBorderColor(color)
        for i, p in enumerate(points):
            if p.is_exam == exam:
                line.append(i, p.score * 100)
                dots.append(i, p.score * 100)
        chart.addSeries(line)
        chart.addSeries(dots)
        chart.legend().markers(dots)[0].setVisible(False)
    pass_line = QLineSeries()
    pass_line.setName(f"Pass {round(pass_mark * 100)}%")
    pen = QPen(QColor(BAD[dark]), 1.5)
    pen.setStyle(Qt.PenStyle.DashLine)
    pass_line.setPen(pen)
    pass_line.append(-0.5, pass_mark * 100)
    pass_line.append(n - 0.5, pass_mark * 100)
    chart.addSeries(pass_line)
    # Attempts are numbered from 1, each label under its own point ("1 2 3", never the
    # "0 0 1" a value axis printed for ticks at ±0.5).
    x = QCategoryAxis()
    x.setRange(-0.5, n - 0.5)
    x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    every = max(1, math.ceil(n / 10))
    for i in range(0, n, every):
        x.append(str(i + 1), i)
    x.setTitleText("attempt")
    x.setGridLineVisible(False)
    x.setVisible(len(points) > 1)
    y = _axis(100, percent=True)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for series in chart.series():
        series.attachAxis(x)
        series.attachAxis(y)
