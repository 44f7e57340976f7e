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
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.errors import DatabaseError
from mht_desktop.rendering.class_report import class_document
from mht_desktop.ui.report_preview import ReportPreviewDialog
from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.sections import PROGRESS
from mht_desktop.ui.theme import relative_font
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.views.progress_view import StatTile
from mht_desktop.ui.widgets.empty_state import EmptyState
from mht_desktop.ui.widgets.figure_table import Column, FigureTableModel, figure_table, fit_columns

if TYPE_CHECKING:
    from mht_desktop.services.cohort import ClassView as ClassFigures
    from mht_desktop.services.cohort import RosterEntry
    from mht_desktop.services.progress_file import ClassSummary

# How often the figures are read again while the section is on screen ("live").
LIVE_REFRESH_MS = 60_000
NOT_SERVER, NOT_INSTRUCTOR = "not-server", "not-instructor"


def _topic_share(topic: str, entry: RosterEntry) -> float | None:
    return entry.by_topic.get(topic)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "never"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


ROSTER_COLUMNS = (
    Column("Trainee", lambda r: r.name, width=170),
    Column("Last active", lambda r: r.last_active.timestamp() if r.last_active else None,
           text=lambda r: _when(r.last_active), width=140),
    Column("Reviews (7 d)", lambda r: r.reviews_7d),
    Column("Answers (7 d)", lambda r: r.answers_7d),
)
TOPIC_COLUMNS = (
    Column("Topic", lambda t: t[0]),
    Column("Cohort share correct", lambda t: t[1], share=True, width=170),
)
ITEM_COLUMNS = (
    Column("Question", lambda i: " ".join(i.stem.split()), tooltip=lambda i: i.stem),
    Column("Bank / item", lambda i: f"{i.bank_id} / {i.item_id}", width=150),
    Column("Answers", lambda i: i.stats.answers),
    Column("Difficulty (share correct)", lambda i: i.stats.facility, share=True),
    Column("Discrimination", lambda i: i.stats.discrimination,
           text=lambda i: _signed(i.stats.discrimination)),
    Column("Upper − lower 27 %", lambda i: i.stats.upper_lower,
           text=lambda i: _signed(i.stats.upper_lower)),
    Column("Look again", lambda i: "; ".join(i.stats.flags), width=230),
)


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
        relative_font(heading, 1.4, bold=True)
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
        self.roster_model = FigureTableModel(ROSTER_COLUMNS, self)
        self.topics_model = FigureTableModel(TOPIC_COLUMNS, self)
        self.items_model = FigureTableModel(ITEM_COLUMNS, self)
        # Sorted first by the column that answers each table's question.
        self.roster_table = figure_table(self.roster_model, 0)
        self.topics_table = figure_table(self.topics_model, 1)
        self.items_table = figure_table(self.items_model, 3)
        self.items_table.setToolTip(
            "Difficulty: the share of trainees' latest answers that were right. "
            "Discrimination: the point-biserial correlation with the rest of each trainee's "
            "score (0.3 or more separates well; below 0 is backwards). Upper − lower: the "
            "strongest 27 % of trainees' share correct minus the weakest 27 %'s.")
        self.tabs.addTab(self.roster_table, "Trainees")
        self.tabs.addTab(self.topics_table, "Weakest topics")
        self.tabs.addTab(self.items_table, "Question statistics")
        layout.addWidget(self.tabs, 1)
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
            if not app.db.is_server and not app.offline:
                return NOT_SERVER
            figures = app.cohort.instructors_view(profile_id)
            return NOT_INSTRUCTOR if figures is None else figures

        self.ctx.tasks.run(load, on_done=self._on_loaded, on_error=self._on_load_failed)

    def _on_live_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)
        if self.ctx.app.db.is_server or self.ctx.app.offline:
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
                "This profile studies on this computer. For trainees' progress files, use "
                "Progress ▸ Class summary…", "Open Progress")
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
        self.setUpdatesEnabled(False)  # one repaint for the lot, not one per cell
        try:
            self._fill_roster(figures)
            self._fill_topics(figures)
            self._fill_items(figures)
        finally:
            self.setUpdatesEnabled(True)

    def _fill_roster(self, figures: ClassFigures) -> None:
        topics = sorted({t for r in figures.roster for t in r.by_topic}, key=figures.title)
        by_topic = [Column(figures.title(t), partial(_topic_share, t), share=True, width=120)
                    for t in topics]
        self.roster_model.set_rows(figures.roster, [*ROSTER_COLUMNS, *by_topic])
        self._resort(self.roster_table)

    def _fill_topics(self, figures: ClassFigures) -> None:
        self.topics_model.set_rows([(figures.title(t), share)
                                    for t, share in figures.weakest_topics])
        self._resort(self.topics_table)

    def _fill_items(self, figures: ClassFigures) -> None:
        self.items_model.set_rows(figures.items)
        self._resort(self.items_table)

    @staticmethod
    def _resort(table: QTableView) -> None:
        header = table.horizontalHeader()
        table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        fit_columns(table)

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
