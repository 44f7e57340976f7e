"""Progress reports and cancellation for long work (imports, reports).

Long services are generators that yield :class:`Progress`; a front end turns them into a
progress dialog (GUI) or nothing (CLI), and can stop them with a :class:`CancelToken`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from mht_desktop.core.errors import MhtError


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a task has got."""

    done: int
    total: int
    label: str = ""


class Cancelled(MhtError):
    """The user cancelled the task; nothing was written."""


class CancelToken:
    """A flag the UI sets and long work checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop the task here if asked to.

        Raises:
            Cancelled: when the token was cancelled.
        """
        if self._event.is_set():
            raise Cancelled("Cancelled; nothing was changed.")
