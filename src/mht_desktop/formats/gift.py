"""GIFT reader and writer (placeholder until the formats work lands)."""
from __future__ import annotations
from mht_desktop.core.banks import Bank
from mht_desktop.formats.base import ParsedBank
def looks_like_gift(text: str) -> bool:
    return False
def read_gift(text: str, *, file: str) -> ParsedBank:
    raise NotImplementedError
def write_gift(bank: Bank) -> str:
    raise NotImplementedError
