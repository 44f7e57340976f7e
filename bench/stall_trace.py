"""What the GUI thread was doing during its longest stalls (``ui_stall.py --explain``).

A stall is the GUI thread away from its event loop. Everything Python does there starts as a
call from Qt into Python (a slot, a timer, a paint handler, a result from the lane); this
records each such top-level call on the GUI thread with its start and end, and the time spent
in each function called directly under it, so a long heartbeat gap can be matched with the
callbacks inside it. A gap with no Python inside is Qt's own C++ work (painting, layout,
creating native resources).

The profile hook costs a Python call per function call on the GUI thread, so an explained run
is slower than a plain one: use it to find the step, and a plain run for the figure.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any


def _name(frame: FrameType) -> str:
    code = frame.f_code
    module = frame.f_globals.get("__name__", "?")
    return f"{module}.{getattr(code, 'co_qualname', code.co_name)}:{frame.f_lineno}"


@dataclass
class Callback:
    """One call from Qt into Python on the GUI thread."""

    name: str
    start: float
    end: float = 0.0
    children: dict[str, float] = field(default_factory=dict)

    @property
    def ms(self) -> float:
        """How long it ran."""
        return (self.end - self.start) * 1000


class StallTrace:
    """Records top-level callbacks on the calling (GUI) thread while active.

    Args:
        loop_frame: The frame that runs the event loop (``loop.exec()``); calls whose caller
            is this frame are the callbacks from Qt.
    """

    def __init__(self, loop_frame: FrameType) -> None:
        self.loop_frame = loop_frame
        self.callbacks: list[Callback] = []
        self._stack: list[FrameType] = []
        self._child_start: float = 0.0
        self._child: FrameType | None = None

    def __enter__(self) -> StallTrace:
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)

    def _hook(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            if frame.f_back is self.loop_frame:
                self.callbacks.append(Callback(_name(frame), time.perf_counter()))
                self._stack = [frame]
            elif self._stack and frame.f_back is self._stack[0] and self._child is None:
                self._child, self._child_start = frame, time.perf_counter()
        elif event == "return":
            if self._child is frame:
                spent = time.perf_counter() - self._child_start
                children = self.callbacks[-1].children
                key = _name(frame)
                children[key] = children.get(key, 0.0) + spent
                self._child = None
            elif self._stack and frame is self._stack[0]:
                self.callbacks[-1].end = time.perf_counter()
                self._stack = []

    def inside(self, start: float, end: float) -> list[Callback]:
        """The callbacks that overlap the interval ``start``–``end`` (perf_counter s)."""
        return [c for c in self.callbacks if c.start < end and (c.end or end) > start]


def explain(gaps: list[tuple[float, float]], trace: StallTrace, *, began: float,
            top: int = 4, out: Any = None) -> None:
    """Print the ``top`` longest gaps (and when, from ``began``) with the callbacks inside."""
    out = out or sys.stdout
    for start, end in sorted(gaps, key=lambda g: g[0] - g[1])[:top]:
        print(f"    gap {(end - start) * 1000:7.1f} ms at +{start - began:.2f} s", file=out)
        inside = trace.inside(start, end)
        covered = sum(min(c.end or end, end) - max(c.start, start) for c in inside) * 1000
        for cb in sorted(inside, key=lambda c: -c.ms)[:6]:
            print(f"      {cb.ms:7.1f} ms  {cb.name}", file=out)
            for child, spent in sorted(cb.children.items(), key=lambda kv: -kv[1])[:4]:
                print(f"        {spent * 1000:7.1f} ms  {child}", file=out)
        print(f"      {(end - start) * 1000 - covered:7.1f} ms  outside Python (Qt's own work,"
              " or waiting for the GIL)", file=out)
