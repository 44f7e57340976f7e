"""One error path: what happens when something goes wrong.

Expected errors (:class:`~mht_desktop.core.errors.MhtError` and its kinds: a bad bank file,
a locked database, a typed storage error) carry a message written for the learner, and are
shown as it is. Anything else is a bug: it is written with its traceback to a rotating log
file in the platform's log folder, and a dialog says what happened, that nothing saved was
lost, and offers "Copy details" for a bug report. :func:`install` routes uncaught exceptions
(``sys.excepthook``, ``threading.excepthook``) here; the task runner's default error handler
and :meth:`SectionView.show_error` use :func:`report` too.
"""

from __future__ import annotations

import html
import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mht_desktop import __version__
from mht_desktop.core.errors import MhtError
from mht_desktop.storage.paths import default_log_dir
from mht_desktop.ui.rich_text import RichLabel

LOG_FILE = "mht-desktop.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
log = logging.getLogger("mht_desktop")


def details_of(exc: BaseException) -> str:
    """The traceback of ``exc`` as text (the lane's copy when it failed on the worker)."""
    text = getattr(exc, "__traceback_text__", None)
    if isinstance(text, str) and text:
        return text
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def install_log(folder: Path | None = None) -> Path:
    """Log to a rotating file in ``folder`` (default: the platform's log folder)."""
    folder = folder or default_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path
               for h in log.handlers):
        handler = RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                      encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


def install(folder: Path | None = None) -> Path:
    """Send uncaught exceptions (GUI thread and others) to :func:`report`; returns the log."""
    path = install_log(folder)

    def hook(kind: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report(exc)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.error("Uncaught in thread %s:\n%s", getattr(args.thread, "name", "?"),
                      details_of(args.exc_value))

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return path


def report(exc: BaseException, parent: QWidget | None = None) -> None:
    """Tell the learner about ``exc``: its own message if expected, else the error dialog."""
    if isinstance(exc, MhtError):
        log.info("Shown to the learner: %s", exc)
        if QApplication.instance() is not None:
            from mht_desktop.ui.rich_text import show_message

            show_message(parent, "MHT Desktop", str(exc))
        return
    details = details_of(exc)
    log.error("Unexpected error: %s", details)
    if QApplication.instance() is not None:
        ErrorDialog(summary_of(exc), details, parent).exec()


def summary_of(exc: BaseException) -> str:
    """One line for people: what kind of error, and its message."""
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class ErrorDialog(QDialog):
    """An unexpected error: what happened, reassurance, and details to copy for a report."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MHT Desktop — something went wrong")
        self.resize(620, 420)
        self.details = (f"MHT Desktop {__version__} on Python {sys.version.split()[0]} "
                        f"({sys.platform})\n\n{details}")
        layout = QVBoxLayout(self)
        head = RichLabel(f"<b>Something went wrong that MHT Desktop did not expect.</b><br>"
                      f"{html.escape(summary)}<br><br>Nothing you saved was lost: every answer is "
                      "stored the moment you give it. If it happens again, copy the details "
                      "below into a bug report.")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.details_view = QPlainTextEdit(self.details)
        self.details_view.setReadOnly(True)
        layout.addWidget(self.details_view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        """Put the details on the clipboard."""
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")
