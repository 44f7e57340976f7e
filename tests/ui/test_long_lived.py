"""A built section is out of the collector's full passes (core/collector.py, bench/ui_stall.py)."""

from __future__ import annotations

import gc

from tests.ui.conftest import WindowFactory

from mht_desktop.core.collector import thaw


def _tracked(obj: object) -> bool:
    """Whether ``obj`` is among the objects a full collection walks (not frozen)."""
    return any(o is obj for o in gc.get_objects())


def test_each_section_built_leaves_the_collectors_full_passes(make_window: WindowFactory
                                                               ) -> None:
    thaw()
    window = make_window()                    # builds the first section on attach
    first = window.views[0]
    assert gc.get_freeze_count() > 0 and not _tracked(first)
    before = gc.get_freeze_count()
    quiz = window.section("quiz")             # a first visit freezes what it built
    assert gc.get_freeze_count() > before and not _tracked(quiz)
    built_again = gc.get_freeze_count()
    assert window.section("quiz") is quiz     # a second visit builds nothing, freezes nothing
    assert gc.get_freeze_count() == built_again
