"""The shipped table of figures that age (``resources/guide/figures.toml``), read once."""

from __future__ import annotations

import threading
from pathlib import Path

from mht_desktop.core.errors import Problem
from mht_desktop.core.figures import Figure, read_figures
from mht_desktop.services.resources import resources_dir

FIGURES_FILE = "figures.toml"
_lock = threading.Lock()
_cache: dict[tuple[str, int], tuple[dict[str, Figure], list[Problem]]] = {}


def figures_path() -> Path:
    """Where the shipped figures live (beside the guide chapters that show them)."""
    return resources_dir() / "guide" / FIGURES_FILE


def load_figures(path: Path | None = None) -> tuple[dict[str, Figure], list[Problem]]:
    """The figures by key and the problems in the file (re-read when the file changes).

    A missing file gives an empty table: items that refer to a figure then fail validation
    with "unknown figure", which names the item.
    """
    path = path or figures_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}, []
    key = (str(path), stamp)
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = read_figures(path.read_text(encoding="utf-8"), file=path.name)
            _cache.clear()
            _cache[key] = cached
    return dict(cached[0]), list(cached[1])


def shipped_figures() -> dict[str, Figure]:
    """Just the figures (what the bank loader and the guide need)."""
    return load_figures()[0]
