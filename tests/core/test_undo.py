from __future__ import annotations

from mht_desktop.core.undo import UndoStack


def test_undo_stack_is_capped_and_named() -> None:
    stack: UndoStack[int] = UndoStack(limit=3)
    for i in range(5):
        stack.push(f"step {i}", i)
    assert len(stack) == 3 and stack.label == "step 4"
    popped = [stack.pop() for _ in range(4)]
    assert [s.payload for s in popped if s] == [4, 3, 2] and popped[-1] is None
