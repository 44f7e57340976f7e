"""Class: an instructor's live view of their cohort on a training program's server.

Why a section of its own: on a program's server an instructor no longer collects progress
files, so the figures they used to assemble by hand are here, current to the minute — who is
studying, who is not, how each trainee does by exam domain, which topics the whole cohort is
weak in, and which questions misbehave (item difficulty and discrimination, as Moodle's quiz
statistics report them). Every figure is read by ``CohortService`` on the database lane; the
server's row-level security decides which trainees come back. While the section is on screen
it reads again every minute; a server that cannot be reached shows a plain "try again" page
instead of stale figures passed off as live.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.errors import DatabaseError
from mht_desktop.core.readiness import percent
from mht_desktop.rendering.class_report import cell_color, class_document
from mht_desktop.ui.report_preview import ReportPreviewDialog
from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.sections import PROGRESS
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.views.progress_view import StatTile
from mht_desktop.ui.widgets.empty_state import EmptyState

if TYPE_CHECKING:
    from mht_desktop.services.cohort import ClassView as ClassFigures
    from mht_desktop.services.progress_file import ClassSummary

# How often the figures are read again while the section is on screen ("live").
LIVE_REFRESH_MS = 60_000
NOT_SERVER, NOT_INSTRUCTOR = "not-server", "not-instructor"
_DARK_TEXT = "#1c1e21"  # the cell colours are light in both themes


class _Cell(QTableWidgetItem):
    """A table cell that sorts by a value of its own (a share, a count), not by its text."""

    def __init__(self, text: str, key: Any = None) -> None:
        super().__init__(text)
        self.key = text.lower() if key is None else key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Cell):
            mine, theirs = self.key, other.key
            if mine is None or theirs is None:  # "no data" sorts before every figure
                return mine is None and theirs is not None
            try:
                return bool(mine < theirs)
            except TypeError:
                return str(mine) < str(theirs)
        return super().__lt__(other)


def _share_cell(value: float | None) -> _Cell:
    item = _Cell(percent(value), value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setBackground(QBrush(QColor(cell_color(value))))
    item.setForeground(QBrush(QColor(_DARK_TEXT)))
    return item


def _number_cell(value: float | None, text: str) -> _Cell:
    item = _Cell(text, value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "never"


def _table(headers: list[str], sort_column: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    # Sortable by any column; first by the column that answers the table's question.
    table.horizontalHeader().setSortIndicator(sort_column, Qt.SortOrder.AscendingOrder)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    return table


class ClassView(SectionView):
    """The roster, topics and item statistics of the instructor's cohort, read from the server."""

    title = "Class"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.figures: ClassFigures | None = None
        self.loading = False
        self.preview: ReportPreviewDialog | None = None
        self.updated_at: datetime | None = None
        outer = QVBoxLayout(self)
        outer.addLayout(self._build_top_bar())
        self._stack = QStackedLayout()
        outer.addLayout(self._stack, 1)
        self.empty = EmptyState("Reading your class…", "The figures come from the program's "
                                "server.", "Try again", self.refresh)
        self._stack.addWidget(self.empty)
        self.content = self._build_content()
        self._stack.addWidget(self.content)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(LIVE_REFRESH_MS)
        self.live_timer.timeout.connect(self._on_live_timer_timeout)

    # -- building ------------------------------------------------------------------------
    def _build_top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        heading = QLabel("Class")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        bar.addWidget(heading)
        self.status_label = plain_label()
        self.status_label.setObjectName("classStatus")
        bar.addWidget(self.status_label, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the class figures from the server again")
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button = QPushButton("Class report…")
        self.pdf_button.setToolTip("Readiness by topic for every trainee, to print or save as "
                                   "a PDF (the same report as from progress files)")
        self.pdf_button.clicked.connect(self.open_class_report)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.pdf_button)
        return bar

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        tiles = QHBoxLayout()
        self.trainees_tile = StatTile("trainees in your cohort")
        self.active_tile = StatTile("studied in the last 7 days")
        self.idle_tile = StatTile("have not studied this week")
        self.items_tile = StatTile("questions answered by the cohort")
        for tile in (self.trainees_tile, self.active_tile, self.idle_tile, self.items_tile):
            tiles.addWidget(tile)
        layout.addLayout(tiles)
        self.idle_label = plain_label()
        self.idle_label.setObjectName("notStudied")
        self.idle_label.setWordWrap(True)
        layout.addWidget(self.idle_label)
        self.tabs = QTabWidget()
        self.roster_table = _table(["Trainee", "Last active", "Reviews (7 d)",
                                    "Answers (7 d)"], 0)
        self.topics_table = _table(["Topic", "Cohort share correct"], 1)
        self.items_table = _table(["Question", "Bank", "Answers", "Difficulty (share correct)",
                                   "Discrimination", "Upper − lower 27 %", "Look again"], 3)
        self.items_table.setToolTip(
            "Difficulty: the share of trainees' latest answers that were right. "
            "Discrimination: the point-biserial correlation with the rest of each trainee's "
            "score (0.3 or more separates well; below 0 is backwards). Upper − lower: the "
            "strongest 27 % of trainees' share correct minus the weakest 27 %'s.")
        self.tabs.addTab(self.roster_table, "Trainees")
        self.tabs.addTab(self.topics_table, "Weakest topics")
        self.tabs.addTab(self.items_table, "Question statistics")
        layout.addWidget(self.tabs, 1)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(rule)
        return content

    # -- loading -------------------------------------------------------------------------
    def watches(self, changes: Changes) -> bool:
        """Answers and profiles change the figures (the timer catches other laptops')."""
        return changes.reviews or changes.quizzes or changes.profiles

    def refresh(self) -> None:
        """Read the class figures on the lane (one read at a time)."""
        if self.loading:
            return
        self.loading = True
        self.refresh_button.setEnabled(False)
        app, profile_id = self.ctx.app, self.ctx.profile_id

        def load() -> ClassFigures | str:
            if not app.db.is_server:
                return NOT_SERVER
            figures = app.cohort.instructors_view(profile_id)
            return NOT_INSTRUCTOR if figures is None else figures

        self.ctx.tasks.run(load, on_done=self._on_loaded, on_error=self._on_load_failed)

    def _on_live_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)
        if self.ctx.app.db.is_server:
            self.live_timer.start()

    def hideEvent(self, event: object) -> None:
        self.live_timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

    def _on_loaded(self, result: ClassFigures | str) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        if result == NOT_SERVER:
            self._show_empty(
                "The class view is for a training program's server",
                "Here each profile studies on this computer, so there is no class to show. "
                "An instructor whose program runs a server sees their cohort here, live. "
                "To see trainees from the progress files they send you, use Progress ▸ "
                "Class summary….", "Open Progress")
            return
        if result == NOT_INSTRUCTOR:
            self._show_empty("The class view is for instructors",
                             "Your login is a trainee's: the server shows you your own "
                             "progress only (see Progress).", "Open Progress")
            return
        assert not isinstance(result, str)
        self.figures = result
        self.updated_at = datetime.now().astimezone()
        if not result.roster:
            self._show_empty("No trainees in your cohort yet",
                             "When your coordinator adds trainees to your cohort (server "
                             "add-trainee NAME --cohort …), they appear here with their "
                             "progress as soon as they study.", "Refresh")
            return
        self._fill(result)
        self._stack.setCurrentWidget(self.content)
        self.pdf_button.setEnabled(True)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        if not isinstance(exc, DatabaseError):
            self.show_error(exc)
            return
        shown = (f" The figures shown last were read at {self.updated_at:%H:%M}."
                 if self.updated_at else "")
        self.status_label.setText("offline — cannot reach the server")
        if self.figures is not None:  # keep what was read, and say how old it is
            self.idle_label.setText(f"Cannot reach the server just now: {exc}{shown} "
                                    "Trying again every minute.")
            return
        self._show_empty("Cannot reach the program's server",
                         f"{exc} The class figures are read from the server, so they "
                         "appear when it can be reached again.", "Try again")

    def _show_empty(self, title: str, text: str, action: str) -> None:
        self.empty.set_text(title, text)
        if self.empty.button is not None:
            self.empty.button.setText(action)
            self.empty.button.clicked.disconnect()
            self.empty.button.clicked.connect(
                self.refresh if action in ("Try again", "Refresh") else self._open_progress)
        self.status_label.setText("")
        self.pdf_button.setEnabled(False)
        self._stack.setCurrentWidget(self.empty)

    def _open_progress(self) -> None:
        self.ctx.nav.show_section(PROGRESS)

    # -- showing -------------------------------------------------------------------------
    def _fill(self, figures: ClassFigures) -> None:
        roster = figures.roster
        active = sum(r.studied_this_week for r in roster)
        cohorts = sorted({r.cohort for r in roster if r.cohort})
        stamp = self.updated_at.strftime("%H:%M") if self.updated_at else ""
        self.status_label.setText(
            f"{'Cohort ' + ', '.join(cohorts) + ' · ' if cohorts else ''}updated {stamp} · "
            "refreshes every minute")
        self.trainees_tile.set(str(len(roster)), "trainees in your cohort")
        self.active_tile.set(str(active), "studied in the last 7 days")
        self.idle_tile.set(str(len(figures.not_studied)), "have not studied this week")
        self.items_tile.set(str(len(figures.items)), "questions answered by the cohort")
        self.idle_label.setText("Not studied this week: " + ", ".join(figures.not_studied)
                                if figures.not_studied else "Everyone studied this week.")
        self._fill_roster(figures)
        self._fill_topics(figures)
        self._fill_items(figures)

    def _fill_roster(self, figures: ClassFigures) -> None:
        topics = sorted({t for r in figures.roster for t in r.by_topic}, key=figures.title)
        table = self.roster_table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(4 + len(topics))
        table.setHorizontalHeaderLabels(["Trainee", "Last active", "Reviews (7 d)",
                                         "Answers (7 d)", *map(figures.title, topics)])
        table.setRowCount(len(figures.roster))
        for row, entry in enumerate(figures.roster):
            table.setItem(row, 0, _Cell(entry.name))
            table.setItem(row, 1, _Cell(_when(entry.last_active),
                                        entry.last_active.timestamp()
                                        if entry.last_active else None))
            table.setItem(row, 2, _number_cell(entry.reviews_7d, str(entry.reviews_7d)))
            table.setItem(row, 3, _number_cell(entry.answers_7d, str(entry.answers_7d)))
            for column, topic in enumerate(topics, start=4):
                table.setItem(row, column, _share_cell(entry.by_topic.get(topic)))
        table.setSortingEnabled(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _fill_topics(self, figures: ClassFigures) -> None:
        table = self.topics_table
        table.setSortingEnabled(False)
        table.setRowCount(len(figures.weakest_topics))
        for row, (topic, share) in enumerate(figures.weakest_topics):
            table.setItem(row, 0, _Cell(figures.title(topic)))
            table.setItem(row, 1, _share_cell(share))
        table.setSortingEnabled(True)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _fill_items(self, figures: ClassFigures) -> None:
        table = self.items_table
        table.setSortingEnabled(False)
        table.setRowCount(len(figures.items))
        for row, item in enumerate(figures.items):
            st = item.stats
            stem = _Cell(" ".join(item.stem.split()))
            stem.setToolTip(item.stem)  # a QTableWidgetItem tooltip is plain text
            table.setItem(row, 0, stem)
            table.setItem(row, 1, _Cell(f"{item.bank_id} / {item.item_id}"))
            table.setItem(row, 2, _number_cell(st.answers, str(st.answers)))
            table.setItem(row, 3, _share_cell(st.facility))
            table.setItem(row, 4, _number_cell(
                st.discrimination, "—" if st.discrimination is None
                else f"{st.discrimination:+.2f}"))
            table.setItem(row, 5, _number_cell(
                st.upper_lower, "—" if st.upper_lower is None else f"{st.upper_lower:+.2f}"))
            flag = _Cell("; ".join(st.flags))
            if st.flags:
                flag.setForeground(QBrush(QColor("#d93025")))
            table.setItem(row, 6, flag)
        table.setSortingEnabled(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    # -- the class report ----------------------------------------------------------------
    def open_class_report(self) -> None:
        """Read every trainee's report on the lane, then show the class PDF's preview."""
        self.pdf_button.setEnabled(False)
        cohort = self.ctx.app.cohort

        def done(summary: ClassSummary) -> None:
            self.pdf_button.setEnabled(True)
            # The class summary's own document and preview, as for progress files.
            self.preview = ReportPreviewDialog(class_document(summary), tasks=self.ctx.tasks,
                                               dialogs=self.ctx.dialogs,
                                               suggested_name="class-summary.pdf", parent=self)
            self.preview.open()

        def failed(exc: BaseException) -> None:
            self.pdf_button.setEnabled(True)
            self.show_error(exc)

        self.ctx.tasks.run(cohort.class_summary_steps, on_done=done, on_error=failed,
                           label="Preparing the class report…", parent=self)
