"""Finds the files we ship: guide chapters, templates, the default blueprint and banks.

In a source checkout (or an editable install) they sit at the repository root; an installed
wheel puts them under ``<prefix>/share/mht-desktop``. ``MHT_DESKTOP_RESOURCES`` overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[3]


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def resources_dir() -> Path:
    """The ``resources/`` folder."""
    override = os.environ.get("MHT_DESKTOP_RESOURCES")
    if override:
        return Path(override)
    return _first_existing(_REPO_ROOT / "resources",
                           Path(sys.prefix) / "share" / "mht-desktop" / "resources")


def builtin_banks_dir() -> Path:
    """The ``question_banks/`` folder of banks we ship."""
    override = os.environ.get("MHT_DESKTOP_BANKS")
    if override:
        return Path(override)
    return _first_existing(_REPO_ROOT / "question_banks",
                           Path(sys.prefix) / "share" / "mht-desktop" / "question_banks")


def guide_dir() -> Path:
    """Guide chapters (Markdown with TOML front matter)."""
    return resources_dir() / "guide"
