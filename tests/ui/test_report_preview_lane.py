"""The print preview lays its pages out, draws them and writes its PDF on the task lane.

Laying out a report (charts, tables kept whole) took ~2 s on the GUI thread; ``bench/ui_stall``
measures the stall. Here the real lane runs the work, and the test checks where it ran and
that the pages and the PDF come back.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot
from tests.ui.conftest import ScriptedDialogs

from mht_desktop.rendering import page_images, pages
from mht_desktop.rendering.pages import Document, Paper, Sheet
from mht_desktop.ui.report_preview import ReportPreviewDialog
from mht_desktop.ui.task_runner import TaskRunner


def _build(sheet: Sheet) -> list[pages.Part]:
    rows = [[f"Topic {i}", f"{i * 3}%"] for i in range(120)]  # long enough for two pages
    return ["<h1>Progress report</h1>",
            pages.Table([("Topic", False), ("Readiness", True)], rows, heading="<h2>Rows</h2>")]


@pytest.fixture
def threads_that_laid_out(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """Every thread that laid a document out (the real layout still runs)."""
    seen: list[threading.Thread] = []
    real = pages.layout_document

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(threading.current_thread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "layout_document", recording)
    return seen


def test_pages_are_laid_out_and_the_pdf_written_on_the_lane(
        qtbot: QtBot, dialogs: ScriptedDialogs, tmp_path: Path,
        threads_that_laid_out: list[threading.Thread]) -> None:
    tasks = TaskRunner()
    document = Document(_build, title="Report", footer="MHT Desktop test")
    dialog = ReportPreviewDialog(document, tasks=tasks, dialogs=dialogs,
                                 suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pages_ready, timeout=30000) as ready:
        dialog.open()
    assert ready.args is not None and ready.args[0] >= 2
    assert dialog.laid_out is not None
    assert dialog.laid_out.doc.thread() is dialog.thread()  # handed back to be painted
    assert threads_that_laid_out and all(t is not threading.main_thread()
                                         for t in threads_that_laid_out)

    with qtbot.waitSignal(dialog.pages_ready, timeout=30000):
        dialog.paper_box.setCurrentIndex(dialog.paper_box.findData(Paper.A4))
    assert dialog.laid_out.fits(dialog.printer())

    out = tmp_path / "report"  # no suffix: the PDF gets one
    dialogs.answer_save_path(str(out))
    with qtbot.waitSignal(dialog.pdf_saved, timeout=30000) as saved:
        dialog.export_action.trigger()
    assert saved.args == [out.with_suffix(".pdf")]
    assert dialog.exported == out.with_suffix(".pdf")
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert all(t is not threading.main_thread() for t in threads_that_laid_out)
    dialog.close()
    tasks.wait()


class _PaintCounter(QObject):
    """Counts the paint events of the widget it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_the_layout_starts_after_the_dialog_has_painted(
        qtbot: QtBot, dialogs: ScriptedDialogs, monkeypatch: pytest.MonkeyPatch) -> None:
    # Started at once, the lane's long Qt calls (which hold the GIL) fell inside the
    # dialog's first build and paint: one stall of both (ui_stall report_pdf).
    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    assert dialog._view is not None
    counter = _PaintCounter()
    dialog._view.viewport().installEventFilter(counter)
    paints_when_laid_out: list[int] = []
    real = pages.layout_document

    def recording(*args: object, **kwargs: object) -> object:
        paints_when_laid_out.append(counter.paints)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "layout_document", recording)
    assert dialog.laid_out is None
    with qtbot.waitSignal(dialog.pages_ready, timeout=30000):
        dialog.open()
    assert paints_when_laid_out and paints_when_laid_out[0] >= 1
    dialog.close()
    tasks.wait()


def test_a_failed_export_is_shown_and_nothing_is_claimed(
        qtbot: QtBot, dialogs: ScriptedDialogs, tmp_path: Path) -> None:
    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    dialogs.answer_save_path(str(tmp_path / "missing-folder" / "report.pdf"))
    dialog.export_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs.titles("warn")), timeout=30000)
    assert dialog.exported is None
    tasks.wait()


def _pdf_pages(path: Path) -> int:
    """How many pages a PDF file has, read back with Qt's own PDF reader."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    return document.pageCount()


@pytest.fixture
def page_painters(monkeypatch: pytest.MonkeyPatch) -> list[tuple[threading.Thread, int]]:
    """(thread, page) for every page the preview's images were drawn from."""
    seen: list[tuple[threading.Thread, int]] = []
    real = page_images.paint_page

    def recording(painter: object, doc: object, body: float, page: int, *rest: object,
                  **named: object) -> None:
        seen.append((threading.current_thread(), page))
        real(painter, doc, body, page, *rest, **named)  # type: ignore[arg-type]

    monkeypatch.setattr(page_images, "paint_page", recording)
    return seen


@pytest.fixture
def held_layout(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """(started, release): the lane's layout waits for ``release`` once it has started."""
    started, release = threading.Event(), threading.Event()
    real = pages.layout_document

    def held(*args: object, **kwargs: object) -> object:
        started.set()
        assert release.wait(30), "the test never released the layout"
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "layout_document", held)
    return started, release


def test_the_preview_shows_each_page_of_the_pdf_drawn_on_the_lane(
        qtbot: QtBot, dialogs: ScriptedDialogs, tmp_path: Path,
        page_painters: list[tuple[threading.Thread, int]]) -> None:
    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pages_drawn, timeout=30000) as drawn:
        dialog.open()
    laid = dialog.laid_out
    assert laid is not None and dialog.preview is not None
    assert drawn.args == [laid.pages] and laid.pages >= 2
    dialog.preview.updatePreview()  # whatever the preview records now comes from the images
    assert dialog.preview.pageCount() == laid.pages
    assert dialog.shown == ["image"] * laid.pages
    assert sorted({page for _thread, page in page_painters}) == list(range(laid.pages))
    assert all(thread is not threading.main_thread() for thread, _page in page_painters)

    out = tmp_path / "report.pdf"
    dialogs.answer_save_path(str(out))
    with qtbot.waitSignal(dialog.pdf_saved, timeout=30000):
        dialog.export_action.trigger()
    assert _pdf_pages(out) == dialog.preview.pageCount()
    dialog.close()
    tasks.wait()


def test_nothing_is_shown_from_a_layout_still_being_made(
        qtbot: QtBot, dialogs: ScriptedDialogs,
        held_layout: tuple[threading.Event, threading.Event],
        page_painters: list[tuple[threading.Thread, int]]) -> None:
    started, release = held_layout
    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(started.is_set, timeout=30000)
    assert dialog.preview is not None
    dialog.preview.updatePreview()  # the preview asks for its pages mid-layout
    qtbot.wait(50)                  # and repaints
    assert dialog.laid_out is None and dialog.shown == []
    assert dialog.preview.pageCount() == 0 and page_painters == []

    with qtbot.waitSignal(dialog.pages_drawn, timeout=30000):
        release.set()
    letter = dialog.laid_out
    assert letter is not None and dialog.preview.pageCount() == letter.pages

    # A new paper size: until its layout is complete the letter pages stay, none from A4.
    release.clear()
    started.clear()
    painted = len(page_painters)
    dialog.paper_box.setCurrentIndex(dialog.paper_box.findData(Paper.A4))
    qtbot.waitUntil(started.is_set, timeout=30000)
    dialog.preview.updatePreview()
    assert dialog.laid_out is letter and dialog.shown == ["image"] * letter.pages
    with qtbot.waitSignal(dialog.pages_drawn, timeout=30000):
        release.set()
    a4 = dialog.laid_out
    assert a4 is not letter and a4 is not None and a4.fits(dialog.printer())
    assert dialog.preview.pageCount() == a4.pages
    assert sorted({page for _t, page in page_painters[painted:]}) == list(range(a4.pages))
    dialog.close()
    tasks.wait()


def test_zooming_in_draws_the_pages_again_sharper(qtbot: QtBot,
                                                  dialogs: ScriptedDialogs) -> None:
    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pages_drawn, timeout=30000):
        dialog.open()
    assert dialog.preview is not None
    before = dialog.page_image(0)
    assert before is not None
    with qtbot.waitSignal(dialog.pages_drawn, timeout=30000):
        dialog.preview.zoomIn(2.0)
    after = dialog.page_image(0)
    assert after is not None and after.width() > before.width() * 1.5
    dialog.close()
    tasks.wait()


def test_printing_draws_the_laid_out_pages_on_the_printer(
        qtbot: QtBot, dialogs: ScriptedDialogs, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pages_drawn, timeout=30000):
        dialog.open()
    laid = dialog.laid_out
    assert laid is not None
    printer = dialog.printer()  # as the preview's Print button does: its own printer
    out = tmp_path / "printed.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    dialog.paintRequested.emit(printer)
    assert _pdf_pages(out) == laid.pages
    dialog.close()
    tasks.wait()


def test_the_preview_opens_within_its_screen(qtbot: QtBot, dialogs: ScriptedDialogs) -> None:
    # A fixed 1040 x 780 ran off a 1024 x 700 screen (the offscreen one is 800 x 600).
    tasks = TaskRunner()
    dialog = ReportPreviewDialog(Document(_build, title="Report", footer="f"), tasks=tasks,
                                 dialogs=dialogs, suggested_name="report.pdf")
    qtbot.addWidget(dialog)
    screen = dialog.screen()
    assert screen is not None
    area = screen.availableGeometry()
    assert dialog.width() <= area.width() and dialog.height() <= area.height()
    assert dialog.width() >= min(1040, area.width() * 0.9)  # and uses the room there is
    tasks.wait()
