"""PDF layout: advice said once rather than per topic, and no table row alone on a page."""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.periods import PeriodKind
from mht_desktop.core.quiz import QuizMode
from mht_desktop.rendering.pages import Paper, Sheet, Table, write_pdf
from mht_desktop.rendering.report import write_learner_pdf
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService
from mht_desktop.services.stats import StatsService

pytestmark = pytest.mark.usefixtures("qapp")
BANKS = Path(__file__).resolve().parents[2] / "question_banks"


def _text(path: Path) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
                    for page in PdfReader(path).pages)


def test_next_steps_shared_by_every_weak_topic_are_said_once(
        ctx: AppContext, clock: FixedClock, tmp_path: Path) -> None:
    for name in ("hipaa", "documentation"):
        ctx.banks.import_file_now(BANKS / f"{name}.mhtbank.toml")
    profile, _ = ctx.profiles.create("Ana")
    quiz = QuizService(ctx.db, clock, profile.id)
    clock.current = datetime(2026, 1, 5, 10, tzinfo=UTC)
    rng = random.Random(3)
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=30, seed=1))
    for item in view.items:  # mostly wrong: every topic is weak, and for the same reasons
        right = frozenset(item.question.correct_indexes)
        wrong = frozenset({min(set(range(len(item.question.choices))) - right)})
        quiz.answer(view.id, item.position, right if rng.random() < 0.2 else wrong,
                    time_spent_s=20)
    quiz.submit(view.id)
    report = StatsService(ctx.db, clock, profile.id, zone=UTC,
                          use_blueprint=False).report(PeriodKind.ALL)
    out = tmp_path / "report.pdf"
    write_learner_pdf(report, out)
    text = _text(out)
    steps = text[text.index("Missed topics and next steps"):text.index("Sign-off")]
    weak = steps.count("missed question(s) to review")
    assert weak >= 4, steps  # one short line per topic…
    assert steps.count("For each topic below") == 1
    for advice in ("Start this topic's flashcards to build recall.",
                   "Review the questions you last answered wrong",
                   "Take a 10-question smart-practice quiz"):
        assert steps.count(advice) == 1, advice  # …and the advice they share, once
    assert "Review the 2 question(s)" not in steps


def test_no_page_holds_a_single_row_of_a_longer_table(tmp_path: Path) -> None:
    def table(rows: int) -> Table:
        return Table([("Trainee", False), ("Readiness", True)],
                     [[f"row{i:03d}x", f"{i}%"] for i in range(rows)],
                     heading="<h2>Class mean by topic</h2>")

    def rows_per_page(rows: int) -> list[int]:
        def build(sheet: Sheet) -> list[str | Table]:
            return ["<h1>Class summary</h1>" + "<p>Notes on the class.</p>" * 12,
                    table(rows)]

        out = tmp_path / f"rows-{rows}.pdf"
        write_pdf(build, out, paper=Paper.LETTER, title="t", footer="footer")
        pages = [" ".join(page.extract_text().split()) for page in PdfReader(out).pages]
        assert all("Trainee" in page for page in pages)  # the header repeats on each page
        return [sum(f"row{i:03d}x" in page for i in range(rows)) for page in pages]

    # As many rows as fit on the first page, plus one: that one must not stand alone.
    fit = rows_per_page(80)[0]
    assert rows_per_page(fit + 1) == [fit - 1, 2]


def test_a_topic_with_one_answer_prints_no_confident_figure(
        ctx: AppContext, clock: FixedClock, tmp_path: Path) -> None:
    """One right answer is not "100 %": the PDF says so, as the Progress view does."""
    ctx.banks.import_file_now(BANKS / "hipaa.mhtbank.toml")
    profile, _ = ctx.profiles.create("Ana")
    quiz = QuizService(ctx.db, clock, profile.id)
    clock.current = datetime(2026, 1, 5, 10, tzinfo=UTC)
    view = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=1, seed=2))
    item = view.items[0]
    quiz.answer(view.id, item.position, frozenset(item.question.correct_indexes),
                time_spent_s=30)
    quiz.submit(view.id)
    report = StatsService(ctx.db, clock, profile.id, zone=UTC,
                          use_blueprint=False).report(PeriodKind.ALL)
    answered = [t for t in report.dashboard.topics if t.readiness is not None]
    assert answered and answered[0].readiness == 1.0  # the raw figure is a perfect score
    out = tmp_path / "report.pdf"
    write_learner_pdf(report, out)
    text = _text(out)
    table = text[text.index("Readiness by topic"):]
    assert "not enough answers yet" in table
    summary = text[text.index("Summary"):text.index("Readiness by topic")]
    assert "overall readiness (not enough answers yet" in summary
    assert " min of study" in summary  # study time in minutes, never "0.0 hours"
