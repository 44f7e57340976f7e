"""A read-only, sortable table of figures (shares coloured like the class summary's cells).

A model, not a QTableWidget: the class view can hold a thousand-odd questions and two hundred
trainees, and a widget item per cell costs far more to build than the view can afford on each
refresh, while a model is asked only for the cells on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from mht_desktop.core.readiness import percent
from mht_desktop.rendering.class_report import cell_color

_DARK_TEXT = QColor("#1c1e21")  # the cell colours are light in both themes
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its heading, the value it sorts by, and how that value is written.

    Attributes:
        title: The heading.
        value: The row's value (a share 0..1, a count, a text, or None for "no data").
        text: How the value reads; a share reads as a percentage by default.
        share: Colour the cell like the class summary (green / amber / red / grey).
        tooltip: A longer text shown on hover (plain text).
        width: A starting width in pixels (0: as wide as the heading; a first column
            without one takes the room left).
    """

    title: str
    value: Callable[[Any], Any]
    text: Callable[[Any], str] | None = None
    share: bool = False
    tooltip: Callable[[Any], str] | None = None
    width: int = 0


def _sort_key(value: Any) -> tuple[int, Any]:
    # "No data" sorts before every figure; texts without regard to case.
    if value is None:
        return (0, 0)
    return (1, value.lower() if isinstance(value, str) else value)


class FigureTableModel(QAbstractTableModel):
    """Rows of any kind, shown through :class:`Column` definitions."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any], columns: Sequence[Column] | None = None) -> None:
        """Show ``rows`` (and, if given, a new set of columns)."""
        self.beginResetModel()
        if columns is not None:
            self._columns = list(columns)
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> Any:
        """The object shown in ``row``."""
        return self._rows[row]

    def text(self, row: int, column: int) -> str:
        """What cell (row, column) reads."""
        return str(self.data(self.index(row, column)))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns) \
                and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[section].title  # the tooltip: a narrow heading's whole text
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self._columns)):
            return None
        column, item = self._columns[index.column()], self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(item)
            if column.text is not None:
                return column.text(item)
            if column.share:
                return percent(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = column.value(item)
            return _LEFT if isinstance(value, str) and not column.share else _RIGHT
        if column.share and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(cell_color(column.value(item))))
        if column.share and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_DARK_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(item)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        value = self._columns[column].value
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=lambda item: _sort_key(value(item)),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def columns(self) -> list[Column]:
        """The columns shown."""
        return list(self._columns)


def figure_table(model: FigureTableModel, sort_column: int) -> QTableView:
    """A sortable, read-only view of ``model``, first sorted by ``sort_column``."""
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.setSortingEnabled(True)
    view.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    return view


def fit_columns(view: QTableView) -> None:
    """Figures as wide as their heading (or their column's width); the first stretches."""
    model = view.model()
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    columns = model.columns() if isinstance(model, FigureTableModel) else []
    for number, column in enumerate(columns):
        if number == 0 and not column.width:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            continue
        width = column.width or metrics.horizontalAdvance(column.title) + 28
        header.setSectionResizeMode(number, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(number, max(width, 72))
