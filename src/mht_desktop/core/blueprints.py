"""Reading a blueprint from plain data (TOML tables), with clear messages."""

from __future__ import annotations

from typing import Any

from mht_desktop.core.errors import MhtError
from mht_desktop.core.quiz import Blueprint, Domain


class BlueprintError(MhtError):
    """A blueprint is malformed."""


def blueprint_from_dict(data: dict[str, Any], *, where: str) -> Blueprint:
    """Build a blueprint from a TOML-shaped dict.

    Raises:
        BlueprintError: naming ``where`` and the field at fault.
    """
    domains = []
    for i, raw in enumerate(data.get("domains", []), start=1):
        try:
            weight = float(raw["weight"])
            topics = tuple(str(t) for t in raw.get("topics", []))
            name = str(raw["name"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BlueprintError(f"{where}: domain {i} needs a name, a weight and topics") from exc
        if weight < 0:
            raise BlueprintError(f"{where}: domain {i} has a negative weight")
        domains.append(Domain(name, weight, topics))
    if not domains:
        raise BlueprintError(f"{where}: a blueprint needs at least one [[domains]] entry")
    try:
        return Blueprint(
            name=str(data.get("name", "Blueprint")), domains=tuple(domains),
            questions=int(data.get("questions", 100)), minutes=int(data.get("minutes", 120)),
            pass_mark=float(data.get("pass_mark", 0.70)), source=str(data.get("source", "")))
    except (TypeError, ValueError) as exc:
        raise BlueprintError(f"{where}: questions, minutes and pass_mark must be numbers") from exc
