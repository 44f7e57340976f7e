"""Quiz: build a quiz, take it (tutor or timed exam), see the results; resume an exam.

The pages are their own modules: :mod:`.quiz_builder`, :mod:`.quiz_question` (the question
screen and its navigator), :mod:`.quiz_results`, and :mod:`.exam_clock` (the exam timer).
This view holds the attempt being taken and runs every service call on the DB lane.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QStackedLayout, QWidget

from mht_desktop.core.banks import QuestionType, review_note
from mht_desktop.core.changes import Changes
from mht_desktop.core.quiz import QuizMode, format_clock
from mht_desktop.services.quiz import (
    AnswerFeedback,
    AttemptSummary,
    AttemptView,
    ClockSave,
    ItemUpdate,
    ItemView,
    QuizConfig,
    Results,
)
from mht_desktop.ui.sections import QUIZ, Navigation
from mht_desktop.ui.theme import palette_css
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.views.exam_clock import ExamClock
from mht_desktop.ui.views.quiz_builder import Blueprints, QuizBuilder, Topics
from mht_desktop.ui.views.quiz_question import QuestionPage, feedback_html
from mht_desktop.ui.views.quiz_results import ResultsPage


def start_quiz(nav: Navigation, config: QuizConfig) -> bool:
    """Go to the Quiz section and start ``config`` there (False when the window has no data).

    How other sections (the guide, Progress) send the learner to practise.
    """
    view = nav.show_section(QUIZ)
    if not isinstance(view, QuizView):
        return False
    view.start(config)
    return True


class QuizView(SectionView):
    """Build a quiz, take it, see results; resume an interrupted exam."""

    title = "Quiz"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.app.quiz(ctx.profile_id)
        self._stack = QStackedLayout(self)
        self.builder = QuizBuilder(self.service.blueprint)
        self.builder.start_requested.connect(self.start)
        self.builder.resume_requested.connect(self.resume)
        self.builder.abandon_requested.connect(self.abandon)
        self.builder.history_opened.connect(self.open_results)
        self._stack.addWidget(self.builder)
        self.page = QuestionPage()
        self._stack.addWidget(self.page)
        self.results_page = ResultsPage()
        self.results_page.review_missed_button.clicked.connect(
            lambda: self.start(QuizConfig(mode=QuizMode.MISSED, count=0)))
        self.results_page.back_to_builder.clicked.connect(self.show_builder)
        self._stack.addWidget(self.results_page)
        self._wire_page()
        self.attempt: AttemptView | None = None
        self.index = 0
        self.highlight = 0
        self.pending: set[int] = set()      # display indexes chosen, not yet submitted
        self.feedback: AnswerFeedback | None = None
        self._shown_at = time.monotonic()
        self.clock = ExamClock(self)
        self.clock.ticked.connect(self._show_clock)
        self.clock.save_due.connect(self._save_clock)
        self.clock.expired.connect(self._on_time_up)

    def watches(self, changes: Changes) -> bool:
        return changes.banks or changes.quizzes or changes.profiles or changes.settings

    def set_profile(self, profile_id: int) -> None:
        if self.attempt is not None:
            self._pause()
        self.attempt = None
        self.service = self.ctx.app.quiz(profile_id)
        self._stack.setCurrentWidget(self.builder)
        super().set_profile(profile_id)

    # -- builder ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._stack.currentWidget() is not self.builder:
            return
        service = self.service

        def load() -> tuple[Blueprints, Topics, list[AttemptSummary], AttemptSummary | None]:
            return (service.blueprints(), service.topics(), service.history(),
                    service.resumable())

        self.ctx.tasks.run(load, on_done=lambda data: self.builder.show_data(*data),
                           on_error=self.show_error)

    def start_from_builder(self) -> None:
        """Start a quiz from the builder's choices."""
        self.start(self.builder.config())

    def start(self, config: QuizConfig) -> None:
        """Build and begin a quiz."""
        self.ctx.tasks.run(lambda: self.service.start(config), on_done=self._begin,
                           on_error=self.show_error)

    def resume(self, attempt_id: int) -> None:
        """Continue an unfinished attempt."""
        self.ctx.tasks.run(lambda: self.service.resume(attempt_id), on_done=self._begin,
                           on_error=self.show_error)

    def abandon(self, attempt_id: int) -> None:
        """Give up an unfinished attempt after confirmation."""
        pending = self.builder.pending
        what = "exam" if pending is not None and pending.mode is QuizMode.EXAM else "quiz"
        if not self.ctx.dialogs.confirm(
                self, f"Abandon {what}", f"Abandon the unfinished {what}? Its answers stay in "
                "your history but it will not be scored."):
            return
        self.ctx.tasks.run(lambda: self.service.abandon(attempt_id),
                           on_done=self.ctx.bus.publish, on_error=self.show_error)

    # -- taking the quiz -------------------------------------------------------------------
    def _wire_page(self) -> None:
        p = self.page
        p.choice_key.connect(lambda display: self.choose(display, toggle=True))
        p.space_pressed.connect(lambda: self.choose(self.highlight, toggle=True))
        p.enter_pressed.connect(self.enter)
        p.step_requested.connect(lambda step: self.go(self.index + step))
        p.highlight_step.connect(self._step_highlight)
        p.strike_pressed.connect(self.strike)
        p.mark_pressed.connect(self._toggle_mark)
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
        self.page.build_navigator(len(attempt.items), self.go)
        self._stack.setCurrentWidget(self.page)
        self._show_item()
        if attempt.remaining_s is not None:
            self.clock.start(attempt.remaining_s)

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
        p.show_question(q, palette_css(self.ctx.dark),
                        review_note(q.reviewed, q.review_due,
                                    self.ctx.app.clock.now().astimezone().date()))
        p.build_choices(item, lambda d: self.choose(d, toggle=True))
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
        self.page.paint_navigator(self.attempt.items if self.attempt else (), self.index)
        p.setFocus()

    def _paint_choices(self) -> None:
        item = self._item()
        locked = self.feedback is not None or (not self.exam and item.answered)
        self.page.paint_choices(item, self.pending, self.highlight, locked=locked)

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

        shown = self._item()

        def done(feedback: AnswerFeedback) -> None:
            if feedback.item is not None:
                self._update_item(feedback.item)
            else:  # kept in the server's offline outbox: scored from what is on screen
                self._update_item(replace(shown, selected=selected, score=feedback.score,
                                          correct=feedback.correct))
            if feedback.added is not None and self.attempt is not None:
                self.attempt = replace(self.attempt, items=(*self.attempt.items, feedback.added))
            self.ctx.bus.publish(feedback.changes, initiator=self)
            if show_feedback:
                self.feedback = feedback
                self._show_feedback(self._item())
                self._paint_choices()
                self.page.submit_button.setText("Next (Enter)")
                if feedback.done:
                    self.page.submit_button.setText("Finish (Enter)")
            else:
                self.page.paint_navigator(self.attempt.items if self.attempt else (), self.index)

        def not_saved(exc: BaseException) -> None:
            # The choice stays selected and the question unanswered: submitting again retries.
            self.status(f"Your answer to question {position + 1} was not saved. Submit it "
                        "again to retry.", 30000)
            self.show_error(exc)

        self.ctx.tasks.run(lambda: self.service.answer(attempt_id, position, selected,
                                                       time_spent_s=spent),
                           on_done=done, on_error=not_saved)

    def _update_item(self, item: ItemView) -> None:
        """Take over one question as the service returned it (no reload of the attempt)."""
        attempt = self.attempt
        if attempt is None or not 0 <= item.position < len(attempt.items):
            return
        items = list(attempt.items)
        items[item.position] = item
        self.attempt = replace(attempt, items=tuple(items))

    def _apply_update(self, update: ItemUpdate) -> None:
        self._update_item(update.item)
        self.ctx.bus.publish(update.changes, initiator=self)

    def _show_feedback(self, item: ItemView) -> None:
        self.page.feedback_view.setHtml(  # html-safe: escaped by feedback_html
            feedback_html(item, palette_css(self.ctx.dark)))
        self.page.feedback_view.setVisible(True)
        self.page.show_choice_feedback(item, dark=self.ctx.dark)

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
        attempt_id, service = attempt.id, self.service
        self.ctx.tasks.run(lambda: service.go_to(attempt_id, index), on_error=self.show_error)
        self._show_item()

    def _on_mark_toggled(self, checked: bool) -> None:
        if self.attempt is None:
            return
        attempt_id, position = self.attempt.id, self.index

        def done(update: ItemUpdate) -> None:
            self._apply_update(update)
            self.page.paint_navigator(self.attempt.items if self.attempt else (), self.index)

        self.ctx.tasks.run(lambda: self.service.set_marked(attempt_id, position, checked),
                           on_done=done, on_error=self.show_error)

    def _on_flag_toggled(self, checked: bool) -> None:
        if self.attempt is None:
            return
        item = self._item()

        def done(changes: Changes) -> None:
            self._update_item(replace(item, flagged=checked))
            self.ctx.bus.publish(changes, initiator=self)

        self.ctx.tasks.run(lambda: self.service.toggle_flag(item.question_id, checked),
                           on_done=done, on_error=self.show_error)

    def strike(self) -> None:
        """Strike out (or restore) the highlighted choice."""
        if self.attempt is None:
            return
        item = self._item()
        bank_index = item.order[self.highlight]
        struck = set(item.struck) ^ {bank_index}
        attempt_id, position = self.attempt.id, self.index

        def done(update: ItemUpdate) -> None:
            self._apply_update(update)
            self._paint_choices()

        self.ctx.tasks.run(lambda: self.service.set_struck(attempt_id, position,
                                                           frozenset(struck)),
                           on_done=done, on_error=self.show_error)

    def _step_highlight(self, step: int) -> None:
        self.highlight = max(0, min(self.highlight + step, len(self._item().order) - 1))
        self._paint_choices()

    def _toggle_mark(self) -> None:
        # F marks for review in an exam and flags the question in practice.
        (self.page.mark_box if self.exam else self.page.flag_box).toggle()

    # -- the exam clock --------------------------------------------------------------------
    def _show_clock(self, remaining: float) -> None:
        # Words, not a stopwatch glyph: common fonts (DejaVu Sans) lack U+23F1 and drew a box.
        self.page.clock_label.setText(f"Time left {format_clock(remaining)}")

    def _save_clock(self) -> None:
        if self.attempt is None:
            return
        attempt_id, service = self.attempt.id, self.service
        self.ctx.tasks.run(lambda: service.save_clock(attempt_id),
                           on_done=lambda saved: self.clock.reconcile(saved.remaining_s),
                           on_error=self.show_error)

    def _on_time_up(self) -> None:
        if self.attempt is None:
            return
        attempt_id, service = self.attempt.id, self.service
        self.ctx.tasks.run(lambda: service.check_time(attempt_id),
                           on_done=self._after_timeout, on_error=self.show_error)

    def _after_timeout(self, results: Results | None) -> None:
        if results is not None:
            self.status("Time is up: your exam was submitted.", 10000)
            self._show_results(results)
        elif self.attempt is not None:
            # The stored clock still has time (the local one ran fast): count on from it.
            attempt_id, service = self.attempt.id, self.service
            self.ctx.tasks.run(lambda: service.save_clock(attempt_id),
                               on_done=self._restart_clock, on_error=self.show_error)

    def _restart_clock(self, saved: ClockSave) -> None:
        if saved.remaining_s is not None and self.attempt is not None:
            self.clock.start(saved.remaining_s)

    # -- finishing -------------------------------------------------------------------------
    def finish(self) -> None:
        """Ask before submitting (listing unanswered and marked questions)."""
        attempt = self.attempt
        if attempt is None:
            return
        # The items are kept current from each call's result: nothing to reload.
        unanswered = sum(1 for i in attempt.items if not i.answered)
        marked = sum(1 for i in attempt.items if i.marked)
        notes = []
        if unanswered:
            notes.append(f"{unanswered} unanswered (they score zero)" if self.exam else
                         f"{unanswered} unanswered (only the answered ones count)")
        if marked:
            notes.append(f"{marked} marked for review")
        detail = f" You have {' and '.join(notes)}." if notes else ""
        if not self.ctx.dialogs.confirm(self, "Submit", f"Submit and see your results?{detail}"):
            return
        self._submit()

    def _submit(self) -> None:
        assert self.attempt is not None
        attempt_id = self.attempt.id
        self.clock.stop()
        self.ctx.tasks.run(lambda: self.service.submit(attempt_id), on_done=self._show_results,
                           on_error=self.show_error)

    def show_builder(self) -> None:
        """Back to the quiz builder."""
        self.attempt = None
        self.clock.stop()
        self._stack.setCurrentWidget(self.builder)
        self._refresh_now()

    def open_results(self, attempt_id: int) -> None:
        """Show the results of a finished attempt."""
        self.ctx.tasks.run(lambda: self.service.results(attempt_id),
                           on_done=self._show_results, on_error=self.show_error)

    def _show_results(self, results: Results) -> None:
        self.attempt = None
        self.clock.stop()
        self.results = results
        self._stack.setCurrentWidget(self.results_page)
        self.results_page.show_results(results, dark=self.ctx.dark)
        self.ctx.bus.publish(results.changes, initiator=self)

    def _pause(self) -> None:
        """Stop the clock and save the time used, on the lane (the window waits for it)."""
        if self.attempt is None:
            return
        self.clock.stop()
        attempt_id, service = self.attempt.id, self.service
        self.ctx.tasks.run(lambda: service.pause(attempt_id), on_error=self.show_error)

    def about_to_close(self) -> None:
        """Save the exam clock so the exam resumes with the time it had."""
        self._pause()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._stack.currentWidget() is self.results_page and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.show_builder()
            return
        super().keyPressEvent(event)


