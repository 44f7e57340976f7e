"""The GUI-thread guard: a database connection opened while the window handles an event fails.

A click, a key, a timer tick or a result delivered from the lane is an *event*; while the GUI
thread handles one, the window cannot repaint, so any database work there is a stall. The
guard counts event deliveries in :class:`GuardedApplication` (its ``notify``) and installs a
check in :mod:`mht_desktop.storage.thread_guard`: a connection checked out on the GUI thread,
during an event, outside a lane task, raises ``DatabaseOnWrongThread`` naming the problem.

Lane tasks are allowed: on the real lane they run on the worker thread; the tests'
:class:`~mht_desktop.ui.task_runner.ImmediateTaskRunner` runs them inline inside
:func:`lane_scope`. Code outside any event (a test's own setup, start-up before the event
loop) is not judged: it is not the window blocking.

Switch it on with ``MHT_DESKTOP_GUARD_GUI_THREAD=1`` (it costs a Python call per event); the
UI tests always run with it on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from mht_desktop.storage import thread_guard

ENV_VAR = "MHT_DESKTOP_GUARD_GUI_THREAD"


class _State(threading.local):
    def __init__(self) -> None:
        self.events = 0     # event deliveries in progress on this thread
        self.lane = 0       # lane tasks running inline on this thread


_state = _State()
_gui_thread: threading.Thread | None = None


class GuardedApplication(QApplication):
    """A QApplication that knows when it is delivering an event (for the guard)."""

    def notify(self, receiver: QObject, event: QEvent) -> bool:
        _state.events += 1
        try:
            return super().notify(receiver, event)
        finally:
            _state.events -= 1


@contextmanager
def lane_scope() -> Iterator[None]:
    """Mark work run inline as lane work (the immediate task runner)."""
    _state.lane += 1
    try:
        yield
    finally:
        _state.lane -= 1


def _check() -> str | None:
    if threading.current_thread() is not _gui_thread or _state.lane or not _state.events:
        return None
    return ("A database connection was opened on the GUI thread while it was handling an "
            "event: this blocks the window. Run the work through the task runner "
            "(ctx.tasks.run) and use its result in on_done.")


def enable(gui_thread: threading.Thread | None = None) -> None:
    """Guard the database from now on (``gui_thread``: the thread that made the app)."""
    global _gui_thread
    _gui_thread = gui_thread or threading.current_thread()
    thread_guard.install_check(_check)


def disable() -> None:
    """Switch the guard off."""
    thread_guard.install_check(None)


def wanted() -> bool:
    """Whether the environment asks for the guard."""
    return os.environ.get(ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}
