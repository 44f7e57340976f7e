"""Progress: readiness by topic, the exam countdown, cards due, activity, streaks and scores.

Why it is laid out this way: a trainee opens this screen to answer "am I ready, and what do I
do next?". So the top row answers the first question (overall readiness, days to the exam,
cards due today, streak), the weakest topics sit beside the per-topic bars with a one-click
"Practise now", and the charts below show how they got here. Every figure comes from
StatsService on the database lane; the view only lays them out. Reports, progress files and
the class summary (for instructors) start from the buttons in the top bar.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.activity import bin_series, countdown_text
from mht_desktop.core.changes import Changes
from mht_desktop.core.periods import PeriodKind
from mht_desktop.core.practice.progress import PracticeSummary
from mht_desktop.core.quiz import QuizMode
from mht_desktop.core.readiness import (
    NOT_ENOUGH,
    READINESS_TOOLTIP,
    Confidence,
    TopicReadiness,
    percent,
    readiness_text,
    study_time_text,
)
from mht_desktop.rendering.report import learner_document
from mht_desktop.services import progress_file
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.services.stats import Dashboard, LearnerReport
from mht_desktop.ui.class_summary_dialog import ClassSummaryDialog
from mht_desktop.ui.report_preview import ReportPreviewDialog
from mht_desktop.ui.rich_text import RichLabel, escape, plain_label, tooltip
from mht_desktop.ui.sections import QUIZ
from mht_desktop.ui.theme import relative_font
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.widgets.empty_state import EmptyState
from mht_desktop.ui.widgets.flow_layout import flow_row
from mht_desktop.ui.widgets.heatmap import HeatmapWidget
from mht_desktop.ui.widgets.practice_summary import PracticeSummaryBox
from mht_desktop.ui.widgets.progress_charts import (
    ChartPanel,
    fill_activity,
    fill_forecast,
    fill_scores,
    themed_chart,
)
from mht_desktop.ui.widgets.responsive_row import ResponsiveRow

PERIODS = ((PeriodKind.DAYS_30, "Last 30 days"), (PeriodKind.DAYS_90, "Last 90 days"),
           (PeriodKind.ALL, "All time"))
PRACTICE_QUESTIONS = 10


class StatTile(QFrame):
    """A big figure with a caption under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.value_label = plain_label("—")
        relative_font(self.value_label, 1.9, bold=True)
        self.caption_label = plain_label(caption)
        self.caption_label.setWordWrap(True)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)

    def set(self, value: str, caption: str, tip: str = "") -> None:
        """Change the figure, its caption and the tooltip of the whole tile."""
        self.value_label.setText(value)
        self.caption_label.setText(caption)
        self.setToolTip(tooltip(tip))


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "learner"


class ProgressView(SectionView):
    """The progress dashboard for the current learner."""

    title = "Progress"
    practice_requested = Signal(str)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dashboard: Dashboard | None = None
        self.report_dialog: ReportPreviewDialog | None = None
        self.class_dialog: ClassSummaryDialog | None = None
        self.topic_bars: dict[str, QProgressBar] = {}
        self.practise_buttons: dict[str, QPushButton] = {}
        outer = QVBoxLayout(self)
        outer.addLayout(self._build_top_bar())
        self._stack = QStackedLayout()
        outer.addLayout(self._stack, 1)
        self.empty = EmptyState(
            "No progress yet",
            "Study some flashcards, answer a quiz or work a practice exercise, and your "
            "readiness by topic, streak, cards due, score trend and practice record appear "
            "here. Instructors: use “Class summary…” to "
            "open your trainees' progress files.",
            "Start a practice quiz", self._start_any_quiz)
        self._stack.addWidget(self.empty)
        self.content = self._build_content()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        self.scroll_area = scroll
        self._stack.addWidget(scroll)

    # -- building ------------------------------------------------------------------------
    def _build_top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        heading = QLabel("Progress")
        relative_font(heading, 1.4, bold=True)
        bar.addWidget(heading)
        bar.addSpacing(12)
        period_label = QLabel("Period:")
        self.period_box = QComboBox()
        period_label.setBuddy(self.period_box)
        for kind, label in PERIODS:
            self.period_box.addItem(label, kind)
        self.period_box.setToolTip("Which days the activity figures and charts cover. "
                                   "Readiness is always as of today.")
        self.period_box.currentIndexChanged.connect(self._on_period_box_changed)
        self.report_button = QPushButton("Print report…")
        self.report_button.setToolTip("Preview, print or save your progress report as a PDF "
                                      "(Ctrl+P)")
        self.report_button.clicked.connect(self.open_report)
        self.export_button = QPushButton("Export progress…")
        self.export_button.setToolTip("Save a progress file (JSON) or a spreadsheet (CSV) "
                                      "for your instructor")
        self.export_button.clicked.connect(self.export_progress)
        self.class_button = QPushButton("Class summary…")
        self.class_button.setToolTip("Instructors: combine trainees' progress files into one "
                                     "topic × trainee table")
        self.class_button.clicked.connect(self.open_class_summary)
        # The controls wrap onto a second line when the window is narrow or the text large.
        bar.addWidget(flow_row([period_label, self.period_box, self.report_button,
                                self.export_button, self.class_button]), 1)
        return bar

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        tiles = ResponsiveRow()
        self.overall_tile = StatTile("overall readiness")
        self.exam_tile = StatTile("to the exam")
        self.due_tile = StatTile("cards due today")
        self.streak_tile = StatTile("day streak")
        self.period_tile = StatTile("in this period")
        for tile in (self.overall_tile, self.exam_tile, self.due_tile, self.streak_tile,
                     self.period_tile):
            tiles.add(tile, 1)
        layout.addWidget(tiles)

        # Left: every topic's bar. Right: what to do next, then the calendar and scores,
        # so the long topic list sits beside the rest instead of pushing it down.
        # Narrow (1024 px at larger text), the side column goes below the topics.
        middle = ResponsiveRow()
        readiness_box = QGroupBox("Readiness by topic")
        readiness_box.setToolTip(tooltip(READINESS_TOOLTIP))
        self.readiness_grid = QGridLayout(readiness_box)
        self.readiness_grid.setColumnStretch(1, 1)
        middle.add(readiness_box, 3)
        side_box = QWidget()
        side = QVBoxLayout(side_box)
        side.setContentsMargins(0, 0, 0, 0)
        weak_box = QGroupBox("Weakest topics")
        self.weak_list = QVBoxLayout(weak_box)
        side.addWidget(weak_box)
        self.practice_box = PracticeSummaryBox()
        side.addWidget(self.practice_box)
        calendar_box = QGroupBox("Study calendar")
        calendar_layout = QVBoxLayout(calendar_box)
        self.heatmap = HeatmapWidget()
        self.streak_label = plain_label()
        self.streak_label.setWordWrap(True)
        calendar_layout.addWidget(self.heatmap)
        calendar_layout.addWidget(self.streak_label)
        side.addWidget(calendar_box)
        self.score_panel = ChartPanel("Quiz and exam scores")
        self.score_view = self.score_panel.view
        side.addWidget(self.score_panel)
        side.addStretch(1)
        middle.add(side_box, 2)
        layout.addWidget(middle)

        charts = ResponsiveRow()
        self.forecast_panel = ChartPanel("Cards due in the next 30 days")
        self.activity_panel = ChartPanel("Study activity")
        self.forecast_view = self.forecast_panel.view
        self.activity_view = self.activity_panel.view
        charts.add(self.forecast_panel, 2)
        charts.add(self.activity_panel, 3)
        layout.addWidget(charts)
        return content

    # -- refreshing ----------------------------------------------------------------------
    def watches(self, changes: Changes) -> bool:
        return (changes.cards or changes.reviews or changes.quizzes or changes.banks
                or changes.settings or changes.profiles or changes.practice)

    @property
    def period_kind(self) -> PeriodKind:
        """The period chosen in the filter."""
        kind = self.period_box.currentData()
        return kind if isinstance(kind, PeriodKind) else PeriodKind.DAYS_30

    def set_period(self, kind: PeriodKind) -> None:
        """Choose the period filter (and redraw)."""
        self.period_box.setCurrentIndex(self.period_box.findData(kind))

    def _on_period_box_changed(self) -> None:
        self.mark_stale()

    def refresh(self) -> None:
        stats = self.ctx.app.stats(self.ctx.profile_id)
        kind = self.period_kind
        self.ctx.tasks.run(lambda: (stats.dashboard(kind), stats.practice(kind)),
                           on_done=self._show, on_error=self.show_error)

    def _show(self, result: tuple[Dashboard, PracticeSummary]) -> None:
        dashboard, practice = result
        self.dashboard = dashboard
        self.practice_box.set_summary(practice)
        if not dashboard.has_activity and not practice.has_activity:
            self._stack.setCurrentWidget(self.empty)
            return
        self._stack.setCurrentWidget(self.scroll_area)
        self._show_tiles(dashboard)
        self._show_topics(dashboard)
        self._show_charts(dashboard)

    def _show_tiles(self, d: Dashboard) -> None:
        overall = d.overall
        thin = overall.confidence in (Confidence.NONE, Confidence.LOW)
        self.overall_tile.set(
            "—" if thin else percent(overall.readiness),
            f"overall readiness · {NOT_ENOUGH if thin else overall.confidence.value}",
            f"{READINESS_TOOLTIP}\n\n{overall.topics_with_data} of {overall.topics} topics "
            f"have data; coverage {percent(overall.coverage)}.")
        when = f"{d.exam_date:%d %b %Y}" if d.exam_date else ""
        if d.days_to_exam is None:
            self.exam_tile.set("—", "no exam date set (Flashcards ▸ exam plan)")
        elif d.days_to_exam > 0:
            self.exam_tile.set(f"{d.days_to_exam}",
                               f"day{'s' if d.days_to_exam != 1 else ''} to the exam · {when}")
        else:
            self.exam_tile.set("Today" if d.days_to_exam == 0 else "—",
                               f"{countdown_text(d.days_to_exam)} · {when}")
        self.due_tile.set(f"{d.due_today:,}", "cards due today",
                          f"{sum(n for _, n in d.forecast):,} cards due in the next 30 days")
        self.streak_tile.set(f"{d.streak.current}",
                             f"day streak · longest {d.streak.longest}",
                             "A study day is any day you review a card or answer a question "
                             "(days start at your day-start hour).")
        t = d.totals
        self.period_tile.set(study_time_text(t.minutes),
                             f"{d.period.label.lower()}: {t.reviews:,} reviews, "
                             f"{t.answers:,} questions, {t.study_days} study days")

    def _show_topics(self, d: Dashboard) -> None:
        _clear(self.readiness_grid)
        self.topic_bars = {}
        for row, topic in enumerate(d.topics):
            name = plain_label(topic.title)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            # Too few answers: an empty bar and words, not a confident "100%".
            bar.setValue(round((topic.readiness or 0.0) * 1000) if topic.enough_data else 0)
            bar.setFormat(readiness_text(topic))
            bar.setAccessibleName(f"Readiness: {topic.title}")
            bar.setAccessibleDescription(readiness_text(topic))
            bar.setTextVisible(True)
            tip = f"{topic.title}: {topic.explain()}\n\n{READINESS_TOOLTIP}"
            bar.setToolTip(tooltip(tip))
            name.setToolTip(tooltip(tip))
            confidence = plain_label(topic.confidence.value)
            confidence.setEnabled(topic.confidence is Confidence.GOOD)  # the rest: greyed
            self.readiness_grid.addWidget(name, row, 0)
            self.readiness_grid.addWidget(bar, row, 1)
            self.readiness_grid.addWidget(confidence, row, 2)
            self.topic_bars[topic.topic_id] = bar
        _clear(self.weak_list)
        self.practise_buttons = {}
        if not d.weakest:
            hint = QLabel("Answer at least 5 different questions in a topic (or review 10 of "
                          "its cards) to see which topics need work.")
            hint.setWordWrap(True)
            self.weak_list.addWidget(hint)
        for topic in d.weakest:
            self.weak_list.addWidget(self._weak_row(topic, d.pass_mark))

    def _weak_row(self, topic: TopicReadiness, pass_mark: float) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 2, 0, 2)
        verdict = "below" if (topic.readiness or 0.0) < pass_mark else "at or above"
        label = RichLabel(f"<b>{escape(topic.title)}</b><br><small>"
                          f"{escape(readiness_text(topic))} · {escape(verdict)} the pass mark · "
                          f"{escape(topic.confidence.value)}</small>")
        label.setWordWrap(True)
        label.setToolTip(tooltip(topic.explain()))
        button = QPushButton("Practise now")
        button.setToolTip(tooltip(f"Start a {PRACTICE_QUESTIONS}-question smart-practice quiz "
                                  f"on {topic.title}"))
        button.clicked.connect(partial(self.practise, topic.topic_id))
        layout.addWidget(label, 1)
        layout.addWidget(button)
        self.practise_buttons[topic.topic_id] = button
        return row

    def _show_charts(self, d: Dashboard) -> None:
        dark = self.ctx.dark
        forecast = themed_chart("Cards due — next 30 days", dark=dark)
        fill_forecast(forecast, d.forecast, dark=dark)
        self.forecast_panel.set_chart(forecast, ("Day", "Cards due"),
                                      [(f"{day:%a %d %b}", f"{n:,}") for day, n in d.forecast])
        weekly = len(d.daily) > 92
        per = "week" if weekly else "day"
        activity = themed_chart(f"Study activity per {per}", dark=dark)
        binned = bin_series(list(d.daily), 7 if weekly else 1)
        fill_activity(activity, binned, dark=dark, per=per)
        self.activity_panel.set_chart(
            activity, ("Week of" if weekly else "Day", "Answers", "Study time"),
            [(f"{a.day:%d %b %Y}", f"{a.count:,}", study_time_text(a.minutes)) for a in binned])
        scores = themed_chart("Quiz and exam scores", dark=dark)
        fill_scores(scores, d.trend, pass_mark=d.pass_mark, dark=dark)
        self.score_panel.set_chart(
            scores, ("Attempt", "Date", "Kind", "Score", "Questions"),
            [(str(i + 1), f"{p.day:%d %b %Y}", "exam" if p.is_exam else "practice",
              percent(p.score), f"{p.questions:d}") for i, p in enumerate(d.trend)])
        self.heatmap.set_cells(d.heatmap, dark=dark)
        self.streak_label.setText(
            f"Current streak {d.streak.current} day(s); longest {d.streak.longest}."
            + ("" if d.streak.studied_today else " Study today to keep it going."))

    # -- actions -------------------------------------------------------------------------
    def practise(self, topic_id: str) -> None:
        """Start a 10-question smart-practice quiz on one topic in the Quiz section."""
        from mht_desktop.ui.views.quiz_view import start_quiz  # imported when first needed

        self.practice_requested.emit(topic_id)
        if not start_quiz(self.ctx.nav, QuizConfig(mode=QuizMode.SMART, topics=(topic_id,),
                                                   count=PRACTICE_QUESTIONS)):
            self.status("Open the Quiz section to practise this topic.")

    def _start_any_quiz(self) -> None:
        self.ctx.nav.show_section(QUIZ)

    def ask_save(self, parent: QWidget, title: str, suggested: str,
                 filters: str) -> Path | None:
        """Where to save, asked through the context's dialogs."""
        path = self.ctx.dialogs.ask_save_path(parent, title, suggested, filters)
        return Path(path) if path else None

    def open_report(self) -> None:
        """Gather the report for the chosen period and show the print preview."""
        stats = self.ctx.app.stats(self.ctx.profile_id)
        kind = self.period_kind
        self.ctx.tasks.run(lambda: stats.report(kind), on_done=self._preview_report,
                           on_error=self.show_error, label="Preparing the report…",
                           parent=self)

    def _preview_report(self, report: LearnerReport) -> None:
        self.report_dialog = ReportPreviewDialog(
            learner_document(report), tasks=self.ctx.tasks, dialogs=self.ctx.dialogs,
            suggested_name=f"{_file_stem(report.learner)}-progress-report.pdf", parent=self)
        self.report_dialog.open()

    def export_progress(self) -> None:
        """Save this learner's progress file (JSON) or spreadsheet (CSV)."""
        stats = self.ctx.app.stats(self.ctx.profile_id)
        kind = self.period_kind
        learner = getattr(getattr(self.window(), "profile", None), "name", "")
        path = self.ask_save(self, "Export progress",
                             f"{_file_stem(learner) if learner else 'my'}-progress.json",
                             "Progress file (*.json);;Spreadsheet, one row per topic (*.csv)")
        if path is None:
            return
        fmt = "csv" if path.suffix.lower() == ".csv" else "json"
        if path.suffix.lower() not in (".json", ".csv"):
            path = path.with_suffix(".json")

        def work() -> Path:
            return progress_file.write(progress_file.from_report(stats.report(kind)), path, fmt)

        self.ctx.tasks.run(work, on_done=lambda out: self.status(f"Saved {out}"),
                           on_error=self.show_error)

    def open_class_summary(self) -> None:
        """Open the class summary (progress files from several trainees)."""
        if self.class_dialog is None:
            self.class_dialog = ClassSummaryDialog(self.ctx.tasks, self.ctx.dialogs, self)
        self.class_dialog.show()
        self.class_dialog.raise_()
