"""A capped stack of named undo steps (after Anki's backend undo).

Services push a step for each undoable action; the Edit menu reads the name of the top step.
The stack itself only stores opaque payloads, so it can be tested without a database.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

P = TypeVar("P")
DEFAULT_LIMIT = 30


@dataclass(frozen=True, slots=True)
class UndoStep(Generic[P]):
    """One undoable action: a label for the menu and what undo needs."""

    label: str
    payload: P


class UndoStack(Generic[P]):
    """Newest step on top; the oldest falls off when the cap is reached."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._steps: deque[UndoStep[P]] = deque(maxlen=limit)

    def push(self, label: str, payload: P) -> None:
        """Record an action that can be undone."""
        self._steps.append(UndoStep(label, payload))

    def pop(self) -> UndoStep[P] | None:
        """Take the newest step (None when there is nothing to undo)."""
        return self._steps.pop() if self._steps else None

    @property
    def label(self) -> str | None:
        """The name of what Undo would undo now."""
        return self._steps[-1].label if self._steps else None

    def __len__(self) -> int:
        return len(self._steps)

    def clear(self) -> None:
        """Forget every step (e.g. when switching learner)."""
        self._steps.clear()
