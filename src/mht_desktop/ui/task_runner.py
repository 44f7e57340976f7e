"""One serial lane for database work, off the UI thread (after Anki's ``taskman``).

Every task runs on a single worker thread, so there is never a second writer. Results and
errors come back on the UI thread through queued signals. Work that yields
:class:`~mht_desktop.core.progress.Progress` gets a progress dialog, but only once it has taken
longer than :data:`PROGRESS_DELAY_MS`, so quick work never flashes a dialog.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from mht_desktop.core.progress import CancelToken, Progress
from mht_desktop.storage.thread_guard import DatabaseOnWrongThread
from mht_desktop.ui.gui_thread_guard import lane_scope

PROGRESS_DELAY_MS = 600
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Carries a task's outcome back to the UI thread."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._work()
            if isinstance(result, Generator):
                result = self._drive(result)
        except BaseException as exc:
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.finished, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            pass  # The app is shutting down and the receiver is gone: nothing to deliver.

    def _drive(self, generator: Generator[Progress, None, Any]) -> Any:
        while True:
            try:
                self._emit(self._relay.progressed, next(generator))
            except StopIteration as stop:
                return stop.value


# While the lane runs Python, the GUI thread gets the GIL back only once CPython asks the lane
# to give it up, after the switch interval (5 ms by default). Painting a widget calls back
# into Python many times (the theme's drawPrimitive, event filters), each call waiting up to
# that interval: the progress dialog's first paint during a 10,000-question import waited
# ~100 ms in all at 5 ms (ui_stall import_10k), and 39-85 ms at 1 ms; at 0.2 ms it waited
# 15-34 ms. A thread running alone (no one waiting for the GIL) is never interrupted, so the
# lane is as fast as before while the window is idle. A thread that keeps waking for the GIL
# slowed a busy one by 5-7 %, at 1 ms and at 0.2 ms alike.
GIL_SWITCH_INTERVAL_S = 0.0002


def _report(exc: BaseException) -> None:
    from mht_desktop.ui.error_reporting import report

    report(exc)


class TaskRunner(QObject):
    """Runs callables on the database lane and reports back on the UI thread.

    A task run without ``on_error`` that fails goes to :attr:`default_error_handler` (the
    window's error dialog), never raised inside a Qt slot where it would be lost. Making
    one sets the process's GIL switch interval to :data:`GIL_SWITCH_INTERVAL_S`.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)  # the window's turn comes quickly
        self.default_error_handler: Failed = _report
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending = 0
        self._relays: set[_Relay] = set()

    def run(self, work: Callable[[], Any], *, on_done: Done | None = None,
            on_error: Failed | None = None, label: str = "",
            parent: QWidget | None = None, cancel: CancelToken | None = None) -> None:
        """Queue ``work``; call ``on_done(result)`` or ``on_error(exc)`` on the UI thread.

        If ``work`` returns a generator of Progress, it is driven on the worker and a
        progress dialog (with Cancel when ``cancel`` is given) appears after a short delay.
        """
        relay = _Relay()
        self._relays.add(relay)
        dialog: list[QProgressDialog] = []
        timer = QTimer(relay)
        timer.setSingleShot(True)
        last: list[Progress] = []

        def show_dialog() -> None:
            box = QProgressDialog(label or "Working…", "Cancel" if cancel else "", 0, 0, parent)
            box.setWindowTitle("MHT Desktop")
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.setMinimumDuration(0)
            if cancel is None:
                box.setCancelButton(None)
            else:
                box.canceled.connect(cancel.cancel)
            if last:
                _apply(box, last[-1])
            box.show()
            dialog.append(box)

        def on_progress(progress: Progress) -> None:
            last[:] = [progress]
            if dialog:
                _apply(dialog[0], progress)

        def finish() -> None:
            timer.stop()
            for box in dialog:
                box.close()
                box.deleteLater()
            self._relays.discard(relay)
            relay.deleteLater()
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)

        def done(result: object) -> None:
            finish()
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            finish()
            (on_error or self.default_error_handler)(exc)

        relay.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)
        relay.finished.connect(done, Qt.ConnectionType.QueuedConnection)
        relay.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        timer.timeout.connect(show_dialog)
        timer.start(PROGRESS_DELAY_MS)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(work, relay))

    def wait(self, msecs: int = 30000) -> bool:
        """Block until queued work is done (shutdown and tests)."""
        return self._pool.waitForDone(msecs)


def _apply(box: QProgressDialog, progress: Progress) -> None:
    box.setMaximum(max(progress.total, 1))
    box.setValue(min(progress.done, progress.total))
    if progress.label:
        box.setLabelText(progress.label)


def _raise(exc: BaseException) -> None:
    raise exc


class ImmediateTaskRunner(TaskRunner):
    """Runs work at once on the calling thread: for tests, where timing must not matter.

    On its own it raises a failure that has no ``on_error`` (a window replaces the default
    handler with its error dialog).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.default_error_handler = _raise

    def run(self, work: Callable[[], Any], *, on_done: Done | None = None,
            on_error: Failed | None = None, label: str = "",
            parent: QWidget | None = None, cancel: CancelToken | None = None) -> None:
        try:
            with lane_scope():  # inline, but lane work: the GUI-thread guard allows it
                result = work()
                if isinstance(result, Generator):
                    while True:
                        try:
                            next(result)
                        except StopIteration as stop:
                            result = stop.value
                            break
        except BaseException as exc:
            if isinstance(exc, DatabaseOnWrongThread):
                raise  # a programming error: let the test fail where it happened
            (on_error or self.default_error_handler)(exc)
            return
        if on_done is not None:
            on_done(result)

    @Slot()
    def wait(self, msecs: int = 0) -> bool:
        return True
