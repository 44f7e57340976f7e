from __future__ import annotations

import sys
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter
from tests.progress_history import Learner, add_history, new_learner

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.periods import PeriodKind
from mht_desktop.rendering.charts import ChartStyle
from mht_desktop.rendering.class_report import write_class_pdf
from mht_desktop.rendering.page_images import render_page_image
from mht_desktop.rendering.pages import (
    Document,
    Paper,
    Sheet,
    Table,
    lay_out,
    page_layout,
    write_pdf,
)
from mht_desktop.rendering.report import learner_document, paint_learner_report, write_learner_pdf
from mht_desktop.services import progress_file
from mht_desktop.services.context import AppContext

# Every test here draws with Qt: ``qapp`` makes the QApplication first, so the renderer
# reuses it instead of making a bare QGuiApplication that widget tests could not use.
pytestmark = pytest.mark.usefixtures("qapp")


def pages_text(path: Path) -> list[str]:
    """Each page's text, ligatures unfolded and whitespace collapsed."""
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
            for page in PdfReader(path).pages]


@pytest.fixture
def history(ctx: AppContext, clock: FixedClock, sample_bank_file: Path) -> Learner:
    learner = add_history(new_learner(ctx, clock, sample_bank_file, name="Ana Rivera"))
    ctx.profiles.update_settings(learner.profile_id, program="Psychiatric Technician program",
                                 instructor="Dr. Maya Chen")
    return learner


@pytest.mark.parametrize(("paper", "size"), [(Paper.LETTER, (612, 792)),
                                             (Paper.A4, (595, 842))])
def test_learner_report_pdf(history: Learner, tmp_path: Path, paper: Paper,
                            size: tuple[int, int]) -> None:
    out = tmp_path / f"report-{paper.value}.pdf"
    pages = write_learner_pdf(history.stats().report(PeriodKind.ALL), out, paper)
    reader = PdfReader(out)
    assert len(reader.pages) == pages >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    text = " ".join(pages_text(out))
    for expected in ("Progress report", "Ana Rivera", "Psychiatric Technician program",
                     "Dr. Maya Chen", "Readiness by topic", "Privacy", "Safety",
                     "Exam-simulation history", "Quiz accuracy by topic", "Study activity",
                     "Missed topics and next steps", "Sign-off", "Signature",
                     f"Page 1 of {pages}"):
        assert expected in text, expected
    assert "All time (2025-11-21 to 2026-01-05)" in text


def test_table_rows_never_split_across_pages(tmp_path: Path) -> None:
    rows = [[f"<b>row{i:02d}-start</b><br>second line<br>third line<br>row{i:02d}-end",
             f"{i}"] for i in range(70)]

    def build(sheet: Sheet) -> list[str | Table]:
        return ["<h1>Long table</h1>",
                Table([("Column A", False), ("Number", True)], rows,
                      heading="<h2>Rows</h2>")]

    out = tmp_path / "long.pdf"
    pages = write_pdf(build, out, paper=Paper.LETTER, title="t", footer="footer")
    texts = pages_text(out)
    assert pages == len(texts) >= 3
    for i in range(70):
        start = [n for n, t in enumerate(texts) if f"row{i:02d}-start" in t]
        end = [n for n, t in enumerate(texts) if f"row{i:02d}-end" in t]
        assert start == end and len(start) == 1, f"row {i} is split: {start} {end}"
    assert all("Column A" in t for t in texts)  # the header row repeats on every page


def test_the_preview_paints_the_same_report_on_a_printer(history: Learner,
                                                         tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageLayout(page_layout(Paper.A4))
    pages = paint_learner_report(history.stats().report(), printer)
    del printer
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages
    assert "Sign-off" in " ".join(pages_text(tmp_path / "printed.pdf"))


def test_class_report_names_every_trainee(history: Learner, tmp_path: Path) -> None:
    report = history.stats().report(PeriodKind.ALL)
    path = progress_file.write(progress_file.from_report(report), tmp_path / "ana.json")
    data = progress_file.read(path)
    names = ("Ana Rivera", "Ben Okafor", "Chloé Martin", "Dev Patel", "Eli Cohen", "Fay Wong")
    files = [replace(data, learner=name, source=f"{name.split()[0].lower()}.json")
             for name in names]
    out = tmp_path / "class.pdf"
    write_class_pdf(progress_file.class_summary(files), out, Paper.A4)
    text = " ".join(pages_text(out))
    for name in (*names, "Class summary", "Privacy", "Overall"):
        assert name in text, name
    box = PdfReader(out).pages[0].mediabox
    assert float(box.width) > float(box.height)  # six trainees print landscape


def test_rendering_keeps_none_alive(history: Learner, tmp_path: Path) -> None:
    # PySide6 6.12 on CPython 3.11 drops a reference to None on every void call; the
    # renderer gives them back, so rendering many reports cannot abort the interpreter.
    report = history.stats().report()
    before = sys.getrefcount(None)
    for i in range(3):
        write_learner_pdf(report, tmp_path / f"r{i}.pdf")
    assert sys.getrefcount(None) >= before - 100


def test_the_report_includes_practice(history: Learner, tmp_path: Path) -> None:
    from mht_desktop.core.practice.disclosure import Action
    from mht_desktop.core.practice.note_checker import NoteFormat

    practice = history.ctx.practice(history.profile_id)
    state, _ = practice.start_drill("adult-inpatient-phone-call")
    state, _ = practice.choose(state.attempt_id, "pacing", 1)  # "rules are rules"
    practice.check_note("Pt was hostile.", NoteFormat.NARRATIVE)
    practice.submit_disclosure("mother-on-the-phone", set(),
                               {Action.TAKE_MESSAGE, Action.REFER_NURSE})
    out = tmp_path / "report.pdf"
    write_learner_pdf(history.stats().report(PeriodKind.ALL), out)
    text = " ".join(pages_text(out))
    assert "Practice: de-escalation, documentation, disclosure" in text
    assert "De-escalation drills: 0 completed" in text  # the drill is still under way
    assert "Notes checked: 1 (0 with no flags)" in text and "judgemental label 1" in text
    assert "Disclosure cases: 1 (1 with every decision right)" in text
    assert "Note flags per day" in text


def test_the_report_says_when_nothing_was_practised(history: Learner, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    write_learner_pdf(history.stats().report(PeriodKind.ALL), out)
    assert "No practice exercises in this period." in " ".join(pages_text(out))


def test_a_pdf_report_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import os
    import stat

    if os.name == "nt":
        pytest.skip("file modes are POSIX")
    out = tmp_path / "report.pdf"
    write_pdf(lambda sheet: ["<h1>Ana's results</h1>"], out, paper=Paper.LETTER, title="t",
              footer="f")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_report_made_before_the_study_day_begins_says_why_it_ends_yesterday(
        history: Learner, clock: FixedClock, tmp_path: Path) -> None:
    # The fixture's clock is 12:00 UTC on 2026-01-05; 03:00 next morning is before the
    # default 4 AM start of a study day, so the period still ends on the 5th.
    clock.advance(timedelta(hours=15))
    report = history.stats().report(PeriodKind.ALL)
    assert report.dashboard.period.end == date(2026, 1, 5)
    out = tmp_path / "late.pdf"
    write_learner_pdf(report, out)
    text = " ".join(pages_text(out))
    assert ("study days begin at 04:00, so 03:00 on 2026-01-06 still counts as 2026-01-05"
            in text)
    assert "Generated 2026-01-06 03:00" in text


def test_a_report_made_during_the_study_day_has_no_such_note(history: Learner,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "noon.pdf"
    write_learner_pdf(history.stats().report(PeriodKind.ALL), out)
    assert "study days begin" not in " ".join(pages_text(out))


def _chart_color_pixels(image: QImage, color: str) -> int:
    """How many pixels of ``image`` are ``color`` (within a little antialiasing)."""
    want = QColor(color)
    found = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - want.red()) + abs(pixel.green() - want.green())
                    + abs(pixel.blue() - want.blue())) < 24:
                found += 1
    return found


def test_charts_are_drawn_into_the_pdf_as_vectors_not_images(history: Learner,
                                                             tmp_path: Path) -> None:
    # Charts used to be 300 dpi images, compressed into the PDF inside one long Qt call;
    # drawn in place, their titles and labels are the PDF's own text and it holds no image.
    out = tmp_path / "report.pdf"
    write_learner_pdf(history.stats().report(PeriodKind.ALL), out)
    reader = PdfReader(out)
    text = " ".join(pages_text(out))
    for chart_text in ("Activity per", "cards + questions", "Study calendar", "less", "more",
                       "Cards due over the next 30 days", "Quiz and exam scores", "pass mark"):
        assert chart_text in text, chart_text
    images = [name for page in reader.pages for name in page.images]
    assert images == []
    assert out.stat().st_size < 150_000  # the raster charts made it ~350 KB


def test_the_preview_image_draws_the_charts(history: Learner) -> None:
    # The preview's page images replay the same drawing at the preview's scale: the
    # orange of the minutes line and of today's forecast bar is on the page with the charts.
    laid = lay_out(learner_document(history.stats().report(PeriodKind.ALL)), Paper.LETTER)
    orange = ChartStyle.light().second.name()
    counts = [_chart_color_pixels(render_page_image(laid, page, 0.3), orange)
              for page in range(laid.pages)]
    assert max(counts) > 50, counts
    blank = lay_out(Document(lambda sheet: ["<p>No charts here.</p>"], "t", "f"), Paper.LETTER)
    assert _chart_color_pixels(render_page_image(blank, 0, 0.3), orange) == 0


def test_the_preview_image_footer_is_as_large_as_printed() -> None:
    # The footer was sized in the device's points: on a preview image (a 96 dpi QImage
    # under a scale) it came out a third of its printed size, too small to read.
    laid = lay_out(Document(lambda sheet: ["<p>Short.</p>"], "t", "Footer text Pg"),
                   Paper.LETTER)
    scale = 0.5
    image = render_page_image(laid, 0, scale)
    top = int(laid.body_height * scale)
    inked = [y for y in range(top, image.height())
             if any(image.pixelColor(x, y).lightness() < 200 for x in range(0, image.width(), 2))]
    printed_px = 7.5 * laid.resolution / 72.0 * scale  # the font's size on this image
    assert inked and inked[-1] - inked[0] >= 0.5 * printed_px, (inked, printed_px)
