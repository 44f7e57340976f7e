"""Quiz: the builder, the question screen (tutor and timed exam), results and history."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedLayout,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.banks import QuestionType
from mht_desktop.core.changes import Changes
from mht_desktop.core.quiz import Blueprint, Pool, QuizMode, format_clock
from mht_desktop.services.quiz import (
    AnswerFeedback,
    AttemptSummary,
    AttemptView,
    ItemView,
    QuizConfig,
    Results,
)
from mht_desktop.services.text import inline_markdown, markdown_to_html
from mht_desktop.ui.theme import palette_css
from mht_desktop.ui.views.base import SectionView, ViewContext

LETTERS = "ABCDEFGH"
MODE_LABELS = {QuizMode.TUTOR: "Tutor (explanations after each answer)",
               QuizMode.EXAM: "Timed exam simulation",
               QuizMode.SMART: "Smart practice (weak topics first)",
               QuizMode.MISSED: "Missed-question review"}
POOL_LABELS = {Pool.ALL: "All questions", Pool.UNSEEN: "Unseen questions",
               Pool.MISSED: "Questions I missed", Pool.FLAGGED: "Questions I flagged"}
CLOCK_SAVE_EVERY_S = 10
Confirm = Callable[[str, str], bool]


def ask_user(parent: QWidget) -> Confirm:
    """A Yes/No question box (tests replace it so no modal dialog can hang)."""
    def confirm(title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes
    return confirm


class QuestionPage(QWidget):
    """One question at a time, driven by mouse or keyboard alone."""

    key_pressed = Signal(QKeyEvent)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QHBoxLayout(self)
        main = QVBoxLayout()
        top = QHBoxLayout()
        self.position_label = QLabel()
        self.clock_label = QLabel()
        self.clock_label.setObjectName("examClock")
        font = self.clock_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.clock_label.setFont(font)
        self.mark_box = QCheckBox("Mark for review (F)")
        self.mark_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_box = QCheckBox("Flag question")
        self.flag_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_box.setToolTip("Keep it in your “flagged” pool to practise later.")
        top.addWidget(self.position_label)
        top.addStretch(1)
        top.addWidget(self.flag_box)
        top.addWidget(self.mark_box)
        top.addWidget(self.clock_label)
        main.addLayout(top)
        self.clock_note = QLabel("The exam clock pauses whenever MHT Desktop is closed.")
        self.clock_note.setObjectName("clockNote")
        main.addWidget(self.clock_note)
        self.stem_view = QTextBrowser()
        self.stem_view.setOpenLinks(False)
        self.stem_view.setMaximumHeight(220)
        main.addWidget(self.stem_view)
        self.hint_label = QLabel()
        main.addWidget(self.hint_label)
        self.choices_box = QWidget()
        self.choices_layout = QVBoxLayout(self.choices_box)
        self.choices_layout.setContentsMargins(4, 4, 4, 4)
        main.addWidget(self.choices_box)
        self.feedback_view = QTextBrowser()
        self.feedback_view.setOpenLinks(False)
        self.feedback_view.setObjectName("feedback")
        main.addWidget(self.feedback_view, 1)
        buttons = QHBoxLayout()
        self.prev_button = QPushButton("◀ Previous (P)")
        self.next_button = QPushButton("Next (N) ▶")
        self.submit_button = QPushButton("Submit answer (Enter)")
        self.submit_button.setDefault(True)
        self.finish_button = QPushButton("Finish…")
        for b in (self.prev_button, self.next_button, self.submit_button, self.finish_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons.addWidget(self.prev_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.finish_button)
        buttons.addWidget(self.submit_button)
        main.addLayout(buttons)
        outer.addLayout(main, 1)
        self.navigator = QGroupBox("Navigator")
        self.navigator_grid = QGridLayout(self.navigator)
        self.navigator_grid.setSpacing(3)
        nav_scroll = QScrollArea()
        nav_scroll.setWidget(self.navigator)
        nav_scroll.setWidgetResizable(True)
        nav_scroll.setFixedWidth(230)
        self.nav_scroll = nav_scroll
        legend = QLabel("■ answered  □ unanswered  ⚑ marked")
        side = QVBoxLayout()
        side.addWidget(nav_scroll, 1)
        side.addWidget(legend)
        self.side = QWidget()
        self.side.setLayout(side)
        outer.addWidget(self.side)
        self.choice_buttons: list[QAbstractButton] = []
        self.group = QButtonGroup(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.key_pressed.emit(event)


class QuizView(SectionView):
    """Build a quiz, take it, see results; resume an interrupted exam."""

    title = "Quiz"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.app.quiz(ctx.profile_id)
        self.confirm: Confirm = ask_user(self)
        self._stack = QStackedLayout(self)
        self._build_builder()
        self.page = QuestionPage()
        self._stack.addWidget(self.page)
        self._build_results()
        self._wire_page()
        self.attempt: AttemptView | None = None
        self.index = 0
        self.highlight = 0
        self.pending: set[int] = set()      # display indexes chosen, not yet submitted
        self.feedback: AnswerFeedback | None = None
        self._shown_at = time.monotonic()
        self._since_save = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    # -- builder ---------------------------------------------------------------------------
    def _build_builder(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.resume_frame = QFrame()
        self.resume_frame.setFrameShape(QFrame.Shape.StyledPanel)
        resume_row = QHBoxLayout(self.resume_frame)
        self.resume_label = QLabel()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton("Resume")
        self.resume_button.clicked.connect(self.resume_pending)
        self.abandon_button = QPushButton("Abandon")
        self.abandon_button.clicked.connect(self.abandon_pending)
        resume_row.addWidget(self.resume_label, 1)
        resume_row.addWidget(self.resume_button)
        resume_row.addWidget(self.abandon_button)
        layout.addWidget(self.resume_frame)
        self.resume_frame.hide()
        self._pending_attempt: AttemptSummary | None = None

        split = QSplitter()
        form_box = QWidget()
        form = QFormLayout(form_box)
        self.mode_box = QComboBox()
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
        for pool, label in POOL_LABELS.items():
            self.pool_box.addItem(label, pool)
        form.addRow("Draw from:", self.pool_box)
        difficulty = QHBoxLayout()
        self.difficulty_boxes = []
        for level, label in ((1, "Recall"), (2, "Application"), (3, "Judgement")):
            box = QCheckBox(label)
            box.setChecked(True)
            box.setProperty("level", level)
            self.difficulty_boxes.append(box)
            difficulty.addWidget(box)
        form.addRow("Difficulty:", difficulty)
        self.blueprint_box = QComboBox()
        self.blueprint_box.setToolTip("How the exam spreads its questions across topics. "
                                      "Banks can carry their own blueprint.")
        self.blueprint_box.currentIndexChanged.connect(self._on_blueprint_changed)
        form.addRow("Blueprint:", self.blueprint_box)
        self._blueprints: list[tuple[str | None, Blueprint]] = []
        self.blueprint_label = QLabel()
        self.blueprint_label.setWordWrap(True)
        form.addRow("", self.blueprint_label)
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_from_builder)
        form.addRow("", self.start_button)
        split.addWidget(form_box)
        topics_box = QGroupBox("Topics (none ticked = all)")
        topics_layout = QVBoxLayout(topics_box)
        self.topic_list = QListWidget()
        topics_layout.addWidget(self.topic_list)
        split.addWidget(topics_box)
        history_box = QGroupBox("Past attempts")
        history_layout = QVBoxLayout(history_box)
        self.history_list = QListWidget()
        self.history_list.itemDoubleClicked.connect(self._open_history_item)
        history_layout.addWidget(self.history_list)
        split.addWidget(history_box)
        layout.addWidget(split, 1)
        self.empty_label = QLabel("No questions yet. Import a question bank (File ▸ Import "
                                  "question bank…) or enable one under Question banks.")
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        self.builder = page
        self._stack.addWidget(page)
        self._on_mode_changed()

    def _on_blueprint_changed(self) -> None:
        if self.mode_box.currentData() is QuizMode.EXAM:
            self._on_mode_changed()

    def _chosen_blueprint(self) -> tuple[str | None, Blueprint]:
        index = self.blueprint_box.currentIndex()
        if 0 <= index < len(self._blueprints):
            return self._blueprints[index]
        return None, self.service.blueprint

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

    def watches(self, changes: Changes) -> bool:
        return changes.banks or changes.quizzes or changes.profiles or changes.settings

    def set_profile(self, profile_id: int) -> None:
        if self.attempt is not None:
            self.service.pause(self.attempt.id)
            self.timer.stop()
        self.attempt = None
        self.service = self.ctx.app.quiz(profile_id)
        self._stack.setCurrentWidget(self.builder)
        super().set_profile(profile_id)

    def refresh(self) -> None:
        if self._stack.currentWidget() is not self.builder:
            return

        def load() -> tuple[list[tuple[str, str, int]], list[AttemptSummary],
                            AttemptSummary | None]:
            self._blueprints = self.service.blueprints()
            return self.service.topics(), self.service.history(), self.service.resumable()

        self.ctx.tasks.run(load, on_done=self._show_builder, on_error=self.show_error)

    def _show_builder(self, data: tuple[list[tuple[str, str, int]], list[AttemptSummary],
                                        AttemptSummary | None]) -> None:
        topics, history, pending = data
        self.blueprint_box.blockSignals(True)
        chosen = self.blueprint_box.currentIndex()
        self.blueprint_box.clear()
        for _bank_id, blueprint in self._blueprints:
            self.blueprint_box.addItem(blueprint.name)
        self.blueprint_box.setCurrentIndex(max(0, min(chosen, self.blueprint_box.count() - 1)))
        self.blueprint_box.blockSignals(False)
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
        self.history_list.clear()
        for attempt in history:
            when = (attempt.finished_at or attempt.started_at).astimezone()
            verdict = "passed" if attempt.passed else "not passed"
            item = QListWidgetItem(
                f"{when:%Y-%m-%d %H:%M} · {attempt.mode.value} · {attempt.questions} q · "
                f"{round((attempt.score or 0) * 100)}% ({verdict})")
            item.setData(Qt.ItemDataRole.UserRole, attempt.id)
            self.history_list.addItem(item)
        self.empty_label.setVisible(not topics)
        self.start_button.setEnabled(bool(topics))
        self._pending_attempt = pending
        if pending is not None:
            left = (f", {format_clock(pending.remaining_s)} left on the clock"
                    if pending.remaining_s is not None else "")
            self.resume_label.setText(
                f"You have an unfinished {pending.mode.value} from "
                f"{pending.started_at.astimezone():%d %b %H:%M} ({pending.questions} questions"
                f"{left}). The clock was paused while the app was closed.")
        self.resume_frame.setVisible(pending is not None)

    def start_from_builder(self) -> None:
        """Start a quiz from the builder's choices."""
        topics = tuple(self.topic_list.item(i).data(Qt.ItemDataRole.UserRole)
                       for i in range(self.topic_list.count())
                       if self.topic_list.item(i).checkState() == Qt.CheckState.Checked)
        levels = tuple(b.property("level") for b in self.difficulty_boxes if b.isChecked())
        mode = self.mode_box.currentData()
        config = QuizConfig(mode=mode, count=self.count_spin.value(), topics=topics,
                            difficulties=levels if len(levels) < 3 else (),
                            pool=self.pool_box.currentData(),
                            minutes=self.minutes_spin.value() or None,
                            blueprint_bank=self._chosen_blueprint()[0]
                            if mode is QuizMode.EXAM else None)
        self.start(config)

    def start(self, config: QuizConfig) -> None:
        """Build and begin a quiz."""
        self.ctx.tasks.run(lambda: self.service.start(config), on_done=self._begin,
                           on_error=self.show_error)

    def resume_pending(self) -> None:
        """Continue the unfinished attempt."""
        if self._pending_attempt is not None:
            attempt_id = self._pending_attempt.id
            self.ctx.tasks.run(lambda: self.service.resume(attempt_id), on_done=self._begin,
                               on_error=self.show_error)

    def abandon_pending(self) -> None:
        """Give up the unfinished attempt after confirmation."""
        if self._pending_attempt is None or not self.confirm(
                "Abandon quiz", "Abandon the unfinished quiz? Its answers stay in your "
                "history but it will not be scored."):
            return
        attempt_id = self._pending_attempt.id
        self.ctx.tasks.run(lambda: self.service.abandon(attempt_id),
                           on_done=self.ctx.bus.publish, on_error=self.show_error)

    # -- taking the quiz -------------------------------------------------------------------
    def _wire_page(self) -> None:
        p = self.page
        p.key_pressed.connect(self._on_key)
        p.prev_button.clicked.connect(lambda: self.go(self.index - 1))
        p.next_button.clicked.connect(lambda: self.go(self.index + 1))
        p.submit_button.clicked.connect(self.enter)
        p.finish_button.clicked.connect(self.finish)
        p.mark_box.toggled.connect(self._on_mark_toggled)
        p.flag_box.toggled.connect(self._on_flag_toggled)

    @property
    def exam(self) -> bool:
        """Whether the current attempt is a timed exam (no feedback until the end)."""
        return self.attempt is not None and self.attempt.mode is QuizMode.EXAM

    def _begin(self, attempt: AttemptView) -> None:
        self.attempt = attempt
        first_open = next((i.position for i in attempt.items if not i.answered), 0)
        self.index = attempt.current_index if attempt.current_index < len(attempt.items) \
            else first_open
        if attempt.mode is QuizMode.MISSED:
            self.index = len(attempt.items) - 1
        self.page.side.setVisible(attempt.mode in (QuizMode.EXAM, QuizMode.TUTOR,
                                                   QuizMode.SMART))
        self.page.clock_label.setVisible(attempt.time_limit_s is not None)
        self.page.clock_note.setVisible(attempt.time_limit_s is not None)
        self.page.mark_box.setVisible(self.exam)
        self._build_navigator()
        self._stack.setCurrentWidget(self.page)
        self._show_item()
        if attempt.time_limit_s is not None:
            self._since_save = 0
            self.timer.start()
            self._tick()

    def _item(self) -> ItemView:
        assert self.attempt is not None
        return self.attempt.items[self.index]

    def _show_item(self) -> None:
        attempt = self.attempt
        assert attempt is not None
        item = self._item()
        q = item.question
        p = self.page
        self._shown_at = time.monotonic()
        self.feedback = None
        total = len(attempt.items)
        if attempt.mode is QuizMode.MISSED:
            p.position_label.setText("Missed-question review: answer each right twice")
        else:
            p.position_label.setText(f"Question {self.index + 1} of {total}")
        css = palette_css(self.ctx.dark) + " body { font-size: 13pt; }"
        p.stem_view.setHtml(f"<style>{css}</style>{markdown_to_html(q.stem)}")
        multiple = q.type is QuestionType.MULTIPLE
        p.hint_label.setText("Select all that apply (Space or 1–8 toggles), then Enter."
                             if multiple else "Choose one answer (1–8 or A–H).")
        self._build_choices(item)
        answered = item.answered
        self.pending = {item.order.index(i) for i in item.selected} if item.selected else set()
        self.highlight = min(self.pending) if self.pending else 0
        self._paint_choices()
        p.mark_box.blockSignals(True)
        p.mark_box.setChecked(item.marked)
        p.mark_box.blockSignals(False)
        p.flag_box.blockSignals(True)
        p.flag_box.setChecked(item.flagged)
        p.flag_box.blockSignals(False)
        p.feedback_view.clear()
        p.feedback_view.setVisible(False)
        p.prev_button.setEnabled(self.index > 0 and attempt.mode is not QuizMode.MISSED)
        p.next_button.setEnabled(self.index < total - 1 and attempt.mode is not QuizMode.MISSED)
        if self.exam:
            p.submit_button.setText("Next (Enter)" if self.index < total - 1
                                    else "Finish exam (Enter)")
            p.finish_button.setText("Submit exam…")
        else:
            if answered:  # a tutor question already answered: show its feedback again
                self._show_feedback(item)
            p.submit_button.setText("Next (Enter)" if answered else "Submit answer (Enter)")
            p.finish_button.setText("End quiz…")
        self._paint_navigator()
        p.setFocus()

    def _build_choices(self, item: ItemView) -> None:
        p = self.page
        for old in p.choice_buttons:
            p.group.removeButton(old)
            old.deleteLater()
        p.choice_buttons = []
        multiple = item.question.type is QuestionType.MULTIPLE
        p.group.setExclusive(not multiple)
        for display, bank_index in enumerate(item.order):
            choice = item.question.choices[bank_index]
            label = f"{LETTERS[display]}.  {choice.text}"
            button: QAbstractButton = QCheckBox(label) if multiple else QRadioButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("display", display)
            button.clicked.connect(lambda _=False, d=display: self.choose(d, toggle=True))
            p.group.addButton(button)
            p.choices_layout.addWidget(button)
            p.choice_buttons.append(button)

    def _paint_choices(self) -> None:
        item = self._item()
        struck = {item.order.index(i) for i in item.struck}
        locked = self.feedback is not None or (not self.exam and item.answered)
        for display, button in enumerate(self.page.choice_buttons):
            button.blockSignals(True)
            button.setChecked(display in self.pending)
            button.blockSignals(False)
            font = QFont(button.font())
            font.setStrikeOut(display in struck)
            font.setUnderline(display == self.highlight and not locked)
            button.setFont(font)
            button.setEnabled(not locked)

    def choose(self, display: int, *, toggle: bool = False) -> None:
        """Pick (or, in select-all-that-apply, toggle) the choice shown at ``display``."""
        item = self._item()
        if display >= len(item.order) or self.feedback is not None or (
                not self.exam and item.answered):
            return
        self.highlight = display
        if item.question.type is QuestionType.MULTIPLE:
            if display in self.pending and toggle:
                self.pending.discard(display)
            else:
                self.pending.add(display)
        else:
            self.pending = {display}
        self._paint_choices()
        if self.exam:
            self._commit(show_feedback=False)

    def _selected_bank(self) -> frozenset[int]:
        item = self._item()
        return frozenset(item.order[d] for d in self.pending)

    def _commit(self, *, show_feedback: bool) -> None:
        assert self.attempt is not None
        attempt_id, position = self.attempt.id, self.index
        selected = self._selected_bank()
        spent = time.monotonic() - self._shown_at
        self._shown_at = time.monotonic()

        def done(feedback: AnswerFeedback) -> None:
            self._reload_attempt()
            if show_feedback:
                self.feedback = feedback
                self._show_feedback(self._item())
                self._paint_choices()
                self.page.submit_button.setText("Next (Enter)")
                if feedback.done:
                    self.page.submit_button.setText("Finish (Enter)")
            else:
                self._paint_navigator()

        self.ctx.tasks.run(lambda: self.service.answer(attempt_id, position, selected,
                                                       time_spent_s=spent),
                           on_done=done, on_error=self.show_error)

    def _reload_attempt(self) -> None:
        assert self.attempt is not None
        self.attempt = self.service.view(self.attempt.id)

    def _show_feedback(self, item: ItemView) -> None:
        q = item.question
        selected = item.selected or frozenset()
        right = item.correct
        verdict = ("<p class='right'>Correct</p>" if right
                   else "<p class='wrong'>Not quite</p>")
        rows = []
        for display, bank_index in enumerate(item.order):
            choice = q.choices[bank_index]
            picked = bank_index in selected
            mark = "✔" if choice.correct else ("✘" if picked else "")
            note = choice.feedback if (picked or choice.correct) and choice.feedback else ""
            style = "right" if choice.correct else ("wrong" if picked else "")
            rows.append(f"<tr><td class='{style}'>{mark}</td><td>{LETTERS[display]}. "
                        f"{inline_markdown(choice.text)}"
                        f"{'  <i>(your answer)</i>' if picked else ''}</td>"
                        f"<td>{inline_markdown(note)}</td></tr>")
        source = f"<p class='muted'>Source: {html.escape(q.source)}</p>" if q.source else ""
        text = (f"<style>{palette_css(self.ctx.dark)}</style>{verdict}"
                f"<table>{''.join(rows)}</table><h3>Why</h3>{markdown_to_html(q.rationale)}"
                f"{source}")
        self.page.feedback_view.setHtml(text)
        self.page.feedback_view.setVisible(True)

    def enter(self) -> None:
        """Enter: submit the answer (tutor), or go on."""
        attempt = self.attempt
        if attempt is None:
            return
        item = self._item()
        if self.exam:
            if self.index < len(attempt.items) - 1:
                self.go(self.index + 1)
            else:
                self.finish()
            return
        if self.feedback is not None or item.answered:
            if attempt.mode is QuizMode.MISSED:
                if self.feedback is not None and self.feedback.done:
                    self._submit()
                else:
                    self.index = len(attempt.items) - 1
                    self._show_item()
            elif self.index < len(attempt.items) - 1:
                self.go(self.index + 1)
            else:
                self._submit()
            return
        if not self.pending:
            self.page.hint_label.setText("Choose an answer first (1–8 or A–H).")
            return
        self._commit(show_feedback=True)

    def go(self, index: int) -> None:
        """Move to question ``index`` (0-based)."""
        attempt = self.attempt
        if attempt is None or not 0 <= index < len(attempt.items) \
                or attempt.mode is QuizMode.MISSED:
            return
        self.index = index
        attempt_id = attempt.id
        self.ctx.tasks.run(lambda: self.service.go_to(attempt_id, index))
        self._show_item()

    def _on_mark_toggled(self, checked: bool) -> None:
        if self.attempt is None:
            return
        attempt_id, position = self.attempt.id, self.index

        def done(_: object) -> None:
            self._reload_attempt()
            self._paint_navigator()

        self.ctx.tasks.run(lambda: self.service.set_marked(attempt_id, position, checked),
                           on_done=done, on_error=self.show_error)

    def _on_flag_toggled(self, checked: bool) -> None:
        if self.attempt is None:
            return
        question_id = self._item().question_id
        self.ctx.tasks.run(lambda: self.service.toggle_flag(question_id, checked),
                           on_done=lambda _: self._reload_attempt(), on_error=self.show_error)

    def strike(self) -> None:
        """Strike out (or restore) the highlighted choice."""
        if self.attempt is None:
            return
        item = self._item()
        bank_index = item.order[self.highlight]
        struck = set(item.struck) ^ {bank_index}
        attempt_id, position = self.attempt.id, self.index

        def done(_: object) -> None:
            self._reload_attempt()
            self._paint_choices()

        self.ctx.tasks.run(lambda: self.service.set_struck(attempt_id, position,
                                                           frozenset(struck)),
                           on_done=done, on_error=self.show_error)

    def _on_key(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text().upper()
        if key == Qt.Key.Key_F:
            # F marks for review (exam) or flags (practice); the sixth choice is still "6".
            box = self.page.mark_box if self.exam else self.page.flag_box
            box.toggle()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_8:
            self.choose(key - Qt.Key.Key_1, toggle=True)
        elif len(text) == 1 and text in LETTERS:
            self.choose(LETTERS.index(text), toggle=True)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter()
        elif key == Qt.Key.Key_Space:
            self.choose(self.highlight, toggle=True)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_N):
            self.go(self.index + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_P):
            self.go(self.index - 1)
        elif key == Qt.Key.Key_Down:
            self.highlight = min(self.highlight + 1, len(self._item().order) - 1)
            self._paint_choices()
        elif key == Qt.Key.Key_Up:
            self.highlight = max(self.highlight - 1, 0)
            self._paint_choices()
        elif key == Qt.Key.Key_X:
            self.strike()

    # -- navigator and clock ---------------------------------------------------------------
    def _build_navigator(self) -> None:
        grid = self.page.navigator_grid
        while grid.count():
            child = grid.takeAt(0)
            if child is not None and child.widget() is not None:
                child.widget().deleteLater()  # type: ignore[union-attr]
        self.nav_buttons: list[QPushButton] = []
        assert self.attempt is not None
        for i, _ in enumerate(self.attempt.items):
            button = QPushButton(str(i + 1))
            button.setFixedSize(36, 28)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, n=i: self.go(n))
            grid.addWidget(button, i // 5, i % 5)
            self.nav_buttons.append(button)

    def _paint_navigator(self) -> None:
        if self.attempt is None or not hasattr(self, "nav_buttons"):
            return
        for item, button in zip(self.attempt.items, self.nav_buttons, strict=False):
            state = "answered" if item.answered else "unanswered"
            text = f"{item.position + 1}{'⚑' if item.marked else ''}"
            button.setText(text)
            button.setProperty("state", state)
            weight = "bold" if item.position == self.index else "normal"
            fill = "#8ab4f8" if item.answered else "transparent"
            border = "#f29900" if item.marked else "#888"
            button.setStyleSheet(f"background:{fill}; border:2px solid {border}; "
                                 f"font-weight:{weight};")
            button.setToolTip(f"Question {item.position + 1}: {state}"
                              f"{', marked for review' if item.marked else ''}")

    def _tick(self) -> None:
        attempt = self.attempt
        if attempt is None or attempt.time_limit_s is None:
            self.timer.stop()
            return
        view = self.service.view(attempt.id)
        remaining = view.remaining_s or 0.0
        self.page.clock_label.setText(f"⏱ {format_clock(remaining)}")
        if remaining <= 0:
            self.timer.stop()
            self.ctx.tasks.run(lambda: self.service.check_time(attempt.id),
                               on_done=self._after_timeout, on_error=self.show_error)
            return
        self._since_save += 1
        if self._since_save >= CLOCK_SAVE_EVERY_S:
            self._since_save = 0
            self.ctx.tasks.run(lambda: self.service.save_clock(attempt.id))

    def _after_timeout(self, results: Results | None) -> None:
        if results is not None:
            self.status("Time is up: your exam was submitted.", 10000)
            self._show_results(results)

    # -- finishing -------------------------------------------------------------------------
    def finish(self) -> None:
        """Ask before submitting (listing unanswered and marked questions)."""
        attempt = self.attempt
        if attempt is None:
            return
        self._reload_attempt()
        attempt = self.attempt
        assert attempt is not None
        unanswered = sum(1 for i in attempt.items if not i.answered)
        marked = sum(1 for i in attempt.items if i.marked)
        notes = []
        if unanswered:
            notes.append(f"{unanswered} unanswered (they score zero)")
        if marked:
            notes.append(f"{marked} marked for review")
        detail = f" You have {' and '.join(notes)}." if notes else ""
        if not self.confirm("Submit", f"Submit and see your results?{detail}"):
            return
        self._submit()

    def _submit(self) -> None:
        assert self.attempt is not None
        attempt_id = self.attempt.id
        self.timer.stop()
        self.ctx.tasks.run(lambda: self.service.submit(attempt_id), on_done=self._show_results,
                           on_error=self.show_error)

    def _build_results(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.results_view = QTextBrowser()
        self.results_view.setOpenLinks(False)
        layout.addWidget(self.results_view, 1)
        buttons = QHBoxLayout()
        self.review_missed_button = QPushButton("Review the ones I missed")
        self.review_missed_button.clicked.connect(
            lambda: self.start(QuizConfig(mode=QuizMode.MISSED, count=0)))
        self.back_to_builder = QPushButton("New quiz (Enter)")
        self.back_to_builder.clicked.connect(self.show_builder)
        self.back_to_builder.setDefault(True)
        buttons.addWidget(self.review_missed_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_to_builder)
        layout.addLayout(buttons)
        self.results_page = page
        self._stack.addWidget(page)

    def show_builder(self) -> None:
        """Back to the quiz builder."""
        self.attempt = None
        self.timer.stop()
        self._stack.setCurrentWidget(self.builder)
        self._refresh_now()

    def _open_history_item(self, item: QListWidgetItem) -> None:
        attempt_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.ctx.tasks.run(lambda: self.service.results(attempt_id),
                           on_done=self._show_results, on_error=self.show_error)

    def _show_results(self, results: Results) -> None:
        self.attempt = None
        self.timer.stop()
        self.results = results
        self.results_view.setHtml(results_html(results, dark=self.ctx.dark))
        self.review_missed_button.setEnabled(results.score < 1.0)
        self._stack.setCurrentWidget(self.results_page)
        self.back_to_builder.setFocus()
        self.ctx.bus.publish(Changes(quizzes=True))

    def about_to_close(self) -> None:
        """Save the exam clock so the exam resumes with the time it had."""
        if self.attempt is not None:
            self.timer.stop()
            self.service.pause(self.attempt.id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._stack.currentWidget() is self.results_page and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.show_builder()
            return
        super().keyPressEvent(event)


def results_html(results: Results, *, dark: bool) -> str:
    """The results page: score, verdict, topics, and every question reviewed."""
    attempt = results.attempt
    verdict = "right'>Passed" if results.passed else "wrong'>Not passed yet"
    minutes, seconds = divmod(int(attempt.elapsed_s), 60)
    timed_out = ""
    parts = [f"<style>{palette_css(dark)}</style>",
             f"<h2>{round(results.score * 100)}% — <span class='{verdict}</span></h2>",
             f"<p>{results.earned:g} of {results.total} points · pass mark "
             f"{round(attempt.pass_mark * 100)}% · time {minutes} min {seconds:02d} s"
             f"{timed_out} · {results.unanswered} unanswered</p>",
             "<h3>By topic</h3><table><tr><th>Topic</th><th>Score</th><th>Questions</th></tr>"]
    for topic in results.by_topic:
        parts.append(f"<tr><td>{html.escape(topic.title)}</td>"
                     f"<td>{round(topic.fraction * 100)}%</td><td>{topic.total}</td></tr>")
    parts.append("</table><h3>Every question</h3>")
    for item in attempt.items:
        q = item.question
        chosen = ", ".join(f"{LETTERS[item.order.index(i)]}. {html.escape(q.choices[i].text)}"
                           for i in sorted(item.selected or ())) or "— no answer —"
        right = ", ".join(f"{LETTERS[item.order.index(i)]}. {html.escape(q.choices[i].text)}"
                          for i in sorted(q.correct_indexes))
        mark = "<span class='right'>✔</span>" if item.correct else \
            "<span class='wrong'>✘</span>"
        parts.append(
            f"<p>{mark} <b>{item.position + 1}.</b> {inline_markdown(q.stem)}<br>"
            f"Your answer: {chosen}<br>Correct: {right}<br>"
            f"<span class='muted'>Time: {item.time_spent_s:.0f} s · Topic: {q.topic}</span>"
            f"</p><blockquote>{markdown_to_html(q.rationale)}"
            f"<span class='muted'>Source: {html.escape(q.source)}</span></blockquote>")
    return "".join(parts)
