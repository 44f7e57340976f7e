"""FSRS scheduling through the ``fsrs`` package (we do not write our own scheduler)."""

from mht_desktop.scheduling.fsrs_adapter import FsrsScheduler

__all__ = ["FsrsScheduler"]
