"""The card browser: search, filter and sort cards; info and history; suspend; reset."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.cards import CardState
from mht_desktop.core.changes import Changes
from mht_desktop.services.study import StudyService
from mht_desktop.services.text import markdown_to_html
from mht_desktop.storage.card_browser import BrowseQuery, CardRowView, ReviewEntry
from mht_desktop.ui.rich_text import SafeTextBrowser, escape, plain_label, tooltip
from mht_desktop.ui.views.base import ViewContext

COLUMNS = [("front", "Front"), ("topic", "Topic"), ("state", "State"), ("due", "Due"),
           ("lapses", "Lapses"), ("reps", "Reviews")]
STATE_NAMES = {CardState.NEW: "New", CardState.LEARNING: "Learning",
               CardState.REVIEW: "Review", CardState.RELEARNING: "Relearning"}
SORT_KEY = "card_browser/sort"   # "front asc": the column and order the learner chose last
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class CardTableModel(QAbstractTableModel):
    """Rows of the browser as a Qt table model."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CardRowView] = []
        self.titles: dict[str, str] = {}  # topic id → title: learners see titles

    def set_rows(self, rows: list[CardRowView]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "front":
                return row.front.replace("\n", " ")
            if key == "topic":
                return self.titles.get(row.topic_id, row.topic_id)
            if key == "state":
                text = STATE_NAMES[row.state]
                if row.suspended:
                    text += " (suspended)"
                if row.leech:
                    text += " · leech"
                return text
            if key == "due":
                return "—" if row.state is CardState.NEW else \
                    row.due.astimezone().strftime("%Y-%m-%d %H:%M")
            return getattr(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key == "front":
            return tooltip(f"{row.front}\n\n{row.back}")
        return None


def _ui_settings(ctx: ViewContext) -> QSettings:
    from mht_desktop.ui.app import ui_settings  # app imports the window, which imports us

    return ui_settings(ctx.app.data_dir)


def _saved_sort(settings: QSettings) -> tuple[int, Qt.SortOrder]:
    """The column and order to sort by: the learner's last choice, else Front A→Z."""
    key, _, order = str(settings.value(SORT_KEY, "front asc")).partition(" ")
    column = next((i for i, (name, _label) in enumerate(COLUMNS) if name == key), 0)
    return column, (Qt.SortOrder.DescendingOrder if order == "desc"
                    else Qt.SortOrder.AscendingOrder)


class CardBrowser(QDialog):
    """A dialog to find cards and manage them."""

    def __init__(self, ctx: ViewContext, service: StudyService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.setWindowTitle("Browse cards")
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search front and back…")
        self.search.setClearButtonEnabled(True)
        self.state_box = QComboBox()
        self.state_box.addItem("Any state", None)
        for state, name in STATE_NAMES.items():
            self.state_box.addItem(name, state)
        self.state_box.addItem("Suspended", "suspended")
        self.topic_box = QComboBox()
        self.topic_box.addItem("Any topic", None)
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText("Tag (e.g. leech)")
        self.due_box = QComboBox()
        for label, days in (("Any due date", None), ("Due today", 1), ("Due within 7 days", 7),
                            ("Due within 30 days", 30)):
            self.due_box.addItem(label, days)
        self.lapses_spin = QSpinBox()
        self.lapses_spin.setPrefix("Lapses ≥ ")
        self.lapses_spin.setRange(0, 99)
        for w in (self.search, self.state_box, self.topic_box, self.tag_edit, self.due_box,
                  self.lapses_spin):
            filters.addWidget(w)
        layout.addLayout(filters)
        self.model = CardTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        # Qt's default indicator is the first column, descending (Z→A): start A→Z, or as
        # the learner last sorted.
        self._settings = _ui_settings(ctx)
        column, order = _saved_sort(self._settings)
        header.setSortIndicator(column, order)
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.sortIndicatorChanged.connect(self._on_sort_changed)
        self.table.doubleClicked.connect(lambda *_: self.show_info())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.info_button = QPushButton("Card info…")
        self.info_button.clicked.connect(self.show_info)
        self.suspend_button = QPushButton("Suspend / unsuspend")
        self.suspend_button.clicked.connect(self.toggle_suspend)
        self.reset_button = QPushButton("Reset…")
        self.reset_button.clicked.connect(self.reset_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for b in (self.info_button, self.suspend_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.count_label = plain_label()
        self.count_label.setObjectName("cardCount")
        self.count_label.setAccessibleName("Cards shown")
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
        self.total: int | None = None     # every card, counted when no filter is set
        buttons.addWidget(close)
        layout.addLayout(buttons)
        for signal in (self.search.textChanged, self.tag_edit.textChanged):
            signal.connect(lambda *_: self.reload())
        for box in (self.state_box, self.topic_box, self.due_box):
            box.currentIndexChanged.connect(lambda *_: self.reload())
        self.lapses_spin.valueChanged.connect(lambda *_: self.reload())
        self.reload()
        service = self.service
        self.ctx.tasks.run(service.topic_titles, on_done=self._show_topics)

    def _show_topics(self, titles: dict[str, str]) -> None:
        """Name the topics in the filter and the table by their titles."""
        self.model.titles = titles
        self.model.dataChanged.emit(self.model.index(0, 1),
                                    self.model.index(max(0, self.model.rowCount() - 1), 1))
        used = {row.topic_id for row in self.model.rows} or set(titles)
        named = sorted((titles.get(topic) or topic, topic) for topic in used)
        for title, topic in named:
            self.topic_box.addItem(title, topic)

    def query(self) -> BrowseQuery:
        """The filters as a query."""
        from datetime import timedelta

        state = self.state_box.currentData()
        days = self.due_box.currentData()
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        sort = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "due"
        return BrowseQuery(
            text=self.search.text().strip(),
            topic_id=self.topic_box.currentData(),
            tag=self.tag_edit.text().strip() or None,
            state=state if isinstance(state, CardState) else None,
            suspended=True if state == "suspended" else None,
            due_before=(self.ctx.app.clock.now() + timedelta(days=days)) if days else None,
            min_lapses=self.lapses_spin.value(), sort=sort,
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)

    def reload(self) -> None:
        """Run the query and show the rows."""
        query = self.query()
        self.ctx.tasks.run(lambda: self.service.browse(query),
                           on_done=lambda rows: self._show_rows(query, rows))

    def _show_rows(self, query: BrowseQuery, rows: list[CardRowView]) -> None:
        self.model.set_rows(rows)
        unfiltered = not (query.text or query.bank_id or query.topic_id or query.tag
                          or query.state is not None or query.suspended is not None
                          or query.due_before is not None or query.min_lapses)
        if unfiltered and len(rows) < query.limit:
            self.total = len(rows)
        shown = len(rows)
        if shown >= query.limit:
            text = f"The first {shown:,} matching cards"
        elif self.total is None or unfiltered:
            text = f"{shown:,} card{'s' if shown != 1 else ''}"
        else:
            text = f"{shown:,} of {self.total:,} cards"
        self.count_label.setText(text)

    def _on_sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else COLUMNS[0][0]
        self._settings.setValue(SORT_KEY, f"{key} "
                                f"{'desc' if order == Qt.SortOrder.DescendingOrder else 'asc'}")
        self.reload()

    def selected(self) -> CardRowView | None:
        """The highlighted card."""
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def show_info(self) -> None:
        """Card details with its review history (read on the lane)."""
        row = self.selected()
        if row is None:
            return
        service = self.service
        self.ctx.tasks.run(lambda: service.history(row.card_id),
                           on_done=lambda entries: self._show_info(row, entries))

    def _show_info(self, row: CardRowView, entries: list[ReviewEntry]) -> None:
        lines = "".join(
            f"<tr><td>{e.reviewed_at.astimezone():%Y-%m-%d %H:%M}</td>"
            f"<td>{escape(e.rating.name.title())}</td>"
            f"<td>{escape(STATE_NAMES[e.state_before])}</td><td>{e.interval_days:.1f} d</td>"
            f"<td>{e.duration_ms / 1000:.1f} s</td></tr>" for e in entries)
        dialog = QDialog(self)
        dialog.setWindowTitle("Card info")
        dialog.resize(560, 480)
        box = QVBoxLayout(dialog)
        text = SafeTextBrowser()
        text.setObjectName("cardInfo")
        # Bank text is Markdown from a file anyone can edit: rendered safely like every view
        # (markdown_to_html escapes raw HTML), and plain fields escaped.
        tags = html.escape(", ".join(row.tags)) or "—"
        topic = escape(self.model.titles.get(row.topic_id, row.topic_id))
        text.setHtml(
            f"{markdown_to_html(row.front)}<hr>{markdown_to_html(row.back)}"
            f"<p>Topic: {topic} · Tags: {tags} · Lapses: {row.lapses} · "
            f"Reviews: {row.reps}</p>"
            "<table border='1' cellpadding='4'><tr><th>When</th><th>Answer</th><th>Was</th>"
            f"<th>Next interval</th><th>Time</th></tr>{lines}</table>"  # html-safe: escaped
            + ("" if entries else "<p>Not reviewed yet.</p>"))
        box.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        box.addWidget(buttons)
        self.info_dialog = dialog
        dialog.open()

    def toggle_suspend(self) -> None:
        """Suspend the card, or unsuspend it."""
        row = self.selected()
        if row is None:
            return
        self.ctx.tasks.run(lambda: self.service.set_suspended(row.card_id, not row.suspended),
                           on_done=self._after_change)

    def reset_selected(self) -> None:
        """Forget the card's schedule after confirmation."""
        row = self.selected()
        if row is None:
            return
        if not self.ctx.dialogs.confirm(
                self, "Reset card", "Make this card new again? Its review history is kept."):
            return
        self.ctx.tasks.run(lambda: self.service.reset(row.card_id), on_done=self._after_change)

    def _after_change(self, changes: Changes) -> None:
        self.ctx.bus.publish(changes)
        self.reload()
