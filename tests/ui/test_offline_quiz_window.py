"""An exam taken in the window while the program's server is down, sent once it is back.

A real PostgreSQL server (tests/pg_server.py), really stopped before the app starts; the
window runs on the real task lane with the GUI-thread guard on, and is driven with the keys
a trainee presses. Dialogs are the scripted ones (the Submit confirmation says Yes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from tests.program.conftest import Program, program  # noqa: F401  (the fixture)
from tests.ui.conftest import ScriptedDialogs
from tests.ui.test_program_startup import WAIT_MS, _bare, _start

from mht_desktop.core.quiz import QuizMode
from mht_desktop.ui import app as app_module
from mht_desktop.ui.app import Startup


def _server_attempts(prog: Program) -> list[tuple[str, str, float, int]]:
    engine = create_engine(prog.server.url(prog.database))
    with engine.connect() as c:
        rows = [(m, s, sc, n) for m, s, sc, n in c.execute(text(
            "SELECT a.mode, a.status, a.score, count(i.answered_at) FROM quiz_attempts a "
            "JOIN attempt_items i ON i.attempt_id = a.id WHERE a.uid IS NOT NULL "
            "GROUP BY a.id ORDER BY a.id"))]
    engine.dispose()
    return rows


def _start_scripted(qtbot: QtBot, data: Path, dialogs: ScriptedDialogs) -> Startup:
    startup = Startup(data)
    startup.window.dialogs = dialogs  # the views are built after this, and take it
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=WAIT_MS):
        startup.begin()
    return startup


def test_an_exam_started_offline_in_the_window_reaches_the_server_once(
        program: Program, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "OUTBOX_POLL_MS", 200)
    monkeypatch.setenv("PGPASSWORD", program.people["ana"].password)
    data = tmp_path / "laptop"
    first = _start(qtbot, data, _bare(program, "ana"))  # online once: the copy is made
    first.window.close()
    first.close()

    dialogs = ScriptedDialogs()
    program.server.stop("immediate")
    try:
        startup = _start_scripted(qtbot, data, dialogs)
        assert startup.app_ctx is not None and startup.app_ctx.offline
        window = startup.window
        window.show_section("quiz")
        quiz = window.quiz
        builder = quiz.builder
        qtbot.waitUntil(builder.start_button.isEnabled, timeout=WAIT_MS)
        builder.mode_box.setCurrentIndex(builder.mode_box.findData(QuizMode.EXAM))
        builder.count_spin.setValue(3)
        qtbot.mouseClick(builder.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: quiz.attempt is not None and quiz.page.isVisible(),
                        timeout=WAIT_MS)
        assert quiz.page.clock_label.text().startswith("Time left")
        assert not any(kind == "error" for kind, *_ in dialogs.asked)
        for position in range(3):
            qtbot.waitUntil(lambda p=position: quiz.index == p, timeout=WAIT_MS)
            item = quiz._item()
            right = item.order.index(next(iter(item.question.correct_indexes)))
            qtbot.keyClick(quiz.page, Qt.Key.Key_1 + right)
            qtbot.waitUntil(lambda: quiz._item().answered, timeout=WAIT_MS)
            qtbot.keyClick(quiz.page, Qt.Key.Key_Return)  # next; on the last, submit
        qtbot.waitUntil(quiz.results_page.isVisible, timeout=WAIT_MS)
        assert quiz.results is not None and quiz.results.unanswered == 0
        local_score = quiz.results.score
        assert dialogs.titles("confirm") == ["Submit"]
        label = startup.outbox_label
        qtbot.waitUntil(lambda: label.text() == "offline — 3 answers waiting", timeout=WAIT_MS)
    finally:
        program.server.start()
    try:
        qtbot.waitUntil(lambda: label.text() == "connected again — every answer sent",
                        timeout=WAIT_MS)
    finally:
        startup.window.close()
        startup.close()
    # Once each, scored on the server as it was on the laptop.
    assert _server_attempts(program) == [("exam", "submitted", local_score, 3)]
