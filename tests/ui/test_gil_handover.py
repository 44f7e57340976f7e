"""The task lane hands the GIL back to the window quickly (see ui/task_runner.py).

What that buys is measured by bench/ui_stall.py, not here: tests assert no timings.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from mht_desktop.ui.task_runner import GIL_SWITCH_INTERVAL_S, TaskRunner


@pytest.fixture
def cpython_default_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # CPython's own default
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("cpython_default_interval")
def test_the_lane_is_made_with_a_short_gil_switch_interval() -> None:
    runner = TaskRunner()
    assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_INTERVAL_S)
    assert GIL_SWITCH_INTERVAL_S <= 0.0005
    runner.deleteLater()
