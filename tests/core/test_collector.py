"""The collector pause around bank loads: restored whatever happens, and the load left old."""

from __future__ import annotations

import gc

import pytest

from mht_desktop.core.collector import gc_paused, settle_long_lived, thaw


class _Node:
    """A tracked object the collector can see."""

    def __init__(self) -> None:
        self.peers: list[_Node] = []


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation))


def test_the_collector_is_back_on_after_a_load_and_after_a_failed_one() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the file did not parse")
    assert gc.isenabled()


def test_what_the_load_made_is_in_the_oldest_generation_and_nothing_is_pending() -> None:
    with gc_paused():
        made = [_Node() for _ in range(1000)]
    # Not left in the young generation, where the next allocation would scan all of it.
    assert gc.get_count()[0] < 50
    assert _in_generation(made[0], 2) and not _in_generation(made[0], 0)
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_of_a_load_is_still_collected() -> None:
    with gc_paused():
        a, b = _Node(), _Node()
        a.peers.append(b)
        b.peers.append(a)
        probe = [a]
    del a, b
    probe.clear()
    assert gc.collect() >= 2


def test_an_outer_pause_and_a_freeze_made_elsewhere_are_left_alone() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # the caller's pause is still on
    finally:
        gc.enable()
    frozen = _Node()
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        with gc_paused():
            _Node()
        assert gc.get_freeze_count() == count  # not unfrozen by the load
        assert not _in_generation(frozen, 2)
    finally:
        gc.unfreeze()


def test_after_the_window_froze_its_objects_a_load_leaves_them_frozen() -> None:
    kept = _Node()
    settle_long_lived()
    try:
        count = gc.get_freeze_count()
        with gc_paused():
            made = [_Node() for _ in range(100)]
        assert gc.isenabled()
        assert gc.get_freeze_count() == count   # the window's freeze is not undone
        assert not any(o is kept for o in gc.get_objects())
        assert any(o is made[0] for o in gc.get_objects())  # the load stays collectable
    finally:
        thaw()
    assert any(o is kept for o in gc.get_objects())
