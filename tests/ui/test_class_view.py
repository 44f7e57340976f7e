"""The Class section: an instructor's live class figures from a real PostgreSQL server.

The window runs on the real task lane with the GUI-thread guard on (tests/ui/conftest.py),
so a figure read on the GUI thread fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from tests.program.conftest import Program, program  # noqa: F401  (the fixture)
from tests.program.test_class_view import _answer_all
from tests.ui.conftest import ScriptedDialogs

from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.storage.program import own_profile_id
from mht_desktop.ui.main_window import MainWindow
from mht_desktop.ui.sections import CLASS, SECTIONS_REGISTRY, section_index
from mht_desktop.ui.task_runner import TaskRunner
from mht_desktop.ui.views.class_view import ClassView

WAIT_MS = 30000


@pytest.fixture
def lane() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


def _window(qtbot: QtBot, app: AppContext, tmp_path: Path, lane: TaskRunner,
            dialogs: ScriptedDialogs, *, section: int = 0) -> MainWindow:
    profile = app.profiles.own() if app.db.is_server else None
    if profile is None:
        profile = app.profiles.list()[0] if app.profiles.list() else \
            app.profiles.create("Ana")[0]
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/section", section)  # the section the window opens on
    window = MainWindow(app, profile, tasks=lane, settings=settings, dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    return window


def _class_view(window: MainWindow, qtbot: QtBot) -> ClassView:
    view = window.show_section(CLASS)
    assert isinstance(view, ClassView)
    qtbot.waitUntil(lambda: not view.loading, timeout=WAIT_MS)
    return view


def test_an_instructor_sees_the_cohort_live_and_prints_the_class_report(
        program: Program, clock: FixedClock, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        lane: TaskRunner, dialogs: ScriptedDialogs, qtmodeltester: ModelTester) -> None:
    _answer_all(program, "ana", clock, right=True)
    ida = program.open_as("ida", clock)
    try:
        window = _window(qtbot, ida, tmp_path, lane, dialogs)
        row = section_index(CLASS)
        assert not window.nav.item(row).isHidden()  # listed for an instructor on a server
        view = _class_view(window, qtbot)
        assert view.content.isVisible()
        names = [view.roster_model.text(r, 0) for r in range(view.roster_model.rowCount())]
        assert names == ["Ana Diaz", "Ben Okafor"]  # Cy is cohort b: not Ida's
        assert view.idle_label.text() == "Not studied this week: Ben Okafor"
        assert view.active_tile.value_label.text() == "1"
        assert view.items_model.rowCount() == 3
        assert view.items_model.text(0, 2) == "1"  # one answer each so far
        headers = [c.title for c in view.roster_model.columns()]
        assert headers[4:] == ["Privacy", "Safety"]  # topics by their titles
        assert view.roster_model.text(0, 4) == "100%"  # Ana: every privacy answer right
        for model in (view.roster_model, view.topics_model, view.items_model):
            qtmodeltester.check(model)

        # Live: Ben answers on his laptop; the next refresh (the timer's) shows it.
        _answer_all(program, "ben", clock, right=False)
        view.live_timer.timeout.emit()
        qtbot.waitUntil(lambda: not view.loading and view.figures is not None
                        and len(view.figures.not_studied) == 0, timeout=WAIT_MS)
        assert view.idle_label.text() == "Everyone studied this week."
        rows = range(view.items_model.rowCount())
        assert {view.items_model.text(r, 2) for r in rows} == {"2"}
        assert {view.items_model.text(r, 3) for r in rows} == {"50%"}
        # Sorting by a column sorts the figures, not their text: Ben (0%) before Ana.
        view.roster_table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        assert [view.roster_model.text(r, 0) for r in range(2)] == ["Ben Okafor", "Ana Diaz"]

        # The class report comes from the server, drawn by the class summary's own code.
        qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.preview is not None, timeout=WAIT_MS)
        assert view.preview is not None
        out = tmp_path / "class.pdf"
        dialogs.answer_save_path(str(out))
        view.preview.export_pdf()
        qtbot.waitUntil(out.exists, timeout=WAIT_MS)
        lane.wait()
        assert out.read_bytes().startswith(b"%PDF")
        view.preview.close()
    finally:
        window.close()
        lane.wait()
        ida.close()


def test_the_class_view_says_so_when_the_server_goes_away(
        program: Program, clock: FixedClock, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        lane: TaskRunner, dialogs: ScriptedDialogs) -> None:
    ida = program.open_as("ida", clock)
    try:  # opened on the Class section, so no other section reads while the server is away
        window = _window(qtbot, ida, tmp_path, lane, dialogs, section=section_index(CLASS))
        view = _class_view(window, qtbot)
        assert view.figures is not None and view.content.isVisible()
        program.server.stop("immediate")
        try:
            view.refresh()
            qtbot.waitUntil(lambda: not view.loading, timeout=WAIT_MS)
            assert view.status_label.text() == "offline — cannot reach the server"
            assert "Cannot reach the server" in view.idle_label.text()
            assert view.content.isVisible()  # the last figures stay, marked as old
        finally:
            program.server.start()
        view.refresh()
        qtbot.waitUntil(lambda: not view.loading, timeout=WAIT_MS)
        assert view.status_label.text().endswith("refreshes every minute")
        assert dialogs.asked == []
    finally:
        window.close()
        lane.wait()
        ida.close()


def test_a_trainee_and_a_learner_on_their_own_file_are_not_shown_the_class(
        program: Program, clock: FixedClock, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        lane: TaskRunner, dialogs: ScriptedDialogs, ctx: AppContext) -> None:
    row = section_index(CLASS)
    ana = program.open_as("ana", clock)
    try:
        window = _window(qtbot, ana, tmp_path, lane, dialogs)
        assert window.nav.item(row).isHidden()
        assert not any(window.nav.item(r).isHidden() for r in range(len(SECTIONS_REGISTRY))
                       if r != row)
        view = _class_view(window, qtbot)  # reached anyway (View menu): it explains itself
        assert view.empty.isVisible()
        assert view.empty.title_label.text() == "The class view is for instructors"
        with ana.db.session() as s:
            assert own_profile_id(s) is not None
        window.close()
        lane.wait()
    finally:
        ana.close()
    local = _window(qtbot, ctx, tmp_path / "local", lane, dialogs)
    assert local.nav.item(row).isHidden()
    view = _class_view(local, qtbot)
    assert view.empty.title_label.text() == "The class view is for a training program's server"


def test_an_instructor_who_started_offline_sees_the_class_once_the_server_is_back(
        program: Program, clock: FixedClock, qtbot: QtBot, tmp_path: Path,  # noqa: F811
        lane: TaskRunner, dialogs: ScriptedDialogs) -> None:
    from mht_desktop.services.replica import refresh_replica

    url, data = program.url("ida"), tmp_path / "laptop"
    online = program.open_as("ida", clock)
    try:
        me = online.profiles.own()
        assert me is not None
        refresh_replica(online.db, data, url, me.id, clock)
    finally:
        online.close()
    program.server.stop("immediate")
    try:
        ida = AppContext.open_offline(url, data, clock=clock)
        window = _window(qtbot, ida, tmp_path, lane, dialogs, section=section_index(CLASS))
        assert not window.nav.item(section_index(CLASS)).isHidden()
        view = _class_view(window, qtbot)
        assert view.empty.title_label.text() == "Cannot reach the program's server"
    finally:
        program.server.start()
    try:
        view.live_timer.timeout.emit()
        qtbot.waitUntil(lambda: not view.loading and view.figures is not None, timeout=WAIT_MS)
        assert view.roster_model.rowCount() == 2 and dialogs.asked == []
    finally:
        window.close()
        lane.wait()
        ida.close()
