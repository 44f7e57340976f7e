"""Aiken reader (placeholder until the formats work lands)."""
from __future__ import annotations
from mht_desktop.formats.base import ParsedBank
def looks_like_aiken(text: str) -> bool:
    return False
def read_aiken(text: str, *, file: str) -> ParsedBank:
    raise NotImplementedError
