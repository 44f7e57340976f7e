"""Keeping the garbage collector's full passes short, so the lane never stalls the window.

Whichever thread allocates when a full (generation 2) collection falls due runs it, holding
the GIL: the window's thread waits as long as the pass takes. After start-up the heap holds
hundreds of thousands of objects that live as long as the app (SQLAlchemy's and Qt's
modules, the learner's data, the built sections), and each full pass walked all of them —
58 ms on the lane while a 100-question exam was being built, measured with
``bench/ui_stall.py``. Moving what is alive once a section is built into the collector's
permanent generation (``gc.freeze``: a list splice, no scan) leaves the later passes only
the objects made since. Frozen objects are still freed by reference counting as usual; only
a reference cycle that is already garbage at that moment is never collected, and there are
at most a handful of freezes per window (one per section's first use).
"""

from __future__ import annotations

import gc


def settle_long_lived() -> None:
    """Take every object alive now out of the collector's future full passes."""
    gc.freeze()
