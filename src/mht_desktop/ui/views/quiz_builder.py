"""The quiz builder: choose a mode, topics and a blueprint; resume or abandon; past attempts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.quiz import Blueprint, Pool, QuizMode, format_clock
from mht_desktop.services.quiz import AttemptSummary, QuizConfig
from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.widgets.flow_layout import flow_row
from mht_desktop.ui.widgets.responsive_row import ResponsiveRow

MODE_LABELS = {QuizMode.TUTOR: "Tutor (explanations after each answer)",
               QuizMode.EXAM: "Timed exam simulation",
               QuizMode.SMART: "Smart practice (weak topics first)",
               QuizMode.MISSED: "Missed-question review"}
POOL_LABELS = {Pool.ALL: "All questions", Pool.UNSEEN: "Unseen questions",
               Pool.MISSED: "Questions I missed", Pool.FLAGGED: "Questions I flagged"}

Topics = list[tuple[str, str, int]]
Blueprints = list[tuple[str | None, Blueprint]]


class QuizBuilder(QWidget):
    """The page a quiz starts from.

    It only gathers choices: the quiz view starts, resumes and abandons attempts on the DB
    lane when the signals below fire.
    """

    start_requested = Signal(object)   # QuizConfig
    resume_requested = Signal(int)     # attempt id
    abandon_requested = Signal(int)    # attempt id
    history_opened = Signal(int)       # attempt id

    def __init__(self, default_blueprint: Blueprint, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default_blueprint = default_blueprint
        self._blueprints: Blueprints = []
        self.pending: AttemptSummary | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_resume_frame())
        # The form and the topics side by side, stacked when narrow; past attempts below,
        # full width. (Three panes in a row needed ~1000 px and cut the topic names off.)
        row = ResponsiveRow()
        row.add(self._build_form(), 1)
        topics_box = QGroupBox("Topics (none ticked = all)")
        topics_layout = QVBoxLayout(topics_box)
        self.topic_list = QListWidget()
        self.topic_list.setAccessibleName("Topics")
        self.topic_list.setAccessibleDescription("Tick the topics to draw questions from; "
                                                 "none ticked means all topics")
        # Long topic names wrap inside the list rather than running off its right edge.
        self.topic_list.setWordWrap(True)
        self.topic_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.topic_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        topics_layout.addWidget(self.topic_list)
        row.add(topics_box, 1)
        layout.addWidget(row, 3)
        history_box = QGroupBox("Past attempts")
        history_layout = QVBoxLayout(history_box)
        self.history_list = QListWidget()
        self.history_list.setAccessibleName("Past attempts")
        self.history_list.setAccessibleDescription("Double-click or press Enter to see an "
                                                   "attempt's results")
        self.history_list.itemDoubleClicked.connect(self._open_history_item)
        self.history_list.itemActivated.connect(self._open_history_item)
        history_layout.addWidget(self.history_list)
        self.history_empty = plain_label("No finished quizzes yet. When you finish a quiz or "
                                         "an exam, its score appears here; open it to see "
                                         "every question again.")
        self.history_empty.setObjectName("historyEmpty")
        self.history_empty.setWordWrap(True)
        self.history_empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        history_layout.addWidget(self.history_empty)
        layout.addWidget(history_box, 2)
        self.empty_label = QLabel("No questions yet. Import a question bank (File ▸ Import "
                                  "question bank…) or enable one under Question banks.")
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        self._on_mode_changed()

    def _build_resume_frame(self) -> QFrame:
        self.resume_frame = QFrame()
        self.resume_frame.setFrameShape(QFrame.Shape.StyledPanel)
        resume_row = QHBoxLayout(self.resume_frame)
        self.resume_label = plain_label()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton("Resume")
        self.resume_button.clicked.connect(self._resume)
        self.abandon_button = QPushButton("Abandon")
        self.abandon_button.clicked.connect(self._abandon)
        resume_row.addWidget(self.resume_label, 1)
        resume_row.addWidget(self.resume_button)
        resume_row.addWidget(self.abandon_button)
        self.resume_frame.hide()
        return self.resume_frame

    def _build_form(self) -> QWidget:
        form_box = QWidget()
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.mode_box = QComboBox()
        self._narrow(self.mode_box)
        for mode, label in MODE_LABELS.items():
            self.mode_box.addItem(label, mode)
        self.mode_box.currentIndexChanged.connect(self._on_mode_changed)
        form.addRow("Mode:", self.mode_box)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 500)
        self.count_spin.setValue(20)
        form.addRow("Questions:", self.count_spin)
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(0, 600)
        self.minutes_spin.setSpecialValueText("No time limit")
        self.minutes_spin.setSuffix(" min")
        form.addRow("Time limit:", self.minutes_spin)
        self.pool_box = QComboBox()
        self._narrow(self.pool_box)
        for pool, label in POOL_LABELS.items():
            self.pool_box.addItem(label, pool)
        form.addRow("Draw from:", self.pool_box)
        self.difficulty_boxes = []
        for level, label in ((1, "Recall"), (2, "Application"), (3, "Judgement")):
            box = QCheckBox(label)
            box.setChecked(True)
            box.setProperty("level", level)
            self.difficulty_boxes.append(box)
        form.addRow("Difficulty:", flow_row(list(self.difficulty_boxes)))
        self.blueprint_box = QComboBox()
        self._narrow(self.blueprint_box)
        self.blueprint_box.setToolTip("How the exam spreads its questions across topics. "
                                      "Banks can carry their own blueprint.")
        self.blueprint_box.currentIndexChanged.connect(self._on_blueprint_changed)
        form.addRow("Blueprint:", self.blueprint_box)
        self.blueprint_label = plain_label()
        self.blueprint_label.setWordWrap(True)
        form.addRow("", self.blueprint_label)
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.request_start)
        form.addRow("", self.start_button)
        return form_box

    @staticmethod
    def _narrow(box: QComboBox) -> None:
        # A combo box asks for its longest item's width by default; this one may be narrower
        # (the popup still shows every item in full).
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(14)

    # -- choices ---------------------------------------------------------------------------
    def _on_blueprint_changed(self) -> None:
        if self.mode_box.currentData() is QuizMode.EXAM:
            self._on_mode_changed()

    def _chosen_blueprint(self) -> tuple[str | None, Blueprint]:
        index = self.blueprint_box.currentIndex()
        if 0 <= index < len(self._blueprints):
            return self._blueprints[index]
        return None, self._default_blueprint

    def _on_mode_changed(self) -> None:
        mode = self.mode_box.currentData()
        exam = mode is QuizMode.EXAM
        self.blueprint_box.setEnabled(exam)
        blueprint = self._chosen_blueprint()[1] if exam else None
        if blueprint is not None:
            self.count_spin.setValue(blueprint.questions)
            self.minutes_spin.setValue(blueprint.minutes)
            self.blueprint_label.setText(
                f"Drawn across topics by the blueprint “{blueprint.name}”. No feedback until "
                "you submit; the exam submits itself when time runs out.")
        else:
            self.count_spin.setValue(20 if self.count_spin.value() == 100 else
                                     self.count_spin.value())
            self.minutes_spin.setValue(0)
            self.blueprint_label.setText(
                "Missed-question review asks each missed question until you get it right "
                "twice." if mode is QuizMode.MISSED else "")
        self.pool_box.setEnabled(mode not in (QuizMode.MISSED,))

    def config(self) -> QuizConfig:
        """The quiz the builder's choices describe."""
        topics = tuple(self.topic_list.item(i).data(Qt.ItemDataRole.UserRole)
                       for i in range(self.topic_list.count())
                       if self.topic_list.item(i).checkState() == Qt.CheckState.Checked)
        levels = tuple(b.property("level") for b in self.difficulty_boxes if b.isChecked())
        mode = self.mode_box.currentData()
        return QuizConfig(mode=mode, count=self.count_spin.value(), topics=topics,
                          difficulties=levels if len(levels) < 3 else (),
                          pool=self.pool_box.currentData(),
                          minutes=self.minutes_spin.value() or None,
                          blueprint_bank=self._chosen_blueprint()[0]
                          if mode is QuizMode.EXAM else None)

    def request_start(self) -> None:
        """Ask for the quiz the choices describe."""
        self.start_requested.emit(self.config())

    def _resume(self) -> None:
        if self.pending is not None:
            self.resume_requested.emit(self.pending.id)

    def _abandon(self) -> None:
        if self.pending is not None:
            self.abandon_requested.emit(self.pending.id)

    def _open_history_item(self, item: QListWidgetItem) -> None:
        self.history_opened.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- showing what the lane loaded ------------------------------------------------------
    def show_data(self, blueprints: Blueprints, topics: Topics, history: list[AttemptSummary],
                  pending: AttemptSummary | None) -> None:
        """Fill the builder from what the DB lane read."""
        self._blueprints = blueprints
        self.blueprint_box.blockSignals(True)
        chosen = self.blueprint_box.currentIndex()
        self.blueprint_box.clear()
        for _bank_id, blueprint in blueprints:
            self.blueprint_box.addItem(blueprint.name)
        self.blueprint_box.setCurrentIndex(max(0, min(chosen, self.blueprint_box.count() - 1)))
        self.blueprint_box.blockSignals(False)
        self._fill_topics(topics)
        self._fill_history(history)
        self.empty_label.setVisible(not topics)
        self.start_button.setEnabled(bool(topics))
        self._show_pending(pending)

    def _fill_topics(self, topics: Topics) -> None:
        checked = {self.topic_list.item(i).data(Qt.ItemDataRole.UserRole)
                   for i in range(self.topic_list.count())
                   if self.topic_list.item(i).checkState() == Qt.CheckState.Checked}
        self.topic_list.clear()
        for topic_id, title, count in topics:
            item = QListWidgetItem(f"{title} ({count})")
            item.setData(Qt.ItemDataRole.UserRole, topic_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if topic_id in checked
                               else Qt.CheckState.Unchecked)
            self.topic_list.addItem(item)

    def _fill_history(self, history: list[AttemptSummary]) -> None:
        self.history_list.clear()
        self.history_list.setVisible(bool(history))
        self.history_empty.setVisible(not history)
        for attempt in history:
            when = (attempt.finished_at or attempt.started_at).astimezone()
            verdict = "passed" if attempt.passed else "not passed"
            item = QListWidgetItem(
                f"{when:%Y-%m-%d %H:%M} · {attempt.mode.value} · {attempt.questions} q · "
                f"{round((attempt.score or 0) * 100)}% ({verdict})")
            item.setData(Qt.ItemDataRole.UserRole, attempt.id)
            self.history_list.addItem(item)

    def _show_pending(self, pending: AttemptSummary | None) -> None:
        self.pending = pending
        if pending is not None:
            left = (f", {format_clock(pending.remaining_s)} left on the clock"
                    if pending.remaining_s is not None else "")
            self.resume_label.setText(
                f"You have an unfinished {pending.mode.value} from "
                f"{pending.started_at.astimezone():%d %b %H:%M} ({pending.questions} questions"
                f"{left}). The clock was paused while the app was closed.")
        self.resume_frame.setVisible(pending is not None)
