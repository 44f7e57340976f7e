"""Finds the files we ship: guide chapters, templates, the default blueprint and banks.

In a source checkout (or an editable install) they sit at the repository root; an installed
wheel puts them under ``<prefix>/share/mht-desktop``; the self-contained bundle (PyInstaller)
carries them beside its code, in ``sys._MEIPASS``. ``MHT_DESKTOP_RESOURCES`` overrides all three.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[3]
# Set by PyInstaller in a bundle: the folder that holds the bundled data files.
_BUNDLE_ROOT = Path(getattr(sys, "_MEIPASS", _REPO_ROOT))


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
    return _first_existing(_REPO_ROOT / "resources", _BUNDLE_ROOT / "resources",
                           Path(sys.prefix) / "share" / "mht-desktop" / "resources")


def builtin_banks_dir() -> Path:
    """The ``question_banks/`` folder of banks we ship."""
    override = os.environ.get("MHT_DESKTOP_BANKS")
    if override:
        return Path(override)
    return _first_existing(_REPO_ROOT / "question_banks", _BUNDLE_ROOT / "question_banks",
                           Path(sys.prefix) / "share" / "mht-desktop" / "question_banks")


def guide_dir() -> Path:
    """Guide chapters (Markdown with TOML front matter)."""
    return resources_dir() / "guide"


def help_dir() -> Path:
    """The guides for people (user and instructor guides) that Help opens.

    In a checkout they are the repository's ``docs/``; the bundle carries them as ``help/``.
    """
    return _first_existing(_REPO_ROOT / "docs", _BUNDLE_ROOT / "help",
                           Path(sys.prefix) / "share" / "mht-desktop" / "help")


def practice_dir() -> Path:
    """Shipped practice exercises: ``scenarios/``, ``vignettes/``, ``cases/`` and the note
    checker's lexicon in ``checker/``."""
    return resources_dir() / "practice"
