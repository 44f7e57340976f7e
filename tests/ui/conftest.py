"""What the UI tests share: one window fixture, scripted dialogs.

Views ask the learner through the view context's ``dialogs``; here a :class:`ScriptedDialogs`
answers instead of a modal box, and records what was asked so a test can check it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from mht_desktop.core.errors import MhtError
from mht_desktop.core.profiles import Profile
from mht_desktop.core.server_login import ServerLogin
from mht_desktop.services.context import AppContext
from mht_desktop.ui import gui_thread_guard
from mht_desktop.ui.gui_thread_guard import GuardedApplication
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner, TaskRunner


class ScriptedDialogs:
    """Answers a view's questions from a script (see ``mht_desktop.ui.dialog_service``).

    Queue answers with ``answer_confirm`` / ``answer_text`` / …; with nothing queued, a
    confirmation says Yes, and text, save and open prompts are cancelled.
    """

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []   # (kind, title, text or label)
        self._confirms: deque[bool] = deque()
        self._texts: deque[str | Callable[[str], str] | None] = deque()
        self._save_paths: deque[str | None] = deque()
        self._open_paths: deque[list[str]] = deque()
        self._logins: deque[ServerLogin | None] = deque()

    def answer_confirm(self, *answers: bool) -> None:
        self._confirms.extend(answers)

    def answer_text(self, *answers: str | Callable[[str], str] | None) -> None:
        """Queue texts; a callable gets the text the prompt started with."""
        self._texts.extend(answers)

    def answer_save_path(self, *answers: str | None) -> None:
        self._save_paths.extend(answers)

    def answer_open_paths(self, *answers: list[str]) -> None:
        self._open_paths.extend(answers)

    def answer_server_login(self, *answers: ServerLogin | None) -> None:
        self._logins.extend(answers)

    def titles(self, kind: str) -> list[str]:
        """Titles of the dialogs of one kind shown so far."""
        return [title for k, title, _ in self.asked if k == kind]

    # -- the Dialogs protocol ------------------------------------------------------------
    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        self.asked.append(("confirm", title, text))
        return self._confirms.popleft() if self._confirms else True

    def ask_text(self, parent: QWidget, title: str, label: str, text: str) -> str | None:
        self.asked.append(("text", title, label))
        answer = self._texts.popleft() if self._texts else None
        return answer(text) if callable(answer) else answer

    def ask_save_path(self, parent: QWidget, title: str, suggested: str,
                      filters: str) -> str | None:
        self.asked.append(("save", title, suggested))
        return self._save_paths.popleft() if self._save_paths else None

    def ask_open_paths(self, parent: QWidget, title: str, folder: str,
                       filters: str) -> list[str]:
        self.asked.append(("open", title, folder))
        return self._open_paths.popleft() if self._open_paths else []

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("inform", title, text))

    def ask_server_login(self, parent: QWidget, login: ServerLogin | None,
                         problem: str) -> ServerLogin | None:
        """Recorded with the problem said in the form (empty the first time)."""
        self.asked.append(("server login", login.url if login else "", problem))
        return self._logins.popleft() if self._logins else None

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        self.asked.append(("warn", title, text))

    def error(self, parent: QWidget | None, exc: BaseException) -> None:
        """Expected errors are recorded like a warning; anything else fails the test."""
        if not isinstance(exc, MhtError):
            raise exc
        self.asked.append(("error", type(exc).__name__, str(exc)))


@pytest.fixture(autouse=True)
def _gui_thread_guard(qapp: QApplication) -> Iterator[None]:
    """Every UI test fails if the database is used on the GUI thread during an event."""
    assert isinstance(qapp, GuardedApplication), "tests/conftest.py makes the app guarded"
    gui_thread_guard.enable()
    yield
    gui_thread_guard.disable()


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    """The scripted dialogs every test window uses."""
    return ScriptedDialogs()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                dialogs: ScriptedDialogs) -> WindowFactory:
    """Open a main window on ``ctx``, shown, with scripted dialogs.

    Call it as ``make_window(section="Quiz", profile=p, tasks=runner)``: every argument is
    optional (the default learner is a new "Ana", tasks run immediately). Windows opened
    again in one test share the settings file, as a restart of the app would.
    """
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)

    def make(section: str | None = None, *, profile: Profile | None = None,
             tasks: TaskRunner | None = None) -> MainWindow:
        if profile is None:
            profiles = ctx.profiles.list()
            profile = profiles[0] if profiles else ctx.profiles.create("Ana")[0]
        window = MainWindow(ctx, profile, tasks=tasks or ImmediateTaskRunner(),
                            settings=settings, dialogs=dialogs)
        qtbot.addWidget(window)
        window.show()
        if section is not None:
            window.nav.setCurrentRow(SECTIONS.index(section))
        return window

    return make
