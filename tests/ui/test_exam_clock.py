"""The exam clock counts down locally, saves now and then, and takes over the stored time."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from mht_desktop.ui.views.exam_clock import ExamClock


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_counts_down_saves_reconciles_and_expires(qtbot: QtBot) -> None:
    time = FakeTime()
    clock = ExamClock(now=time, save_every_s=10)
    ticks: list[float] = []
    saves: list[bool] = []
    expired: list[bool] = []
    clock.ticked.connect(ticks.append)
    clock.save_due.connect(lambda: saves.append(True))
    clock.expired.connect(lambda: expired.append(True))
    clock.start(60.0)
    assert clock.running and ticks == [60.0]
    time.now += 4
    clock.tick()
    assert ticks[-1] == 56.0 and not saves
    time.now += 6
    clock.tick()
    assert saves == [True]            # ten seconds: time to save on the lane
    clock.reconcile(52.5)              # the lane's stored figure wins
    assert clock.remaining() == 52.5
    time.now += 52.5
    clock.tick()
    assert expired == [True] and not clock.running and ticks[-1] == 0.0
    clock.tick()                       # stopped: nothing more
    assert expired == [True]


def test_reconcile_ignores_an_untimed_answer(qtbot: QtBot) -> None:
    time = FakeTime()
    clock = ExamClock(now=time)
    clock.start(30.0)
    clock.reconcile(None)
    assert clock.remaining() == 30.0
    clock.stop()
    clock.reconcile(5.0)               # not running: nothing to take over
    assert clock.remaining() == 30.0
