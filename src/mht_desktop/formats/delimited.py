"""CSV/TSV (placeholder until the formats work lands)."""
from __future__ import annotations

from mht_desktop.core.banks import Bank
from mht_desktop.formats.base import ParsedBank


def read_delimited(text: str, *, file: str) -> ParsedBank:
    raise NotImplementedError
def write_questions_csv(bank: Bank) -> str:
    raise NotImplementedError
def write_flashcards_tsv(bank: Bank) -> str:
    raise NotImplementedError
