"""MHT Desktop: a study app for mental health technicians."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path


def _version() -> str:
    """The one version number, which lives in ``pyproject.toml``.

    A source checkout (an editable install, the tests, the bundle build) reads the file itself,
    so bumping it needs no reinstall; an installed wheel or the bundle reads the metadata
    written from it. ``tests/packaging`` checks that every place a person sees it agrees.
    """
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        with pyproject.open("rb") as file:
            project = tomllib.load(file).get("project", {})
        if project.get("name") == "mht-desktop":
            return str(project["version"])
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        pass  # not a checkout (or not ours): the installed metadata knows
    try:
        return metadata.version("mht-desktop")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _version()
