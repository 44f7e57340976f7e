"""The timed exam's clock: counts down on the GUI thread without asking the database.

The quiz service keeps the time that counts (it is stored with the attempt and survives
quitting). Reading it once a second would mean a database session on the GUI thread every
second, so this clock starts from the service's figure, counts down locally on a monotonic
clock, and every :data:`SAVE_EVERY_S` seconds asks its owner to save the time on the DB lane;
the figure the lane hands back is taken over with :meth:`ExamClock.reconcile`, so the two
never drift apart by more than one save's worth of rounding.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

SAVE_EVERY_S = 10         # seconds between saves of the clock on the DB lane
TICK_MS = 1000


class ExamClock(QObject):
    """A local countdown for one exam.

    Signals:
        ticked(float): seconds remaining, once a second (and at once on start).
        save_due(): time to save the clock on the DB lane (every ``save_every_s``).
        expired(): the time is up; the owner submits the exam on the lane.

    Args:
        parent: The owning widget.
        now: The monotonic time source, in seconds (tests pass their own).
        save_every_s: Seconds between ``save_due`` signals.
    """

    ticked = Signal(float)
    save_due = Signal()
    expired = Signal()

    def __init__(self, parent: QObject | None = None, *,
                 now: Callable[[], float] = time.monotonic,
                 save_every_s: float = SAVE_EVERY_S) -> None:
        super().__init__(parent)
        self._now = now
        self._save_every_s = save_every_s
        self._deadline = 0.0
        self._last_save = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    @property
    def running(self) -> bool:
        """Whether the clock is counting."""
        return self._timer.isActive()

    def start(self, remaining_s: float) -> None:
        """Count down from ``remaining_s`` seconds."""
        now = self._now()
        self._deadline = now + remaining_s
        self._last_save = now
        self._timer.start()
        self.tick()

    def stop(self) -> None:
        """Stop counting (the exam was submitted, paused or left)."""
        self._timer.stop()

    def remaining(self) -> float:
        """Seconds left, never below zero."""
        return max(0.0, self._deadline - self._now())

    def reconcile(self, remaining_s: float | None) -> None:
        """Take over the remaining time the service stored (None: the exam is not timed)."""
        if remaining_s is not None and self.running:
            self._deadline = self._now() + remaining_s

    def tick(self) -> None:
        """Show the time; save it now and then; say when it has run out."""
        if not self.running:
            return
        remaining = self.remaining()
        self.ticked.emit(remaining)
        if remaining <= 0:
            self._timer.stop()
            self.expired.emit()
            return
        if self._now() - self._last_save >= self._save_every_s:
            self._last_save = self._now()
            self.save_due.emit()
