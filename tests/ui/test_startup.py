"""Start-up: the window shows before the data layer loads, then fills with the learner's data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot
from tests.pg_server import LocalServer

from mht_desktop.services.context import AppContext
from mht_desktop.ui.app import Startup
from mht_desktop.ui.main_window import SECTIONS, LoadingPage, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner


def test_window_modules_do_not_import_the_data_layer() -> None:
    # SQLAlchemy takes longer to import than Qt takes to show a window: the start-up path
    # must leave it to the worker lane. A fresh interpreter, so other tests cannot hide it.
    code = ("import sys, mht_desktop.launcher, mht_desktop.ui.app, mht_desktop.ui.main_window;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic', 'markdown_it', 'fsrs') "
            "or m.startswith(('mht_desktop.services', 'mht_desktop.ui.views'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_shell_window_waits_for_data_then_builds_sections_on_demand(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(None, None, tasks=ImmediateTaskRunner(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert not window.attached and window.views == []
    assert all(isinstance(window.stack.widget(i), LoadingPage) for i in range(len(SECTIONS)))
    assert not window.undo_action.isEnabled()
    window.nav.setCurrentRow(SECTIONS.index("Quiz"))  # navigating before the data is fine
    assert isinstance(window.stack.currentWidget(), LoadingPage)

    profile, _ = ctx.profiles.create("Ana")
    window.attach(ctx, profile)
    assert window.windowTitle() == "MHT Desktop — Ana"
    assert window.undo_action.isEnabled()
    assert [type(v).__name__ for v in window.views] == ["QuizView"]
    assert window.stack.currentWidget() is window.quiz
    assert settings.value("session/last_profile") in (profile.id, str(profile.id))


def test_startup_opens_the_only_learner_and_signals_ready(qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    app_ctx = AppContext.open(data)
    app_ctx.profiles.create("Ana")
    app_ctx.close()

    startup = Startup(data)
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=30000):
        startup.begin()
        assert startup.window.isVisible()  # shown before the data is open
    assert startup.window.attached
    assert startup.window.profile is not None and startup.window.profile.name == "Ana"
    assert startup.app_ctx is not None
    banks = startup.app_ctx.banks.list()
    assert banks, "the shipped banks load after start-up"
    startup.window.close()
    startup.close()


def test_startup_in_server_mode_studies_on_the_server(qtbot: QtBot, tmp_path: Path,
                                                       pg_head_url: str) -> None:
    server = AppContext.open_url(pg_head_url)
    server.profiles.create("Ana")
    server.close()

    startup = Startup(tmp_path / "data", database_url=pg_head_url)
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=30000):
        startup.begin()
    assert startup.window.profile is not None and startup.window.profile.name == "Ana"
    assert startup.app_ctx is not None and startup.app_ctx.db.is_server
    assert not (tmp_path / "data" / "mht-desktop.sqlite3").exists()
    startup.window.close()
    startup.close()


def test_startup_asks_for_a_server_password_it_does_not_have(
        qtbot: QtBot, tmp_path: Path, pg_server: LocalServer, pg_head_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeychain

    server = AppContext.open_url(pg_head_url)
    server.profiles.create("Ana")
    server.close()
    asked: list[str] = []

    def answer(_parent: object, _title: str, label: str, _echo: object) -> tuple[str, bool]:
        asked.append(label)
        return pg_server.password, True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeychain())  # no keychain here: the window must ask
    try:
        bare = pg_head_url.replace(f":{pg_server.password}@", "@")
        startup = Startup(tmp_path / "data", database_url=bare)
        qtbot.addWidget(startup.window)
        with qtbot.waitSignal(startup.ready, timeout=30000):
            startup.begin()
    finally:
        keyring.set_keyring(before)
    database = pg_head_url.split("/")[3].split("?")[0]
    assert asked == [f"Password for mht_super@{pg_server.socket_dir}/{database}:"]
    assert startup.window.profile is not None and startup.window.profile.name == "Ana"
    startup.window.close()
    startup.close()


def test_the_status_bar_says_how_many_answers_wait_offline(
        qtbot: QtBot, tmp_path: Path, pg_server: LocalServer, pg_head_url: str,
        sample_bank_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mht_desktop.core.cards import Rating
    from mht_desktop.ui import app as app_module

    monkeypatch.setattr(app_module, "OUTBOX_POLL_MS", 100)
    server = AppContext.open_url(pg_head_url)
    server.banks.import_file_now(sample_bank_file)
    profile, _ = server.profiles.create("Ana")
    server.close()
    startup = Startup(tmp_path / "data", database_url=pg_head_url)
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.ready, timeout=30000):
        startup.begin()
    assert startup.app_ctx is not None
    study = startup.app_ctx.study(profile.id)
    card = study.next_card()
    assert card is not None
    label = startup.outbox_label
    pg_server.stop("immediate")
    try:
        # Answered on the lane, as the flashcards view does.
        for _ in range(2):
            startup.tasks.run(lambda: study.answer(card, Rating.GOOD))
        qtbot.waitUntil(lambda: label.isVisible()
                        and label.text() == "offline — 2 answers waiting", timeout=15000)
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=30000)
    startup.window.close()
    startup.close()
    server = AppContext.open_url(pg_head_url)
    try:
        with server.db.session() as s:
            count = s.connection().exec_driver_sql("SELECT count(*) FROM review_logs").scalar()
        assert count == 2
    finally:
        server.close()


def test_startup_reports_a_damaged_database_and_leaves_it_alone(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    damaged = data / "mht-desktop.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = damaged.read_bytes()
    shown: list[str] = []
    monkeypatch.setattr("mht_desktop.ui.app.show_message",
                        lambda _parent, _title, text, **_: shown.append(text))

    startup = Startup(data)
    qtbot.addWidget(startup.window)
    with qtbot.waitSignal(startup.failed, timeout=30000) as failed:
        startup.begin()
    assert str(damaged) in failed.args[0]
    assert shown == [failed.args[0]]
    assert not startup.window.attached
    startup.close()
    assert damaged.read_bytes() == before


def test_the_loading_pages_say_they_wait_for_a_learner_while_the_picker_is_open(
        qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    data = tmp_path / "data"
    app_ctx = AppContext.open(data)
    app_ctx.profiles.create("Ana")
    app_ctx.profiles.create("Ben")
    app_ctx.close()
    startup = Startup(data)
    qtbot.addWidget(startup.window)
    seen: list[str] = []

    def look_then_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, look_then_cancel)
            return
        page = startup.window.stack.widget(0)
        assert isinstance(page, LoadingPage)
        seen.append(page.label.text())
        dialog.reject()

    QTimer.singleShot(20, look_then_cancel)
    with qtbot.waitSignal(startup.cancelled, timeout=30000):
        startup.begin()
    assert seen == [LoadingPage.CHOOSING]   # not "Opening…" while nothing is opening
    page = startup.window.stack.widget(0)
    assert isinstance(page, LoadingPage) and page.label.text() == LoadingPage.OPENING
    startup.window.close()
    startup.close()
