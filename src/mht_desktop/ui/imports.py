"""Importing modules after Qt without keeping their source text in memory.

PySide6 installs an import hook (for its optional ``from __feature__ import …``) that reads
the source of every module imported after Qt, with ``inspect.getsource``, to see whether it
mentions PySide. ``inspect`` keeps what it read in ``linecache``: several megabytes for
SQLAlchemy or markdown-it that nothing here ever looks at again. Tracebacks re-read the
source when they need it, so dropping the cache after a big import is safe.
"""

from __future__ import annotations

import importlib
import linecache
from types import ModuleType


def forget_imported_sources() -> None:
    """Drop the source text PySide6's import hook has read so far."""
    linecache.clearcache()


def import_and_forget_source(name: str) -> ModuleType:
    """Import module ``name``, then drop the source text read while importing it."""
    module = importlib.import_module(name)
    forget_imported_sources()
    return module
