"""Broadcasts what a service call changed, so each view refreshes itself (after Anki)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from mht_desktop.core.changes import Changes


class ChangesBus(QObject):
    """Views connect to :attr:`changed` instead of calling each other."""

    changed = Signal(object)

    def publish(self, changes: Changes) -> None:
        """Tell every view what changed (nothing is sent when nothing changed)."""
        if changes.any:
            self.changed.emit(changes)
