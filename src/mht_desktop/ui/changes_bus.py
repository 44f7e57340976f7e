"""Broadcasts what a service call changed, so each view refreshes itself (after Anki).

Each notice carries its *initiator*, the view whose action caused it: that view has already
updated itself from the call's result, so it can skip its own notice instead of reloading.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from mht_desktop.core.changes import Changes


class ChangesBus(QObject):
    """Views connect to :attr:`changed` ``(changes, initiator)`` instead of calling each other."""

    changed = Signal(object, object)

    def publish(self, changes: Changes, initiator: object | None = None) -> None:
        """Tell every view what changed (nothing is sent when nothing changed).

        Args:
            changes: What the service call reported.
            initiator: The view that made the change (None: the window, or no one).
        """
        if changes.any:
            self.changed.emit(changes, initiator)
