"""The results page of a quiz or exam: score, verdict, topics, every question reviewed."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.quiz import Results
from mht_desktop.services.text import inline_markdown, markdown_to_html
from mht_desktop.ui.rich_text import SafeTextBrowser, escape
from mht_desktop.ui.theme import palette_css
from mht_desktop.ui.views.quiz_question import LETTERS


class ResultsPage(QWidget):
    """The results with two ways on: review what was missed, or build a new quiz."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.results_view = SafeTextBrowser()
        self.results_view.setOpenLinks(False)
        layout.addWidget(self.results_view, 1)
        buttons = QHBoxLayout()
        self.review_missed_button = QPushButton("Review the ones I missed")
        self.back_to_builder = QPushButton("New quiz (Enter)")
        self.back_to_builder.setDefault(True)
        buttons.addWidget(self.review_missed_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_to_builder)
        layout.addLayout(buttons)

    def show_results(self, results: Results, *, dark: bool) -> None:
        """Show ``results`` in the screen's colours."""
        self.results_view.setHtml(results_html(results, dark=dark))  # html-safe
        self.review_missed_button.setEnabled(results.scored and results.score < 1.0)
        self.back_to_builder.setFocus()


def headline_html(results: Results) -> str:
    """The score line: pass or not for a finished quiz, what counted for one ended early."""
    if not results.scored:
        return ("<h2>Not scored</h2><p>No question was answered, so this session does not "
                "count as an attempt.</p>")
    if results.attempt.mode is QuizMode.MISSED:
        return (f"<h2>Missed-question review: {round(results.earned):d} of "
                f"{results.total:d} answered right</h2>")
    verdict = ("<span class=right>Passed</span>" if results.passed
               else "<span class=wrong>Not passed yet</span>")
    if results.ended_early:
        return (f"<h2>{round(results.score * 100)}% of the {results.total:d} questions you "
                f"answered — {verdict}</h2><p class='muted'>Ended early: the "  # html-safe
                f"{results.unanswered:d} questions left unanswered do not count.</p>")
    return f"<h2>{round(results.score * 100)}% — {verdict}</h2>"  # html-safe: our words


def results_html(results: Results, *, dark: bool) -> str:
    """The results page: score, verdict, topics, and every question reviewed."""
    attempt = results.attempt
    minutes, seconds = divmod(int(attempt.elapsed_s), 60)
    # Questions name their topic by id; the learner sees the topic's name.
    titles = {topic.topic: topic.title for topic in results.by_topic}
    parts = [f"<style>{palette_css(dark)}</style>", headline_html(results),  # html-safe
             f"<p>{results.earned:g} of {results.total:d} points · pass mark "
             f"{round(attempt.pass_mark * 100)}% · time {int(minutes)} min {int(seconds):02d} s"
             f"{' (time ran out: the exam submitted itself)' if results.timed_out else ''}"
             f" · {results.unanswered:d} unanswered</p>",
             "<h3>By topic</h3><table><tr><th>Topic</th><th>Score</th><th>Questions</th></tr>"]
    for topic in results.by_topic:
        parts.append(f"<tr><td>{escape(topic.title)}</td>"
                     f"<td>{round(topic.fraction * 100)}%</td><td>{topic.total:d}</td></tr>")
    parts.append("</table><h3>Every question</h3>")
    for item in attempt.items:
        q = item.question
        chosen = ", ".join(
            f"{LETTERS[item.order.index(i)]}. {escape(q.choices[i].text)}"  # html-safe
            for i in sorted(item.selected or ())) or "— no answer —"
        right = ", ".join(
            f"{LETTERS[item.order.index(i)]}. {escape(q.choices[i].text)}"  # html-safe
            for i in sorted(q.correct_indexes))
        mark = "<span class='right'>✔</span>" if item.correct else \
            "<span class='wrong'>✘</span>"
        parts.append(
            f"<p>{mark} <b>{item.position + 1}.</b> {inline_markdown(q.stem)}<br>"  # html-safe
            f"Your answer: {chosen}<br>Correct: {right}<br>"
            f"<span class='muted'>Time: {item.time_spent_s:.0f} s · "
            f"Topic: {escape(titles.get(q.topic, q.topic))}</span>"
            f"</p><blockquote>{markdown_to_html(q.rationale)}"
            f"<span class='muted'>Source: {escape(q.source)}</span></blockquote>")
    return "".join(parts)
