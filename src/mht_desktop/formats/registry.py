"""Pick the right reader or writer for a file, from its extension and its content."""

from __future__ import annotations

from pathlib import PurePath

from mht_desktop.core.banks import Bank, BankFormat
from mht_desktop.core.errors import Problem
from mht_desktop.formats import aiken, delimited, gift, moodle_xml, native
from mht_desktop.formats.base import DecodeError, ParsedBank, decode_text

_EXTENSIONS = {
    ".toml": BankFormat.NATIVE,
    ".gift": BankFormat.GIFT,
    ".xml": BankFormat.MOODLE_XML,
    ".csv": BankFormat.CSV,
    ".tsv": BankFormat.CSV,
    ".aiken": BankFormat.AIKEN,
}


def detect_format(file_name: str, text: str) -> BankFormat:
    """Guess the format of a bank file.

    Instructors' files often arrive as ``.txt``: the content decides then. A clear extension
    wins, except that a ``.csv``/``.txt`` whose lines are Aiken or GIFT is read as such.

    Args:
        file_name: The file's name (only its extension is used).
        text: The decoded content.

    Returns:
        The most likely format; CSV when nothing else fits (a one-column or two-column text
        export is the commonest thing people have).
    """
    name = file_name.lower()
    if name.endswith(".mhtbank.toml"):
        return BankFormat.NATIVE
    by_extension = _EXTENSIONS.get(PurePath(name).suffix)
    if by_extension in (BankFormat.NATIVE, BankFormat.GIFT, BankFormat.MOODLE_XML):
        return by_extension
    head = text.lstrip()[:4000]
    if head.startswith("<?xml") or head.startswith("<quiz"):
        return BankFormat.MOODLE_XML
    if aiken.looks_like_aiken(text):
        return BankFormat.AIKEN
    if gift.looks_like_gift(text):
        return BankFormat.GIFT
    if by_extension is not None:
        return by_extension
    if head.startswith(("format =", "format=", "[bank]")):
        return BankFormat.NATIVE
    return BankFormat.CSV


def read_bank(data: bytes, *, file_name: str, fmt: BankFormat | None = None) -> ParsedBank:
    """Decode and parse a bank file in any supported format.

    Args:
        data: The raw bytes.
        file_name: The name shown in messages and used for banks without metadata.
        fmt: Force a format (the CLI's ``--format``); detected when None.

    Returns:
        The parsed bank and its problems (validation is separate: see ``validate_bank``).
    """
    label = PurePath(file_name).name
    try:
        text = decode_text(data, file=label)
    except DecodeError as exc:
        return ParsedBank(None, [exc.problem])
    if not text.strip():
        return ParsedBank(None, [Problem(label, None, "the file is empty")])
    chosen = fmt or detect_format(file_name, text)
    if chosen is BankFormat.NATIVE:
        return native.read_native(text, file=label)
    if chosen is BankFormat.GIFT:
        return gift.read_gift(text, file=label)
    if chosen is BankFormat.AIKEN:
        return aiken.read_aiken(text, file=label)
    if chosen is BankFormat.MOODLE_XML:
        return moodle_xml.read_moodle_xml(data, file=label, text=text)
    return delimited.read_delimited(text, file=label)


def write_bank(bank: Bank, fmt: BankFormat) -> str:
    """Serialise ``bank`` in ``fmt`` (Aiken cannot be written: it would drop too much)."""
    if fmt is BankFormat.NATIVE:
        return native.write_native(bank)
    if fmt is BankFormat.GIFT:
        return gift.write_gift(bank)
    if fmt is BankFormat.MOODLE_XML:
        return moodle_xml.write_moodle_xml(bank)
    if fmt is BankFormat.CSV:
        return delimited.write_questions_csv(bank)
    raise ValueError(f"cannot export to {fmt.value}")
