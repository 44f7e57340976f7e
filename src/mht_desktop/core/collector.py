"""The cyclic garbage collector around bulk loads and long-lived objects.

Whichever thread allocates when a full (generation 2) collection falls due runs it, holding
the GIL, so a full pass on the database lane stalls the window for as long as it takes.
Two tools keep those passes short:

* :func:`settle_long_lived` — the window calls it once a section is built. It moves every
  object alive then into the collector's permanent generation (``gc.freeze``: a list
  splice, no scan), so later full passes walk only what was made since. After start-up the
  heap holds hundreds of thousands of objects that live as long as the app (SQLAlchemy's
  and Qt's modules, the learner's data, the built sections): with them frozen, the one full
  pass of a 100-question exam's build (58 ms on the lane, ``bench/ui_stall.py``) is gone.
  Frozen objects are still freed by reference counting; only a reference cycle that is
  already garbage at that moment is never collected, and the window freezes at most once
  per section.
* :func:`gc_paused` — around a bulk load (a bank import). Parsing a big bank allocates
  hundreds of thousands of small objects that all stay alive until it is stored; the
  collector would rescan them again and again for nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class _State:
    """Whether :func:`settle_long_lived` froze objects in this process."""

    app_froze = False


def settle_long_lived() -> None:
    """Take every object alive now out of the collector's future full passes."""
    gc.freeze()
    _State.app_froze = True


def thaw() -> None:
    """Make every frozen object collectable again (tests that open many windows)."""
    gc.unfreeze()
    _State.app_froze = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk load.

    On the way out, what the load made is moved straight to the oldest generation (a freeze
    and an unfreeze: two list splices, no scan). Otherwise the first allocation after the
    pause would scan the whole new bank as young objects (~15–20 ms of CPU for 10,000
    questions) and the next middle-generation collection would scan it again, to find that
    it all lives: a bank is frozen dataclasses and tuples, freed by reference counting.
    Cyclic garbage made during the load waits for the next full collection instead.

    The move is skipped under an outer pause (it promotes on its own way out) and where
    objects are frozen — by :func:`settle_long_lived`, known without counting (counting the
    frozen walks all of them, ~3 ms per 500,000), or by someone else — since the unfreeze
    would undo that freeze; the young collections then scan the load as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not _State.app_froze and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
