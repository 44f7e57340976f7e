"""The printable learner report: readiness, exams, accuracy, activity, next steps, sign-off.

Why here, headless: the same report comes out of the window's print preview, the window's
"Export PDF…" and ``mht-desktop report`` on a machine with no display. The content is built
as HTML and tables (see :mod:`mht_desktop.rendering.pages`, which keeps rows whole across
page breaks) with charts drawn at the page's resolution.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QPagedPaintDevice

from mht_desktop.core.activity import bin_series, countdown_text
from mht_desktop.core.periods import PeriodKind
from mht_desktop.core.practice.progress import practice_lines
from mht_desktop.core.readiness import (
    NOT_ENOUGH,
    READINESS_TOOLTIP,
    Confidence,
    TopicReadiness,
    percent,
    readiness_text,
    study_time_text,
    topic_steps,
)
from mht_desktop.rendering.charts import (
    activity_chart,
    bar_chart,
    heatmap_chart,
    meter_chart,
    score_chart,
)
from mht_desktop.rendering.pages import (
    Builder,
    Document,
    Paper,
    Part,
    Sheet,
    Table,
    paint_document,
    write_document_pdf,
)
from mht_desktop.rendering.pages import escape as _e
from mht_desktop.services.stats import LearnerReport

if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext

__all__ = ["Paper", "learner_builder", "learner_document", "learner_footer",
           "paint_learner_report", "render_learner_report_for_bench", "write_learner_pdf"]


def _date_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _header(report: LearnerReport, sheet: Sheet) -> list[Part]:
    d = report.dashboard
    first = d.period.start or (d.daily[0].day if d.daily and d.has_activity else None)
    start = first.isoformat() if first else "first activity"
    period = f"{d.period.label} ({start} to {d.period.end})"
    generated = report.generated_local
    if d.period.end < generated.date():
        # Made before the learner's study day begins (4 AM by default): the period ends on
        # yesterday's date, which looks wrong next to today's "Generated" unless it is said.
        period += (f"; study days begin at {report.day_starts_hour:02d}:00, so "
                   f"{generated:%H:%M} on {generated:%Y-%m-%d} still counts as {d.period.end}")
    rows = [("Learner", _e(report.learner)),
            ("Program", _e(report.program or "—")),
            ("Instructor / clinical supervisor", _e(report.instructor or "—")),
            ("Period", _e(period)),
            ("Exam", _e(f"{d.exam_date:%Y-%m-%d} — {countdown_text(d.days_to_exam)}"
                        if d.exam_date else countdown_text(None))),
            ("Generated", _e(_date_time(report.generated_local)))]
    grid = "".join(f'<tr><td class="muted" width="32%">{k}</td><td><b>{v}</b></td></tr>'
                   for k, v in rows)
    return [f"<h1>Progress report</h1><p class='muted'>MHT Desktop — study progress for "
            f"{_e(report.learner)}</p>"
            f'<table width="100%" cellspacing="0" cellpadding="2">{grid}</table>']


def _summary(report: LearnerReport, sheet: Sheet) -> list[Part]:
    d = report.dashboard
    t = d.totals
    overall = d.overall
    verdict = ""
    # The same honesty as the Progress view: too little data gives no confident figure.
    thin = overall.confidence in (Confidence.NONE, Confidence.LOW)
    if overall.readiness is not None and not thin:
        ok = overall.readiness >= d.pass_mark
        verdict = (f' <span class="{"good" if ok else "bad"}">'
                   f'{"at or above" if ok else "below"} the pass mark of '
                   f"{percent(d.pass_mark)}</span>")
    weights = ("exam blueprint domain weights" if overall.method == "blueprint"
               else "number of questions per topic")
    return [
        "<h2>Summary</h2>"
        f'<p><span class="big">{"—" if thin else percent(overall.readiness)}</span> overall '
        f"readiness ({NOT_ENOUGH if thin else _e(overall.confidence.value)}; "
        f"{overall.topics_with_data} of {overall.topics} "
        f"topics with data, weighted by {weights}){verdict}</p>"
        f"<p>In this period: <b>{t.study_days}</b> study days, <b>{t.reviews:,}</b> flashcard "
        f"reviews, <b>{t.answers:,}</b> questions answered, <b>{study_time_text(t.minutes)}</b> "
        f"of study, <b>{t.attempts}</b> quizzes and exams submitted ({t.exams} timed exams, "
        f"{t.exams_passed} passed).</p>"
        f"<p>Streak: <b>{d.streak.current}</b> day(s) now, longest <b>{d.streak.longest}</b>. "
        f"Cards due today: <b>{d.due_today:,}</b>.</p>"]


def _readiness(report: LearnerReport, sheet: Sheet) -> list[Part]:
    d = report.dashboard
    heading = "<h2>Readiness by topic</h2>"
    if not d.topics:
        return [heading + "<p>No topics yet: import or enable a question bank.</p>"]
    rows: list[list[str]] = []
    for topic in d.topics:
        meter = sheet.chart(meter_chart(topic.readiness, width_pt=60, height_pt=9,
                                        style=sheet.style, pass_mark=d.pass_mark))
        rows.append([_e(topic.title), f"{meter}&nbsp;{_e(readiness_text(topic))}",
                     percent(topic.quiz_accuracy), percent(topic.card_retention),
                     _e(topic.confidence.value)])
    explanation = _e(READINESS_TOOLTIP).replace("\n", "<br>")
    return [Table([("Topic", False), ("Readiness", False), ("Quiz accuracy", True),
                   ("Card retention", True), ("Confidence", False)], rows, heading=heading),
            f'<p class="small muted">{explanation}</p>']


def _exams(report: LearnerReport, sheet: Sheet) -> list[Part]:
    heading = "<h2>Exam-simulation history</h2>"
    exams = report.dashboard.exams
    if not exams:
        return [heading + "<p>No timed exam simulations in this period.</p>"]
    rows = [[_e(_date_time(p.finished_at.astimezone(report.zone))), f"{p.questions}",
             percent(p.score),
             '<span class="good">Passed</span>' if p.passed
             else '<span class="bad">Not passed</span>',
             f"{p.elapsed_s / 60:.0f} min"] for p in exams]
    return [Table([("Finished", False), ("Questions", True), ("Score", True),
                   ("Result", False), ("Time", True)], rows, heading=heading)]


def _accuracy(report: LearnerReport, sheet: Sheet) -> list[Part]:
    heading = "<h2>Quiz accuracy by topic</h2>"
    rows = []
    for topic in report.dashboard.topics:
        worked = report.by_topic.get(topic.topic_id)
        if worked is None or (not worked.answers and not worked.missed_now):
            continue
        rows.append([_e(topic.title), f"{worked.answers:,}", f"{worked.distinct_questions:,}",
                     percent(worked.accuracy), f"{worked.missed_now}"])
    if not rows:
        return [heading + "<p>No questions answered in this period.</p>"]
    return [Table([("Topic", False), ("Answers", True), ("Different questions", True),
                   ("Accuracy", True), ("Missed now", True)], rows, heading=heading),
            '<p class="small muted">Accuracy is the plain share of points earned in the '
            "period; “missed now” counts questions whose latest answer was wrong.</p>"]


def _practice(report: LearnerReport, sheet: Sheet) -> list[Part]:
    heading = "<h2>Practice: de-escalation, documentation, disclosure</h2>"
    p = report.practice
    if p is None or not p.has_activity:
        return [heading + "<p>No practice exercises in this period.</p>"]
    drills, notes, cases = practice_lines(p)
    rows = [[_e(line)] for line in (drills, notes, cases)]
    days = p.notes.by_day
    trend = ""
    if days:
        shown = ", ".join(f"{day:%d %b}: {flags}/{count}" for day, count, flags in days[-14:])
        trend = (f'<p class="small muted">Note flags per day (flags / notes checked): '
                 f"{_e(shown)}</p>")
    return [Table([("What was practised in this period", False)], rows, heading=heading),
            trend]


def _activity(report: LearnerReport, sheet: Sheet) -> list[Part]:
    d = report.dashboard
    width = sheet.width_pt
    series = list(d.daily)
    size = 1 if len(series) <= 92 else 7
    what = "day" if size == 1 else "week"
    parts = [f"<h2>Study activity</h2><p>Cards reviewed plus questions answered per {what}, "
             "and minutes studied.</p>",
             sheet.chart(activity_chart(bin_series(series, size), title=f"Activity per {what}",
                                        width_pt=width, height_pt=150, style=sheet.style)),
             "<br>",
             sheet.chart(heatmap_chart(list(d.heatmap), title="Study calendar", width_pt=width,
                                       height_pt=125, style=sheet.style)),
             "<br>",
             sheet.chart(bar_chart([(day.strftime("%d %b"), float(n)) for day, n in d.forecast],
                                   title="Cards due over the next 30 days (today first, "
                                         "overdue included)", width_pt=width, height_pt=130,
                                   style=sheet.style, highlight_first=True))]
    if d.trend:
        parts += ["<br>", sheet.chart(score_chart(list(d.trend), pass_mark=d.pass_mark,
                                                  title="Quiz and exam scores", width_pt=width,
                                                  height_pt=150, style=sheet.style))]
    return ["".join(parts)]


def _steps(report: LearnerReport, sheet: Sheet) -> list[Part]:
    d = report.dashboard
    heading = "<h2>Missed topics and next steps</h2>"
    # The weakest topics, and any other topic below the pass mark, get concrete steps; the
    # rest of the topics with missed questions are listed in one line after the table.
    chosen: list[TopicReadiness] = list(d.weakest)
    chosen += [t for t in d.topics if t.readiness is not None and t.readiness < d.pass_mark
               and t not in chosen]
    chosen.sort(key=lambda t: (t.readiness if t.readiness is not None else 1.0, t.title))

    def missed(topic: TopicReadiness) -> int:
        worked = report.by_topic.get(topic.topic_id)
        return worked.missed_now if worked else 0

    others = [t for t in d.topics if t not in chosen and missed(t)]
    also = ""
    if others:
        listed = ", ".join(f"{_e(t.title)} ({missed(t)})" for t in others)
        also = (f"<p>Also review the questions you last answered wrong in: {listed} "
                "(Quiz ▸ Missed-question review).</p>")
    if not chosen:
        return [heading + "<p>No weak topics: every topic with enough data is at or above "
                f"the pass mark of {percent(d.pass_mark)}.</p>" + also]
    steps = [topic_steps(topic, pass_mark=d.pass_mark, missed=missed(topic))
             for topic in chosen]
    # What every listed topic needs is said once above the table; each row then gives only
    # what is particular to its topic (how many missed, how many more questions).
    shared = [step.general for step in steps[0]
              if len(chosen) > 1 and all(any(o.general == step.general for o in other)
                                         for other in steps[1:])]
    if shared:
        heading += ("<p>For each topic below:</p>"
                    + "".join(f"<p>&nbsp;&nbsp;• {_e(text)}</p>" for text in shared))
    rows = []
    for topic, own in zip(chosen, steps, strict=True):
        details = [_e(step.detail) for step in own if step.general in shared and step.detail]
        extra = [f"• {_e(step.text)}" for step in own if step.general not in shared]
        lines = (["; ".join(details)] if details else []) + extra
        rows.append([f"<b>{_e(topic.title)}</b><br>"
                     f'<span class="small muted">{_e(topic.explain())}</span>',
                     percent(topic.readiness),
                     "<br>".join(lines) or "The steps above."])
    column = "For this topic" if shared else "Suggested next steps"
    return [Table([("Topic", False), ("Readiness", True), (column, False)],
                  rows, heading=heading), also]


def _sign_off(report: LearnerReport, sheet: Sheet) -> list[Part]:
    name = f"<b>{_e(report.instructor)}</b>" if report.instructor else "_" * 34
    # One table row, kept whole with its heading by the layout, so it is never split.
    block = ("<p>Reviewed by the instructor or clinical supervisor. This report shows study "
             "activity in MHT Desktop; it is not a certification or a clinical competency "
             "assessment.</p>"
             f"<p><br>Name: {name}</p>"
             f"<p><br>Signature: {'_' * 34}&nbsp;&nbsp;&nbsp;Date: {'_' * 16}</p>"
             f"<p><br>Comments: {'_' * 58}<br><br>{'_' * 68}</p>"
             f"<p><br>Learner: <b>{_e(report.learner)}</b>&nbsp;&nbsp;&nbsp;"
             f"Signature: {'_' * 28}</p>")
    return [Table([("Instructor or clinical supervisor review", False)], [[block]],
                  heading="<h2>Sign-off</h2>")]


_LEARNER_SECTIONS: tuple[Callable[[LearnerReport, Sheet], list[Part]], ...] = (
    _header, _summary, _readiness, _exams, _accuracy, _practice, _activity, _steps,
    _sign_off)


def learner_builder(report: LearnerReport) -> Builder:
    """The learner report's content as a document builder."""

    def build(sheet: Sheet) -> list[Part]:
        return [part for section in _LEARNER_SECTIONS for part in section(report, sheet)]

    return build


def learner_footer(report: LearnerReport) -> str:
    """The footer of every page of a learner report."""
    return (f"{report.learner} — MHT Desktop progress report — "
            f"{report.generated_local:%Y-%m-%d}")


def learner_document(report: LearnerReport) -> Document:
    """The learner report as a document, for the print preview and the PDF."""
    return Document(learner_builder(report), title=f"Progress report — {report.learner}",
                    footer=learner_footer(report))


def write_learner_pdf(report: LearnerReport, path: Path, paper: Paper = Paper.LETTER) -> int:
    """The learner report as a PDF; returns the page count.

    Raises:
        ReportWriteError: when the file cannot be written.
    """
    return write_document_pdf(learner_document(report), path, paper)


def paint_learner_report(report: LearnerReport, device: QPagedPaintDevice) -> int:
    """Paint the report on a printer (the print preview); returns the page count."""
    return paint_document(learner_builder(report), device, learner_footer(report))


def render_learner_report_for_bench(ctx: AppContext, profile_id: int, out: Path) -> None:
    """bench/run.py's hook: gather the all-time report and write it as a Letter PDF."""
    write_learner_pdf(ctx.stats(profile_id).report(PeriodKind.ALL), out, Paper.LETTER)
