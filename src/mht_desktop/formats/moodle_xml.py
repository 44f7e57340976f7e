"""Moodle XML (placeholder until the formats work lands)."""
from __future__ import annotations
from mht_desktop.core.banks import Bank
from mht_desktop.formats.base import ParsedBank
def read_moodle_xml(data: bytes, *, file: str) -> ParsedBank:
    raise NotImplementedError
def write_moodle_xml(bank: Bank) -> str:
    raise NotImplementedError
