"""The drill screen: the person's words, an escalation meter, choices 1–4, a timer, the debrief.

Why it looks like this: on the unit a technician reads the person, picks a response and sees
what it does, often under time pressure. So the person's words and behaviour sit at the top,
the escalation meter names the level in words and marks it by position (never by colour
alone), the choices are numbered buttons that the keys 1–4 press (their text wraps), and an
optional timer makes hesitation count; who the person is and what happened sit below, read
once. "When to call for help" is always on screen. Every choice is stored
on the database lane as it is made.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.practice.drills import Debrief, EndingKind, Level, Rating, Scenario
from mht_desktop.services.practice import DrillState
from mht_desktop.ui.rich_text import SafeTextBrowser, escape, plain_label, tooltip
from mht_desktop.ui.views.base import ViewContext
from mht_desktop.ui.widgets.wrap_button import WrappingButton

MAX_CHOICES = 4
DEFAULT_SECONDS = 20
_METER_LEVELS = (Level.CALM, Level.ANXIOUS, Level.DEFENSIVE, Level.ACTING_OUT,
                 Level.TENSION_REDUCTION)
_RATING_WORDS = {Rating.BEST: "Best choice", Rating.OK: "Acceptable", Rating.POOR: "Poor choice"}


def _plain(text: str = "") -> QLabel:
    """A word-wrapping label that shows file text as typed."""
    label = plain_label(text)
    label.setWordWrap(True)
    return label


class EscalationMeter(QFrame):
    """Five labelled steps; the current one is marked with an arrow, bold text and a frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.cells: dict[Level, QLabel] = {}
        for level in _METER_LEVELS:
            cell = plain_label(level.label)
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setFrameShape(QFrame.Shape.StyledPanel)
            cell.setWordWrap(True)  # "Tension reduction" takes two lines on a narrow screen
            layout.addWidget(cell, 1)
            self.cells[level] = cell
        self.level: Level | None = None

    def set_level(self, level: Level) -> None:
        """Mark ``level`` (text, arrow and weight; the colour only repeats it)."""
        self.level = level
        for each, cell in self.cells.items():
            current = each is level
            cell.setText(f"▶ {each.label}" if current else each.label)
            font = cell.font()
            font.setBold(current)
            cell.setFont(font)
            cell.setFrameShadow(QFrame.Shadow.Sunken if current else QFrame.Shadow.Plain)
            cell.setLineWidth(3 if current else 1)
            cell.setAutoFillBackground(current)
            cell.setBackgroundRole(cell.backgroundRole().Highlight if current
                                   else cell.backgroundRole().Window)
            cell.setForegroundRole(cell.foregroundRole().HighlightedText if current
                                   else cell.foregroundRole().WindowText)
        position = _METER_LEVELS.index(level) + 1
        text = f"Escalation: {level.label}, step {position} of {len(_METER_LEVELS)}"
        self.setAccessibleName(text)
        self.setToolTip(tooltip(f"{text}. {level.approach}"))


class DrillPanel(QWidget):
    """Plays one scenario; keys 1–4 choose."""

    finished = Signal(object)  # the Debrief

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state: DrillState | None = None
        self._waiting = False
        self._elapsed = 0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick_timeout)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        outer = QVBoxLayout(self)
        self.title_label = _plain()
        outer.addWidget(self.title_label)
        help_box = QGroupBox("When to call for help")
        help_layout = QVBoxLayout(help_box)
        self.help_label = _plain()
        help_layout.addWidget(self.help_label)
        outer.addWidget(help_box)

        self.pages = QStackedLayout()
        outer.addLayout(self.pages, 1)
        self.pages.addWidget(self._build_play_page())
        self.debrief_view = SafeTextBrowser()  # instructor files: loads no resource
        self.debrief_view.setAccessibleName("Debrief: your path against the best path")
        debrief_page = QWidget()
        debrief_layout = QVBoxLayout(debrief_page)
        debrief_layout.addWidget(self.debrief_view, 1)
        again = QHBoxLayout()
        self.again_button = QPushButton("Play this drill again")
        self.again_button.setAccessibleName("Play this drill again")
        self.again_button.clicked.connect(self.restart)
        again.addWidget(self.again_button)
        again.addStretch(1)
        debrief_layout.addLayout(again)
        self.pages.addWidget(debrief_page)

    def _build_play_page(self) -> QWidget:
        # The play page scrolls: with large text on a small screen the person's words and four
        # wrapped choices can need more height than there is, and squeezing them would cut
        # the choices short. The help box above stays on screen.
        page = QWidget()
        layout = QVBoxLayout(page)
        self.meter = EscalationMeter()
        layout.addWidget(self.meter)
        self.approach_label = _plain()
        self.approach_label.setEnabled(False)  # muted
        layout.addWidget(self.approach_label)
        self.says_label = _plain()
        self.says_label.setAccessibleName("What the person says")
        layout.addWidget(self.says_label)
        self.does_label = _plain()
        self.does_label.setAccessibleName("What the person does")
        layout.addWidget(self.does_label)
        self.feedback_label = _plain()
        self.feedback_label.setAccessibleName("Feedback on your last choice")
        self.feedback_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.feedback_label.setVisible(False)
        layout.addWidget(self.feedback_label)
        # Choices are long sentences: they wrap inside the button instead of widening it.
        self.choice_buttons: list[WrappingButton] = []
        for i in range(MAX_CHOICES):
            button = WrappingButton()
            button.clicked.connect(lambda _=False, n=i: self.choose(n))
            layout.addWidget(button)
            self.choice_buttons.append(button)
        timer_row = QHBoxLayout()
        self.timer_box = QCheckBox("Respond within")
        self.timer_box.setAccessibleName("Timer: respond within a number of seconds")
        self.timer_box.toggled.connect(self._on_timer_box_toggled)
        self.seconds_box = QSpinBox()
        self.seconds_box.setRange(5, 120)
        self.seconds_box.setValue(DEFAULT_SECONDS)
        self.seconds_box.setSuffix(" s")
        self.seconds_box.setAccessibleName("Seconds allowed for each choice")
        self.countdown_label = _plain()
        self.countdown_label.setAccessibleName("Time left")
        timer_row.addWidget(self.timer_box)
        timer_row.addWidget(self.seconds_box)
        timer_row.addWidget(self.countdown_label, 1)
        layout.addLayout(timer_row)
        hint = _plain("Press 1–4 to choose. With the timer on, no answer in time counts "
                      "as hesitating.")
        hint.setEnabled(False)
        layout.addWidget(hint)
        # Who the person is and what happened: read once, so below the moment that changes
        # (on a small screen the words, the meter and the choices come first).
        context = QGroupBox("Who and where")
        context_layout = QVBoxLayout(context)
        self.person_label = _plain()
        self.person_label.setAccessibleName("Who and where")
        context_layout.addWidget(self.person_label)
        layout.addWidget(context)
        layout.addStretch(1)
        self._emphasise()
        self.play_scroll = QScrollArea()
        self.play_scroll.setWidgetResizable(True)
        self.play_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.play_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1–4 stay the panel's
        self.play_scroll.setWidget(page)
        return self.play_scroll

    # -- playing ---------------------------------------------------------------------------
    def open(self, scenario: Scenario) -> None:
        """Start a new run of ``scenario``."""
        self.title_label.setText(scenario.title)
        self.person_label.setText(f"{scenario.setting.label}. {scenario.person}\n\n"
                                  f"{scenario.situation}")
        self.help_label.setText(scenario.call_for_help)
        self._start(scenario.id)

    def restart(self) -> None:
        """Play the same scenario again."""
        if self.state is not None:
            self._start(self.state.scenario.id)

    def _start(self, scenario_id: str) -> None:
        service = self.ctx.app.practice(self.ctx.profile_id)
        self._waiting = True
        self.ctx.tasks.run(lambda: service.start_drill(scenario_id), on_done=self._on_step,
                           on_error=self._on_error)

    def _on_error(self, exc: BaseException) -> None:
        self._waiting = False
        from mht_desktop.ui.views.base import SectionView

        parent = self.parent()
        while parent is not None and not isinstance(parent, SectionView):
            parent = parent.parent()
        if isinstance(parent, SectionView):
            parent.show_error(exc)
        else:  # pragma: no cover - the panel always lives in the practice section
            raise exc

    def _on_step(self, result: tuple[DrillState, Changes]) -> None:
        state, changes = result
        self._waiting = False
        self.state = state
        self.ctx.bus.publish(changes)
        if state.debrief is not None:
            self._stop_timer()
            self._show_debrief(state.debrief)
            self.finished.emit(state.debrief)
            return
        self.pages.setCurrentIndex(0)
        self.play_scroll.verticalScrollBar().setValue(0)
        node = state.node
        self.meter.set_level(node.level)
        self.approach_label.setText(f"Approach at this level: {node.level.approach}")
        self.says_label.setText(f"“{node.says}”" if node.says else "")
        self.does_label.setText(node.does)
        if state.last_feedback is not None and state.steps:
            last = state.steps[-1]
            chosen = state.scenario.node(last.node_id).choices[last.choice_index]
            timed = "Time ran out — " if last.timed_out else ""
            self.feedback_label.setText(f"{timed}{_RATING_WORDS[chosen.rating]}: "
                                        f"{chosen.technique}. {chosen.feedback} "
                                        f"[{chosen.source}]")
            self.feedback_label.setVisible(True)
        else:
            self.feedback_label.setVisible(False)
        for i, button in enumerate(self.choice_buttons):
            if i < len(node.choices):
                text = f"{i + 1}. {node.choices[i].text}"
                button.setText(text)
                button.setAccessibleName(f"Choice {i + 1}: {node.choices[i].text}")
                button.setVisible(True)
            else:
                button.setVisible(False)
        self._restart_timer()
        self.setFocus()

    def choose(self, index: int, *, timed_out: bool = False) -> None:
        """Take choice ``index`` (0-based) at the node on screen."""
        state = self.state
        if state is None or state.debrief is not None or self._waiting:
            return
        if not timed_out and not 0 <= index < len(state.node.choices):
            return
        service = self.ctx.app.practice(self.ctx.profile_id)
        seconds = float(self._elapsed) if self.timer_box.isChecked() else None
        node_id, attempt = state.node.id, state.attempt_id
        self._waiting = True
        self._stop_timer()
        self.ctx.tasks.run(lambda: service.choose(attempt, node_id, index, seconds=seconds,
                                                  timed_out=timed_out),
                           on_done=self._on_step, on_error=self._on_error)

    def _emphasise(self) -> None:
        # Sized from the panel's own font each time it changes, so View › Larger text grows
        # the title and the person's words with everything else (a font set once would not).
        for label, scale, bold in ((self.title_label, 1.3, True), (self.says_label, 1.15, False)):
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * scale)
            font.setBold(bold)
            label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._emphasise()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_4 and self.pages.currentIndex() == 0:
            self.choose(key - Qt.Key.Key_1)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and self.pages.currentIndex() == 0:
            bar = self.play_scroll.verticalScrollBar()
            step = bar.pageStep() if key == Qt.Key.Key_PageDown else -bar.pageStep()
            bar.setValue(bar.value() + step)
            return
        super().keyPressEvent(event)

    # -- the timer -------------------------------------------------------------------------
    def _on_timer_box_toggled(self, on: bool) -> None:
        if on:
            self._restart_timer()
        else:
            self._stop_timer()

    def _restart_timer(self) -> None:
        self._elapsed = 0
        if self.timer_box.isChecked() and self.state is not None and self.state.debrief is None:
            self.countdown_label.setText(f"{self.seconds_box.value()} s left")
            self._tick.start()
        else:
            self.countdown_label.setText("")

    def _stop_timer(self) -> None:
        self._tick.stop()
        self.countdown_label.setText("")

    def _on_tick_timeout(self) -> None:
        self._elapsed += 1
        left = self.seconds_box.value() - self._elapsed
        if left > 0:
            self.countdown_label.setText(f"{left} s left")
            return
        self.choose(0, timed_out=True)

    # -- the debrief -----------------------------------------------------------------------
    def _show_debrief(self, d: Debrief) -> None:
        self.pages.setCurrentIndex(1)
        self.debrief_view.setHtml(debrief_html(d))  # html-safe: debrief_html escapes
        self.again_button.setFocus()


def debrief_html(d: Debrief) -> str:
    """The debrief as HTML (every piece of file text escaped)."""
    e = d.ending
    verdict = {Rating.BEST: "the best outcome", Rating.OK: "a safe but not ideal outcome",
               Rating.POOR: "a poor outcome"}[e.rating]
    parts = [f"<h2>{escape(e.kind.label)} — {escape(verdict)}</h2><p>{escape(e.summary)}</p>"]
    if e.kind is EndingKind.RESTRAINT and e.requirements:
        parts.append("<h3>What the rules now require</h3><ul>"
                     + "".join(f"<li>{escape(r)}</li>" for r in e.requirements) + "</ul>")
    parts.append(f"<p><b>{round(d.score * 100)}%</b> of your choices were the best one "
                 f"({sum(line.was_best for line in d.lines)} of {len(d.lines)}).")
    if d.hands_on_early:
        parts.append(" You went hands-on before the person was a danger to anyone: that is "
                     "never the right call.")
    if not d.called_help:
        parts.append(" You never called the nurse or the team.")
    parts.append("</p><h3>Your path</h3><ol>")
    for line in d.lines:
        mark = "✓ best" if line.was_best else f"✗ {_RATING_WORDS[line.chosen.rating].lower()}"
        timed = " (time ran out)" if line.timed_out else ""
        parts.append(f"<li><i>{escape(line.node.level.label)}:</i> “{escape(line.node.says)}”"
                     f"<br><b>You:</b> {escape(line.chosen.text)}{escape(timed)} — "
                     f"<b>{escape(mark)}</b>. "
                     f"{escape(line.chosen.technique)}. {escape(line.chosen.feedback)} "
                     f"<span class='muted'>[{escape(line.chosen.source)}]</span>")
        if not line.was_best and line.best is not None:
            parts.append(f"<br><b>Best here:</b> {escape(line.best.text)} — "
                         f"{escape(line.best.technique)}.")
        parts.append("</li>")
    parts.append("</ol><h3>The best path</h3><ol>")
    for line in d.best:
        parts.append(f"<li><i>{escape(line.node.level.label)}:</i> {escape(line.chosen.text)}"
                     f" — {escape(line.chosen.technique)} "
                     f"<span class='muted'>[{escape(line.chosen.source)}]</span></li>")
    parts.append("</ol><p class='muted'>Sources: "
                 + escape("; ".join(d.scenario.sources)) + "</p>")
    return "".join(parts)
