"""The print preview lays its pages out and writes its PDF on the task lane, not the GUI thread.

Laying out a report (charts, tables kept whole) took ~2 s on the GUI thread; ``bench/ui_stall``
measures the stall. Here the real lane runs the work, and the test checks where it ran and
that the pages and the PDF come back.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from tests.ui.conftest import ScriptedDialogs

from mht_desktop.rendering import pages
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
