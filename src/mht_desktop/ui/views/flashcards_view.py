"""Flashcards: the deck list, the review screen, the session summary and cram mode."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QStackedLayout,
    QWidget,
)

from mht_desktop.core.cards import Deck, Flag, Outcomes, Rating, StudyCard, leech_message
from mht_desktop.core.changes import Changes
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.services.study import AnswerResult, DeckOverview, QueueState
from mht_desktop.ui.rich_text import show_message
from mht_desktop.ui.sections import BANKS
from mht_desktop.ui.theme import palette_css
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.views.flashcard_decks import DeckPage
from mht_desktop.ui.views.flashcard_review import (
    ExamDateDialog,
    ReviewPage,
    SessionStats,
    SummaryPage,
    button_texts,
    card_html,
)
from mht_desktop.ui.widgets.empty_state import EmptyState


@dataclass(frozen=True, slots=True)
class _Next:
    """What the lane reads for the next card."""

    card: StudyCard | None
    queue: QueueState
    outcomes: Outcomes | None
    undo_label: str | None


class FlashcardsView(SectionView):
    """Deck list → review session → summary; cram practice; the card browser."""

    title = "Flashcards"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.app.study(ctx.profile_id)
        self._stack = QStackedLayout(self)
        self.empty = EmptyState(
            "No flashcards yet",
            "Flashcards come from question banks. Open Question banks to import one, or "
            "tick a bank there to include it in study.", "Go to Question banks",
            self._go_to_banks)
        self._stack.addWidget(self.empty)
        self.decks = DeckPage()
        self._wire_decks()
        self._stack.addWidget(self.decks)
        self.review = ReviewPage()
        self._stack.addWidget(self.review)
        self.summary = SummaryPage()
        self.summary.back_button.clicked.connect(self.show_decks)
        self._stack.addWidget(self.summary)
        # The pages by the names the rest of the window (and the tests) use.
        self.deck_page, self.summary_page = self.decks, self.summary
        self.deck_tree = self.decks.tree
        self.study_all_button = self.decks.study_all_button
        self.summary_label = self.summary.text_label
        self._wire_review()
        self.card: StudyCard | None = None
        self.deck = Deck()
        self.revealed = False
        self.cram_queue: list[StudyCard] | None = None
        self.stats = SessionStats()
        self._shown_at = time.monotonic()
        self._busy = False
        self.outcomes: Outcomes | None = None
        self._settings = LearnerSettings()

    # -- wiring ----------------------------------------------------------------------------
    def _wire_decks(self) -> None:
        d = self.decks
        d.tree.itemDoubleClicked.connect(lambda *_: self.study_selected())
        for shortcut in d.start_keys:
            shortcut.activated.connect(self.study_selected)
        d.study_all_button.clicked.connect(lambda: self.start(Deck()))
        d.study_deck_button.clicked.connect(self.study_selected)
        d.cram_button.clicked.connect(self.cram_selected)
        d.browse_button.clicked.connect(self.open_browser)
        d.exam_button.clicked.connect(self.edit_exam_date)
        d.memory_button.clicked.connect(self.edit_memory_model)

    def _wire_review(self) -> None:
        r = self.review
        r.show_button.clicked.connect(self.reveal)
        r.end_button.clicked.connect(self.finish_session)
        for rating, button in r.rating_buttons.items():
            button.clicked.connect(lambda _=False, x=rating: self.answer(x))
        r.bury_button.clicked.connect(self.bury)
        r.suspend_button.clicked.connect(self.suspend)
        r.flag_button.clicked.connect(self.toggle_flag)
        r.undo_button.clicked.connect(self.undo)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        bindings: list[tuple[str, Callable[[], object]]] = [
            ("Space", self._on_space_or_enter), ("Return", self._on_space_or_enter),
            ("Enter", self._on_space_or_enter), ("-", self.bury), ("@", self.suspend),
            ("Ctrl+F", self.toggle_flag), ("Escape", self.finish_session)]
        bindings += [(str(int(rating)), partial(self.answer, rating)) for rating in Rating]
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), r, context=context)
            shortcut.activated.connect(slot)
        back = QShortcut(QKeySequence("Return"), self.summary_page, context=context)
        back.activated.connect(self.show_decks)

    # -- the deck list -------------------------------------------------------------------
    def set_profile(self, profile_id: int) -> None:
        self.service = self.ctx.app.study(profile_id)
        self.card = None
        super().set_profile(profile_id)

    def watches(self, changes: Changes) -> bool:
        # While a session runs, our own answers must not bounce us back to the deck list.
        return (changes.banks or changes.settings or changes.profiles) or (
            changes.cards and self._stack.currentWidget() is self.deck_page)

    def refresh(self) -> None:
        if self._stack.currentWidget() in (self.review, self.summary_page):
            return
        self.ctx.tasks.run(self.service.overview, on_done=self._show_overview,
                           on_error=self.show_error)

    def _show_overview(self, overview: DeckOverview) -> None:
        self._settings = self.decks.show_overview(overview)
        if self._stack.currentWidget() in (self.review, self.summary):
            return  # read before the session began: it must not pull the learner out of it
        has_cards = any(d.total for d in overview.decks)
        self._stack.setCurrentWidget(self.decks if has_cards else self.empty)
        if has_cards and self.isVisible():
            self.deck_tree.setFocus()  # so Enter starts studying right after Ctrl+2

    def _selected_deck(self) -> Deck:
        return self.decks.selected_deck()

    def study_selected(self) -> None:
        """Study the highlighted deck."""
        self.start(self._selected_deck())

    def cram_selected(self) -> None:
        """Cram the highlighted deck."""
        deck = self._selected_deck()
        self.ctx.tasks.run(lambda: self.service.cram_queue(deck), on_error=self.show_error,
                           on_done=lambda cards: self._start_cram(deck, cards))

    def show_decks(self) -> None:
        """Go back to the deck list."""
        self.card = None
        self.cram_queue = None
        self._stack.setCurrentWidget(self.deck_page)
        self._refresh_now()

    def _go_to_banks(self) -> None:
        self.ctx.nav.show_section(BANKS)

    def edit_exam_date(self) -> None:
        """Ask for the exam date and limits, then save them."""
        dialog = ExamDateDialog(self._settings, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        exam = None if dialog.cleared else dialog.date_edit.date().toPython()
        values = {"exam_date": exam, "new_per_day": dialog.new_spin.value(),
                  "reviews_per_day": dialog.review_spin.value()}

        profiles, profile_id, service = self.ctx.app.profiles, self.ctx.profile_id, self.service

        def save() -> Changes:
            _, changes = profiles.update_settings(profile_id, **values)
            service.reload()
            return changes

        self.ctx.tasks.run(save, on_done=self.ctx.bus.publish, on_error=self.show_error)

    def edit_memory_model(self) -> None:
        """Desired and true retention, and Optimize (the dialog works on the task runner)."""
        from mht_desktop.ui.memory_model_dialog import MemoryModelDialog

        MemoryModelDialog(self.ctx, self).exec()
        # New parameters or retention: the service's cached scheduler must be rebuilt (on
        # the lane, after the dialog's own writes there).
        self.ctx.tasks.run(self.service.reload, on_error=self.show_error)

    # -- the session ---------------------------------------------------------------------
    def start(self, deck: Deck) -> None:
        """Begin a review session on ``deck``."""
        self.deck = deck
        self.cram_queue = None
        self.stats = SessionStats()
        self.review.deck_label.setText(self._deck_title(deck))
        self._load_next(new_session=True)

    def _start_cram(self, deck: Deck, cards: list[StudyCard]) -> None:
        if not cards:
            show_message(self, "Cram", "This deck has no cards to practise.",
                         icon=QMessageBox.Icon.Information)
            return
        self.deck = deck
        self.cram_queue = list(cards)
        self.stats = SessionStats()
        self.review.deck_label.setText(f"Cram: {self._deck_title(deck)} — schedules are not "
                                       "changed")
        self._show_card(self.cram_queue[0], None)

    def _deck_title(self, deck: Deck) -> str:
        title = self.decks.selected_title()
        return title if deck.bank_id is not None and title else "All decks"

    def _load_next(self, *, new_session: bool = False) -> None:
        if self.cram_queue is not None:
            if self.cram_queue:
                self._show_card(self.cram_queue[0], None)
            else:
                self.finish_session()
            return
        deck = self.deck

        service = self.service

        def work() -> _Next:
            if new_session:
                service.undo_stack.clear()  # undo does not reach into earlier sessions
            card = service.next_card(deck)
            outcomes = service.outcomes(card) if card is not None else None
            return _Next(card, service.queue_state(deck), outcomes, service.undo_label)

        self._busy = True
        self.ctx.tasks.run(work, on_done=self._after_next, on_error=self._on_error)

    def _after_next(self, result: _Next) -> None:
        self._busy = False
        self.set_undo_label(result.undo_label)
        if result.card is None:
            self.finish_session()
            return
        self._show_card(result.card, result.queue, result.outcomes)

    def _show_card(self, card: StudyCard, queue: QueueState | None,
                   outcomes: Outcomes | None = None) -> None:
        self.card = card
        self.outcomes = outcomes
        self.revealed = False
        self._shown_at = time.monotonic()
        r = self.review
        if queue is not None:
            r.counts_label.setText(
                f"<span style='color:#1a73e8'>New {queue.new:d}</span> · "
                f"<span style='color:#d93025'>Learning {queue.learning:d}</span> · "
                f"<span style='color:#188038'>Due {queue.review:d}</span>")
        else:
            r.counts_label.setText(f"{len(self.cram_queue or [])} left")
        r.card_view.setHtml(card_html(card, palette_css(self.ctx.dark),  # html-safe: escaped
                                      back=False, today=self._today()))
        r.show_button.show()
        r.answer_row.hide()
        r.undo_button.setEnabled(self.undo_label is not None)
        r.flag_button.setText("Unflag (Ctrl+F)" if card.flag else "Flag (Ctrl+F)")
        for widget in (r.bury_button, r.suspend_button, r.flag_button, r.undo_button):
            widget.setVisible(self.cram_queue is None)
        self._stack.setCurrentWidget(r)
        r.setFocus()

    def _today(self) -> date:
        return self.ctx.app.clock.now().astimezone().date()

    def _on_space_or_enter(self) -> None:
        if self.revealed:
            self.answer(Rating.GOOD)
        else:
            self.reveal()

    def reveal(self) -> None:
        """Show the back and the answer buttons with their intervals."""
        if self.card is None or self.revealed:
            return
        self.revealed = True
        r = self.review
        r.card_view.setHtml(card_html(self.card, palette_css(self.ctx.dark),  # html-safe
                                      back=True, today=self._today()))
        r.show_button.hide()
        # The intervals were computed with the card, on the lane; answering commits them.
        texts = button_texts(self.outcomes if self.cram_queue is None else None)
        for rating, button in r.rating_buttons.items():
            button.setText(texts[rating])
        r.answer_row.show()
        r.rating_buttons[Rating.GOOD].setFocus()

    def answer(self, rating: Rating) -> None:
        """Grade the card shown (only once its answer is revealed)."""
        card = self.card
        if card is None or not self.revealed or self._busy:
            return
        self.stats.answered += 1
        self.stats.again += rating is Rating.AGAIN
        if self.cram_queue is not None:
            done = self.cram_queue.pop(0)
            if rating is Rating.AGAIN:
                self.cram_queue.append(done)  # see it again before the end
            self._load_next()
            return
        duration = int((time.monotonic() - self._shown_at) * 1000)
        self._busy = True
        self.card = None
        outcomes, service = self.outcomes, self.service
        self.ctx.tasks.run(lambda: service.answer(card, rating, outcomes=outcomes,
                                                  duration_ms=duration),
                           on_done=self._after_answer,
                           on_error=lambda exc: self._answer_not_saved(card, rating, exc))

    def _answer_not_saved(self, card: StudyCard, rating: Rating, exc: BaseException) -> None:
        # The card stays on screen, answer showing, so the learner can simply answer again.
        self.card = card
        self.stats.answered -= 1
        self.stats.again -= rating is Rating.AGAIN
        self.review.show_button.hide()
        self.review.answer_row.show()
        self.status("Your answer was not saved. Answer the card again to retry.", 30000)
        self._on_error(exc)

    def _after_answer(self, result: AnswerResult) -> None:
        self._busy = False
        self.ctx.bus.publish(result.changes)
        if result.became_leech:
            self.status(leech_message(result.leech_threshold), 12000)
        self._load_next()

    def _on_error(self, exc: BaseException) -> None:
        self._busy = False
        self.show_error(exc)

    def bury(self) -> None:
        """Hide this card until tomorrow."""
        self._card_action(lambda c: self.service.bury(c.card_id), "Buried until tomorrow.")

    def suspend(self) -> None:
        """Take this card out of study."""
        self._card_action(lambda c: self.service.set_suspended(c.card_id, True),
                          "Suspended. Unsuspend it in the card browser.")

    def toggle_flag(self) -> None:
        """Flag or unflag this card."""
        card = self.card
        if card is None or self.cram_queue is not None:
            return
        flag = Flag.NONE if card.flag else Flag.RED
        service = self.service

        def work() -> tuple[StudyCard, Changes, str | None]:
            changes = service.set_flag(card.card_id, flag)
            return service.card(card.card_id), changes, service.undo_label

        self.ctx.tasks.run(work, on_error=self.show_error, on_done=self._after_flag)

    def _after_flag(self, result: tuple[StudyCard, Changes, str | None]) -> None:
        card, changes, label = result
        self.set_undo_label(label)
        if self.card is not None and self.card.card_id == card.card_id:
            self.card = card
        self.review.flag_button.setText("Unflag (Ctrl+F)" if card.flag else "Flag (Ctrl+F)")
        self.review.undo_button.setEnabled(self.undo_label is not None)
        self.status("Flagged." if card.flag else "Flag removed.", 3000)
        self.ctx.bus.publish(changes, initiator=self)

    def _card_action(self, action: Callable[[StudyCard], Changes], message: str) -> None:
        card = self.card
        if card is None or self.cram_queue is not None or self._busy:
            return
        self.card = None

        def done(changes: Changes) -> None:
            self.status(message, 4000)
            self.ctx.bus.publish(changes)
            self._load_next()

        self.ctx.tasks.run(lambda: action(card), on_done=done, on_error=self._on_error)

    def undo(self) -> None:
        """Undo the last answer or card action and show that card again."""
        if self._stack.currentWidget() is not self.review or self.cram_queue is not None:
            return
        if self.undo_label is None:
            self.status("Nothing to undo.", 3000)
            return
        label = self.undo_label
        service, deck = self.service, self.deck

        def work() -> tuple[StudyCard | None, Changes, QueueState, Outcomes | None, str | None]:
            card_id, changes = service.undo()
            card = service.card(card_id) if card_id is not None else None
            outcomes = service.outcomes(card) if card is not None else None
            return card, changes, service.queue_state(deck), outcomes, service.undo_label

        def done(result: tuple[StudyCard | None, Changes, QueueState, Outcomes | None,
                               str | None]) -> None:
            card, changes, queue, outcomes, next_label = result
            self.set_undo_label(next_label)
            self.ctx.bus.publish(changes)
            if self.stats.answered and label == "Undo answer":
                self.stats.answered -= 1
            self.status(f"{label.replace('Undo ', '').capitalize()} undone.", 3000)
            if card is not None:
                self._show_card(card, queue, outcomes)

        self.ctx.tasks.run(work, on_done=done, on_error=self._on_error)

    def finish_session(self) -> None:
        """Show the end-of-session summary."""
        self.summary.show_stats(self.stats)
        self.card = None
        self.cram_queue = None
        self._stack.setCurrentWidget(self.summary_page)
        self.summary.back_button.setFocus()

    # -- browser -------------------------------------------------------------------------
    def open_browser(self) -> None:
        """Open the card browser."""
        from mht_desktop.ui.views.card_browser import CardBrowser

        browser = CardBrowser(self.ctx, self.service, self)
        browser.exec()
        self.mark_stale()

    def about_to_close(self) -> None:
        """Nothing to save: every answer is already committed."""
