"""The flashcard review screen's parts: the review page, the session tally and summary, the
exam dialog.

The flashcards view drives them; what they show was read on the DB lane.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.banks import review_note
from mht_desktop.core.cards import Outcomes, Rating, StudyCard, format_interval
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.services.text import inline_markdown, markdown_to_html
from mht_desktop.ui.rich_text import RichLabel, SafeTextBrowser, escape, plain_label
from mht_desktop.ui.theme import relative_font

RATING_LABELS = {Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good",
                 Rating.EASY: "Easy"}


@dataclass
class SessionStats:
    """What the end-of-session summary shows."""

    started: float = field(default_factory=time.monotonic)
    answered: int = 0
    again: int = 0

    @property
    def accuracy(self) -> float:
        """Share of answers that were not Again."""
        return 0.0 if self.answered == 0 else 1 - self.again / self.answered


class ReviewPage(QWidget):
    """Front, then back, then four answer buttons that show their next intervals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.deck_label = plain_label()
        self.deck_label.setWordWrap(True)
        self.counts_label = RichLabel()
        self.end_button = QPushButton("End session")
        top.addWidget(self.deck_label, 1)
        top.addStretch(1)
        top.addWidget(self.counts_label)
        top.addWidget(self.end_button)
        layout.addLayout(top)
        self.card_view = SafeTextBrowser()  # bank text: loads no resource
        self.card_view.setOpenLinks(False)
        self.card_view.setObjectName("cardView")
        layout.addWidget(self.card_view, 1)
        self.show_button = QPushButton("Show answer  (Space)")
        self.show_button.setMinimumHeight(40)
        layout.addWidget(self.show_button)
        self.answer_row = QWidget()
        row = QHBoxLayout(self.answer_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.rating_buttons: dict[Rating, QPushButton] = {}
        for rating in Rating:
            button = QPushButton(RATING_LABELS[rating])
            button.setMinimumHeight(48)
            self.rating_buttons[rating] = button
            row.addWidget(button)
        layout.addWidget(self.answer_row)
        tools = QHBoxLayout()
        self.bury_button = QPushButton("Bury (-)")
        self.suspend_button = QPushButton("Suspend (@)")
        self.flag_button = QPushButton("Flag (Ctrl+F)")
        self.undo_button = QPushButton("Undo (Ctrl+Z)")
        for b in (self.bury_button, self.suspend_button, self.flag_button, self.undo_button):
            b.setFlat(True)
            tools.addWidget(b)
        tools.addStretch(1)
        layout.addLayout(tools)


class SummaryPage(QWidget):
    """The end of a session: how many cards, how long, how many recalled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title_label = QLabel("Session complete")
        relative_font(self.title_label, 1.5, bold=True)
        self.text_label = plain_label()
        self.text_label.setWordWrap(True)
        for label in (self.title_label, self.text_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.back_button = QPushButton("Back to decks  (Enter)")
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_stats(self, stats: SessionStats) -> None:
        """Say how the session went (or that nothing was due)."""
        minutes, seconds = divmod(int(time.monotonic() - stats.started), 60)
        if stats.answered:
            self.title_label.setText("Session complete")
            self.text_label.setText(
                f"You answered {stats.answered} card(s) in {minutes} min {seconds:02d} s. "
                f"Recalled: {round(stats.accuracy * 100)}% (answers other than Again).")
        else:
            self.title_label.setText("Nothing due right now")
            self.text_label.setText("You are up to date with this deck. Come back later, "
                                    "or cram the deck to practise anyway.")


class ExamDateDialog(QDialog):
    """Set the exam date and the daily limits."""

    def __init__(self, settings: LearnerSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Exam date and daily limits")
        form = QFormLayout(self)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        today = QDate.currentDate()
        self.date_edit.setMinimumDate(today)
        if settings.exam_date is not None:
            d = settings.exam_date
            self.date_edit.setDate(QDate(d.year, d.month, d.day))
        else:
            self.date_edit.setDate(today.addDays(60))
        form.addRow("Exam date:", self.date_edit)
        self.new_spin = QSpinBox()
        self.new_spin.setRange(0, 9999)
        self.new_spin.setValue(settings.new_per_day)
        form.addRow("New cards per day:", self.new_spin)
        self.review_spin = QSpinBox()
        self.review_spin.setRange(0, 99999)
        self.review_spin.setValue(settings.reviews_per_day)
        form.addRow("Reviews per day:", self.review_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.clear_button = buttons.addButton("No exam date",
                                              QDialogButtonBox.ButtonRole.ResetRole)
        self.cleared = False
        self.clear_button.clicked.connect(self._clear)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _clear(self) -> None:
        self.cleared = True
        self.accept()


def card_html(card: StudyCard, css: str, *, back: bool, today: date | None = None) -> str:
    """A card's front (and, once revealed, its back, source and leech note) as HTML.

    With ``today`` given, a card past its review date carries a quiet "last checked" note.
    """
    base = QApplication.font().pointSizeF()  # follows View › Larger text
    css += (f" .front {{ font-size: {base * 1.6:.1f}pt; }}"
            f" .back {{ font-size: {base * 1.4:.1f}pt; }}")
    parts = [f"<html><head><style>{css}</style></head><body>",  # html-safe: our own CSS
             f"<div class='front'>{markdown_to_html(card.front)}</div>"]
    if back:
        parts.append("<hr>")
        parts.append(f"<div class='back'>{markdown_to_html(card.back)}</div>")
        if card.source:
            parts.append(f"<p class='muted'>Source: {inline_markdown(card.source)}</p>")
        if card.leech:
            parts.append("<p class='wrong'>Leech: this card keeps slipping. Consider "
                         "rewording it in your own notes.</p>")
    note = review_note(card.reviewed, card.review_due, today) if today is not None else None
    if note:  # past its review date: still shown, with a quiet word of caution
        parts.append(f"<p class='muted'><small>{escape(note)}</small></p>")
    parts.append("</body></html>")
    return "".join(parts)


def button_texts(outcomes: Outcomes | None) -> dict[Rating, str]:
    """The grade buttons' labels: name, the interval it gives (from ``outcomes``), key."""
    texts = {}
    for rating in Rating:
        hint = f"{format_interval(outcomes.interval(rating))} " if outcomes is not None else ""
        texts[rating] = f"{RATING_LABELS[rating]}\n{hint}({int(rating)})"
    return texts
