"""Import the sections' modules before their first visit, on a background thread.

Why: each section's view is built the first time the learner opens it, and most of that first
visit was Python importing the view's modules on the GUI thread (Progress: ~100 ms of
``import`` — the report renderer, the statistics services, their dataclasses — before its
~15 ms of widgets). A thread that imports them while the learner reads the first section
leaves only the widgets to build. Executing a module's code takes the GIL in short turns, so
the window stays responsive meanwhile; no Qt object is made there (the modules make none when
imported), and nothing touches the database.

Two threads importing at once could deadlock on a cycle between modules (Python then hands
one of them a half-initialised module), so the window imports a section's module under the
same lock as this thread: at worst it waits for the module being imported to finish.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from types import ModuleType

from mht_desktop.ui.imports import import_and_forget_source

log = logging.getLogger(__name__)

_IMPORTING = threading.Lock()


def import_section_module(name: str) -> ModuleType:
    """Import a section's module (from the GUI thread), never alongside the warm-up."""
    with _IMPORTING:
        return import_and_forget_source(name)


class SectionWarmup:
    """Imports module names one at a time on a daemon thread.

    Attributes:
        finished: Set when every module has been imported (or failed to).
    """

    def __init__(self, modules: Sequence[str]) -> None:
        self._modules = tuple(modules)
        self.finished = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin importing (once); returns at once."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="mht-section-warmup",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for name in self._modules:
                with _IMPORTING:
                    try:
                        import_and_forget_source(name)
                    except Exception:  # the visit imports it again and shows the error
                        log.exception("Importing %s ahead of its first visit failed", name)
        finally:
            self.finished.set()
