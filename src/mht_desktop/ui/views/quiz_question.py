"""The question screen of a quiz or exam: stem, choices, feedback and the navigator grid.

The widgets and how they are painted live here; what an answer does (committing it on the
DB lane, moving on) is the quiz view's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.banks import CHOICE_LETTERS, Question, QuestionType
from mht_desktop.services.quiz import ItemView
from mht_desktop.services.text import inline_markdown, markdown_to_html
from mht_desktop.ui.rich_text import RichLabel, SafeTextBrowser, escape, plain_label, tooltip
from mht_desktop.ui.theme import colours, relative_font
from mht_desktop.ui.widgets.flow_layout import flow_row

LETTERS = CHOICE_LETTERS
# The navigator's looks, chosen by each button's properties (see paint_navigator). Not by
# colour alone: unanswered is a dashed outline, answered a solid filled box, marked has ⚑.
NAVIGATOR_STYLE = """
QPushButton[nav="true"] { background: transparent; border: 2px dashed #888;
                          font-weight: normal; }
QPushButton[nav="true"][state="answered"] { background: #8ab4f8; border-style: solid; }
QPushButton[nav="true"][marked="true"] { border-color: #f29900; }
QPushButton[nav="true"][current="true"] { font-weight: bold; }
"""
# Navigator buttons made ahead of the first exam, five per event-loop turn while the learner
# is still choosing: made and styled at the exam's start, 100 of them held the window ~15 ms.
NAV_AHEAD = 100
NAV_SLICE = 5
PLAIN_LOOK = (False, False, False)  # (answered, marked, current) of a newly styled button


class QuestionPage(QWidget):
    """One question at a time, driven by mouse or keyboard alone."""

    # What a key asks for; the quiz view decides what it does with the attempt.
    choice_key = Signal(int)       # 1–9 or A–H: the choice shown at that place
    enter_pressed = Signal()
    space_pressed = Signal()       # toggle the highlighted choice
    step_requested = Signal(int)   # → / N: +1, ← / P: −1 (another question)
    highlight_step = Signal(int)   # ↓ +1, ↑ −1 (another choice)
    strike_pressed = Signal()      # X
    mark_pressed = Signal()        # F: mark for review (exam) or flag

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QHBoxLayout(self)
        main = QVBoxLayout()
        self.position_label = plain_label()
        self.position_label.setWordWrap(True)
        self.clock_label = plain_label()
        self.clock_label.setObjectName("examClock")
        relative_font(self.clock_label, 1.2, bold=True)
        self.mark_box = QCheckBox("Mark for review (F)")
        self.mark_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_box = QCheckBox("Flag question")
        self.flag_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_box.setToolTip("Keep it in your “flagged” pool to practise later.")
        # Rows that wrap instead of widening the page at 1024 px or with larger text.
        main.addWidget(self.position_label)
        main.addWidget(flow_row([self.clock_label, self.mark_box, self.flag_box]))
        self.clock_note = QLabel("The exam clock pauses whenever MHT Desktop is closed.")
        self.clock_note.setObjectName("clockNote")
        self.clock_note.setWordWrap(True)
        main.addWidget(self.clock_note)
        self.stem_view = SafeTextBrowser()
        self.stem_view.setOpenLinks(False)
        self.stem_view.setAccessibleName("Question")
        # As tall as the question (up to a limit, then it scrolls): a fixed tall box left a
        # short stem in a sea of white and pushed the choices to the bottom of the window.
        self.stem_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.stem_view.document().documentLayout().documentSizeChanged.connect(
            lambda _size: self._fit_stem())
        main.addWidget(self.stem_view)
        self.hint_label = plain_label()
        main.addWidget(self.hint_label)
        self.choices_box = QWidget()
        self.choices_layout = QVBoxLayout(self.choices_box)
        self.choices_layout.setContentsMargins(4, 4, 4, 4)
        main.addWidget(self.choices_box)
        self.feedback_view = SafeTextBrowser()
        self.feedback_view.setOpenLinks(False)
        self.feedback_view.setObjectName("feedback")
        self.feedback_view.setAccessibleName("Feedback")
        main.addWidget(self.feedback_view, 3)
        main.addStretch(1)  # with no feedback shown, the space stays below the choices
        self.prev_button = QPushButton("◀ Previous (P)")
        self.next_button = QPushButton("Next (N) ▶")
        self.submit_button = QPushButton("Submit answer (Enter)")
        self.submit_button.setDefault(True)
        self.finish_button = QPushButton("Finish…")
        for b in (self.prev_button, self.next_button, self.submit_button, self.finish_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        main.addWidget(flow_row([self.submit_button, self.prev_button, self.next_button,
                                 self.finish_button]))
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
        legend.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(nav_scroll, 1)
        side.addWidget(legend)
        self.side = QWidget()
        self.side.setLayout(side)
        outer.addWidget(self.side)
        self.choice_buttons: list[QAbstractButton] = []
        self.choice_notes: list[QLabel] = []  # each choice's feedback, shown after answering
        self.choice_texts: list[QLabel] = []  # each choice's words, beside its button
        self.choice_rows: list[QWidget] = []
        self.group = QButtonGroup(self)
        self.nav_buttons: list[QPushButton] = []  # this attempt's, in order
        self.nav_pool: list[QPushButton] = []     # every button made so far
        self._nav_looks: list[tuple[bool, bool, bool] | None] = []  # described, this attempt
        self._nav_styled: list[tuple[bool, bool, bool]] = []  # what each pool button's style shows
        self._go: Callable[[int], None] = lambda _n: None
        self.navigator.setStyleSheet(NAVIGATOR_STYLE)
        self._ahead = QTimer(self)
        self._ahead.setSingleShot(True)
        self._ahead.setInterval(0)
        self._ahead.timeout.connect(self._make_buttons_ahead)
        self._ahead.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text().upper()
        if key == Qt.Key.Key_F:  # the sixth choice is still "6"
            self.mark_pressed.emit()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.choice_key.emit(key - Qt.Key.Key_1)
        elif len(text) == 1 and text in LETTERS[:8]:  # I–Z would shadow N, P, X…
            self.choice_key.emit(LETTERS.index(text))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
        elif key == Qt.Key.Key_Space:
            self.space_pressed.emit()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_N, Qt.Key.Key_Left, Qt.Key.Key_P):
            self.step_requested.emit(1 if key in (Qt.Key.Key_Right, Qt.Key.Key_N) else -1)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.highlight_step.emit(1 if key == Qt.Key.Key_Down else -1)
        elif key == Qt.Key.Key_X:
            self.strike_pressed.emit()
        else:
            super().keyPressEvent(event)

    def _fit_stem(self) -> None:
        document = self.stem_view.document()
        frame = 2 * self.stem_view.frameWidth() + 8
        limit = max(self.fontMetrics().lineSpacing() * 10, 160)
        self.stem_view.setFixedHeight(min(int(document.size().height()) + frame, limit))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_stem()  # a narrower page wraps the stem onto more lines

    def show_question(self, question: Question, css: str, note: str | None) -> None:
        """The stem (with a quiet "last checked" note when past its review date) and hint."""
        css += f" body {{ font-size: {QApplication.font().pointSizeF() * 1.3:.1f}pt; }}"
        checked = f"<p class='muted'><small>{escape(note)}</small></p>" if note else ""
        # Our CSS, Markdown rendered with HTML escaped, and the note escaped above.
        self.stem_view.setHtml(
            f"<style>{css}</style>{markdown_to_html(question.stem)}{checked}")  # html-safe
        multiple = question.type is QuestionType.MULTIPLE
        self.hint_label.setText("Select all that apply (Space or 1–9 toggles), then Enter."
                                if multiple else "Choose one answer (1–9 or A–H).")

    # -- choices ---------------------------------------------------------------------------
    def build_choices(self, item: ItemView, choose: Callable[[int], None]) -> None:
        """One radio button (or checkbox, for select-all-that-apply) per choice."""
        for old in self.choice_buttons:
            self.group.removeButton(old)
        for widget in (*self.choice_rows, *self.choice_notes):
            widget.deleteLater()
        self.choice_buttons = []
        self.choice_texts = []
        self.choice_rows = []
        self.choice_notes = []
        multiple = item.question.type is QuestionType.MULTIPLE
        self.group.setExclusive(not multiple)
        for display, bank_index in enumerate(item.order):
            choice = item.question.choices[bank_index]
            label = f"{LETTERS[display]}.  {choice.text}"
            # The letter on the button, the choice's words in a label that wraps: a long
            # choice on one line made the page wider than the window.
            letter = f"{LETTERS[display]}."
            button: QAbstractButton = QCheckBox(letter) if multiple else QRadioButton(letter)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("display", display)
            button.clicked.connect(lambda _=False, d=display: choose(d))
            button.setAccessibleName(label)
            self.group.addButton(button)
            text = plain_label(choice.text)
            text.setWordWrap(True)
            text.installEventFilter(self)  # a click on the words picks the choice too
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            row_layout.addWidget(text, 1)
            self.choices_layout.addWidget(row)
            self.choice_buttons.append(button)
            self.choice_texts.append(text)
            self.choice_rows.append(row)
            note = RichLabel()
            note.setWordWrap(True)
            note.setObjectName("choiceFeedback")
            note.setContentsMargins(28, 0, 0, 6)  # indented under its choice
            note.hide()
            self.choices_layout.addWidget(note)
            self.choice_notes.append(note)

    def show_choice_feedback(self, item: ItemView, *, dark: bool = False) -> None:
        """After a tutor answer: beside each choice, whether it is right and why."""
        selected = item.selected or frozenset()
        for display, bank_index in enumerate(item.order):
            if display >= len(self.choice_notes):
                break
            self.choice_notes[display].setText(  # html-safe: built from escaped parts
                choice_note_html(item, bank_index, selected, dark=dark))
            self.choice_notes[display].show()

    def paint_choices(self, item: ItemView, pending: set[int], highlight: int, *,
                      locked: bool) -> None:
        """Ticks, strike-outs and the keyboard highlight (underlined)."""
        struck = {item.order.index(i) for i in item.struck}
        for display, button in enumerate(self.choice_buttons):
            button.blockSignals(True)
            button.setChecked(display in pending)
            button.blockSignals(False)
            font = QFont(button.font())
            font.setStrikeOut(display in struck)
            font.setUnderline(display == highlight and not locked)
            button.setFont(font)
            button.setEnabled(not locked)
            if display < len(self.choice_texts):
                self.choice_texts[display].setFont(font)
                self.choice_texts[display].setEnabled(not locked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and watched in self.choice_texts:
            button = self.choice_buttons[self.choice_texts.index(watched)]
            if button.isEnabled():
                button.click()
            return True
        return super().eventFilter(watched, event)

    # -- navigator -------------------------------------------------------------------------
    def _make_buttons_ahead(self) -> None:
        """A slice of navigator buttons for the first exam; then yield to the event loop."""
        for _ in range(min(NAV_SLICE, NAV_AHEAD - len(self.nav_pool))):
            self._add_nav_button().ensurePolished()
        if len(self.nav_pool) < NAV_AHEAD:
            self._ahead.start()

    def _add_nav_button(self) -> QPushButton:
        i = len(self.nav_pool)
        button = QPushButton(str(i + 1))
        button.setFixedSize(36, 28)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setProperty("nav", True)
        button.clicked.connect(lambda _=False, n=i: self._go(n))
        self.navigator_grid.addWidget(button, i // 5, i % 5)
        self.nav_pool.append(button)
        self._nav_styled.append(PLAIN_LOOK)
        return button

    def build_navigator(self, count: int, go: Callable[[int], None]) -> None:
        """A numbered button per question, five to a row.

        The buttons are made ahead (see :data:`NAV_AHEAD`) and reused by the next attempt,
        and their looks come from one style sheet on the navigator keyed by button
        properties, so a 100-question exam opens without making or styling 100 widgets.
        """
        self._go = go
        while len(self.nav_pool) < count:
            self._add_nav_button()
        self.nav_buttons = self.nav_pool[:count]
        self._nav_looks = [None] * count
        for i, button in enumerate(self.nav_pool):
            if button.isVisibleTo(self.navigator) != (i < count):
                button.setVisible(i < count)

    def paint_navigator(self, items: Iterable[ItemView], current: int) -> None:
        """Answered, unanswered and marked, with the current question in bold.

        Only the buttons whose look changed are described again, and only those whose style
        shows another look are restyled: after an answer that is the question answered and
        the one moved to; at the start of an exam, the current question alone.
        """
        for item, button in zip(items, self.nav_buttons, strict=False):
            look = (item.answered, item.marked, item.position == current)
            if self._nav_looks[item.position] == look:
                continue
            self._nav_looks[item.position] = look
            answered, marked, is_current = look
            state = "answered" if answered else "unanswered"
            button.setText(f"{item.position + 1}{'⚑' if marked else ''}")
            button.setProperty("state", state)
            button.setProperty("marked", marked)
            button.setProperty("current", is_current)
            described = (f"Question {item.position + 1}: {state}"
                         f"{', marked for review' if marked else ''}"
                         f"{', current' if is_current else ''}")
            button.setAccessibleName(described)
            button.setToolTip(tooltip(described))
            if self._nav_styled[item.position] != look:
                self._nav_styled[item.position] = look
                style = button.style()
                style.unpolish(button)  # properties feed the style sheet's selectors
                style.polish(button)


def choice_note_html(item: ItemView, bank_index: int, selected: frozenset[int], *,
                     dark: bool = False) -> str:
    """One choice's verdict and feedback, shown under it once the question is answered.

    Shape and words carry the meaning as well as colour: ✔ right, ✘ wrong, "your answer".
    """
    choice = item.question.choices[bank_index]
    picked = bank_index in selected
    c = colours(dark)  # the theme's right / wrong colours (contrast-checked in both themes)
    if choice.correct:
        head = (f"<b style='color:{c.right}'>✔ Correct answer</b>"  # html-safe: our colour
                + (" — your answer" if picked else " — you did not choose it"))
    elif picked:
        head = f"<b style='color:{c.wrong}'>✘ Your answer: not right</b>"  # html-safe
    else:
        head = "✘ Not right"
    why = f": {inline_markdown(choice.feedback)}" if choice.feedback else ""
    return f"{head}{why}"  # html-safe: our words, the feedback escaped by inline_markdown


def feedback_html(item: ItemView, css: str) -> str:
    """Tutor feedback: the verdict and why (each choice's own note sits under the choice)."""
    q = item.question
    selected = item.selected or frozenset()
    verdict = ("<p class='right'>Correct</p>" if item.correct
               else "<p class='wrong'>Not quite</p>")
    yours = ", ".join(f"{LETTERS[item.order.index(i)]}. {inline_markdown(q.choices[i].text)}"
                      for i in sorted(selected, key=item.order.index))  # html-safe
    chosen = f"<p>Your answer: {yours}</p>" if yours else ""  # html-safe: escaped above
    source = f"<p class='muted'>Source: {escape(q.source)}</p>" if q.source else ""
    return (f"<style>{css}</style>{verdict}{chosen}"  # html-safe: our CSS; escaped parts
            f"<h3>Why</h3>{markdown_to_html(q.rationale)}{source}")
