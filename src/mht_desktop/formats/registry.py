"""Pick the right reader or writer for a file, from its extension and its content.

Readers and writers are looked up in two tables keyed by format, so a new format (the Anki
package reader, for one) is one import and one line in each table it fills.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from mht_desktop.core.banks import Bank, BankFormat
from mht_desktop.core.errors import Problem
from mht_desktop.formats import (
    aiken,
    delimited,
    gift,
    gift_writer,
    moodle_xml,
    moodle_xml_writer,
    native,
)
from mht_desktop.formats.base import DecodeError, ParsedBank, decode_text
from mht_desktop.formats.sniff import Binary, sniff_binary

# A reader of decoded text, and a reader of the raw bytes (formats that carry their own
# encoding or are binary): (content, file name for messages) → the parsed bank.
TextReader = Callable[..., ParsedBank]
ByteReader = Callable[..., ParsedBank]
Writer = Callable[[Bank], str]

TEXT_READERS: dict[BankFormat, TextReader] = {
    BankFormat.NATIVE: native.read_native,
    BankFormat.GIFT: gift.read_gift,
    BankFormat.AIKEN: aiken.read_aiken,
    BankFormat.CSV: delimited.read_delimited,
    BankFormat.ANKI_TSV: delimited.read_delimited,  # the same reader: Anki's header says all
}


def _read_anki(data: bytes, *, file: str) -> ParsedBank:
    # Loaded on first use: zstandard and the package reader are needed only for Anki files.
    from mht_desktop.formats.apkg_reader import read_apkg

    return read_apkg(data, file=file).parsed


BYTE_READERS: dict[BankFormat, ByteReader] = {
    BankFormat.MOODLE_XML: moodle_xml.read_moodle_xml,
    BankFormat.APKG: _read_anki,
    BankFormat.COLPKG: _read_anki,  # a whole collection: the same layout and reader
}
ANKI_FORMATS = frozenset({BankFormat.APKG, BankFormat.COLPKG})
WRITERS: dict[BankFormat, Writer] = {
    BankFormat.NATIVE: native.write_native,
    BankFormat.GIFT: gift_writer.write_gift,
    BankFormat.MOODLE_XML: moodle_xml_writer.write_moodle_xml,
    BankFormat.CSV: delimited.write_questions_csv,
    BankFormat.ANKI_TSV: delimited.write_flashcards_tsv,
}
# What each export format can hold: the rest is left out, and ``left_out`` says so.
_HOLDS_QUESTIONS = frozenset({BankFormat.NATIVE, BankFormat.GIFT, BankFormat.MOODLE_XML,
                              BankFormat.CSV, BankFormat.APKG})
_HOLDS_FLASHCARDS = frozenset({BankFormat.NATIVE, BankFormat.ANKI_TSV, BankFormat.APKG})
_NAMES = {BankFormat.NATIVE: "an MHT Desktop bank (.mhtbank.toml)", BankFormat.GIFT: "GIFT",
          BankFormat.MOODLE_XML: "Moodle XML", BankFormat.CSV: "the CSV questions template",
          BankFormat.ANKI_TSV: "Anki notes (tab-separated)",
          BankFormat.APKG: "an Anki deck package (.apkg)"}

# Size limits, checked before a file is read: what no real bank comes near, and what keeps
# memory bounded (a reader holds the text and the items it builds: ~10× the file at worst).
# A 10,000-question bank is 3–5 MB as GIFT or CSV and ~14 MB as a Moodle export. Moodle XML
# may carry images as base64, which are dropped, so it is allowed more.
MAX_TEXT_BYTES = 32 * 1024 * 1024
MAX_XML_BYTES = 128 * 1024 * 1024
MAX_BYTES = MAX_XML_BYTES  # the largest of the limits: a larger file is not even read

_EXTENSIONS = {
    ".apkg": BankFormat.APKG,
    ".colpkg": BankFormat.COLPKG,
    ".toml": BankFormat.NATIVE,
    ".gift": BankFormat.GIFT,
    ".xml": BankFormat.MOODLE_XML,
    ".csv": BankFormat.CSV,
    ".tsv": BankFormat.CSV,
    ".aiken": BankFormat.AIKEN,
}


def format_from_name(file_name: str) -> BankFormat | None:
    """The format a file's name suggests (``.gift`` → GIFT), None for ``.txt`` and others."""
    name = file_name.lower()
    if name.endswith(".mhtbank.toml"):
        return BankFormat.NATIVE
    return _EXTENSIONS.get(PurePath(name).suffix)


def size_limit(fmt: BankFormat | None) -> int:
    """The largest file, in bytes, imported in ``fmt`` (None: the largest of all)."""
    if fmt is None:
        return MAX_BYTES
    return MAX_XML_BYTES if fmt in BYTE_READERS else MAX_TEXT_BYTES


def too_large(size: int, fmt: BankFormat | None, *, file: str) -> Problem | None:
    """The message for a file of ``size`` bytes over the limit for ``fmt``, or None."""
    limit = size_limit(fmt)
    if size <= limit:
        return None
    what = f"{fmt.value} " if fmt else ""
    if fmt in ANKI_FORMATS:
        return Problem(file, None, f"the Anki package is {size / 1_048_576:.1f} MB; MHT "
                                   f"Desktop reads packages up to {limit // 1_048_576} MB and "
                                   "imports no images or sounds: export the deck again from "
                                   "Anki with 'Include media' unticked")
    return Problem(file, None, f"the file is {size / 1_048_576:.1f} MB; MHT Desktop imports "
                               f"{what}bank files up to {limit // 1_048_576} MB (about "
                               "100,000 questions): split it into several banks")


def _by_content(data: bytes) -> bool:
    """Whether ``data`` starts as XML does (after a BOM and white space)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<quiz")) or head[:4] in (
        b"<\x00?\x00", b"\x00<\x00?", b"\xff\xfe<\x00", b"\xfe\xff\x00<")


def detect_format(file_name: str, text: str) -> BankFormat:
    """Guess the format of a text bank file.

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


def _binary_format(binary: Binary, file_name: str) -> BankFormat | None:
    """The registered format that reads ``binary`` (the Anki package reader), if any.

    An ``.apkg`` (one deck) and a ``.colpkg`` (a whole collection) have the same layout, so
    only the file's name tells them apart; it decides which one is reported.
    """
    try:
        fmt = BankFormat(binary.kind)
    except ValueError:
        return None
    if fmt is BankFormat.APKG and PurePath(file_name.lower()).suffix == ".colpkg":
        fmt = BankFormat.COLPKG
    return fmt if fmt in BYTE_READERS else None


def detect_bank_format(data: bytes, file_name: str) -> BankFormat | None:
    """The format of the raw file ``data``: None when no reader takes it (see ``read_bank``)."""
    binary = sniff_binary(data)
    if binary is not None:
        return _binary_format(binary, file_name)
    if PurePath(file_name.lower()).suffix == ".xml" or _by_content(data):
        return BankFormat.MOODLE_XML
    try:
        text = decode_text(data, file=file_name)
    except DecodeError:
        return None
    return detect_format(file_name, text)


def read_bank(data: bytes, *, file_name: str, fmt: BankFormat | None = None) -> ParsedBank:
    """Decode and parse a bank file in any supported format.

    Binary files (an Anki package, a Word document, a PDF…) are recognised by their first
    bytes: one a registered reader takes goes to it, any other is named in the message
    instead of being decoded as text.

    Args:
        data: The raw bytes.
        file_name: The name shown in messages and used for banks without metadata.
        fmt: Force a format (the CLI's ``--format``, the import dialog's file type); detected
            when None.

    Returns:
        The parsed bank and its problems (validation is separate: see ``validate_bank``).
    """
    label = PurePath(file_name).name
    binary = sniff_binary(data)
    if binary is not None and (fmt is None or fmt not in BYTE_READERS):
        chosen = _binary_format(binary, file_name)
        if chosen is None:
            return ParsedBank(None, [binary.problem(label)])
        fmt = chosen
    if fmt is None and (PurePath(label.lower()).suffix == ".xml" or _by_content(data)):
        fmt = BankFormat.MOODLE_XML
    if fmt is not None and fmt in BYTE_READERS:
        if not data or data.isspace():
            return ParsedBank(None, [Problem(label, None, "the file is empty")])
        return BYTE_READERS[fmt](data, file=label)
    try:
        text = decode_text(data, file=label)
    except DecodeError as exc:
        return ParsedBank(None, [exc.problem])
    if not text or text.isspace():  # ``not text.strip()`` without copying the whole file
        return ParsedBank(None, [Problem(label, None, "the file is empty")])
    chosen = fmt or detect_format(file_name, text)
    if chosen in BYTE_READERS:  # detected from the text (a .txt holding XML)
        return BYTE_READERS[chosen](data, file=label)
    reader = TEXT_READERS.get(chosen)
    if reader is None:
        return ParsedBank(None, [Problem(label, None, f"{chosen.value} files cannot be read")])
    return reader(text, file=label)


def export_formats(*, questions: bool, flashcards: bool) -> list[BankFormat]:
    """The export formats that hold every kind of item asked for."""
    return [fmt for fmt in WRITERS
            if (not questions or fmt in _HOLDS_QUESTIONS)
            and (not flashcards or fmt in _HOLDS_FLASHCARDS)]


def left_out(bank: Bank, fmt: BankFormat) -> list[str]:
    """What an export of ``bank`` in ``fmt`` cannot hold, in words, with the formats that can.

    Returns:
        One sentence per kind of item left out (none when the format holds everything).
    """
    notes = []
    for count, noun, holders in ((len(bank.flashcards), "flashcard", _HOLDS_FLASHCARDS),
                                 (len(bank.questions), "question", _HOLDS_QUESTIONS)):
        if count and fmt not in holders:
            plural = noun if count == 1 else f"{noun}s"
            others = " or ".join(_NAMES[f] for f in WRITERS if f in holders)
            notes.append(f"{count} {plural} not written: {_NAMES[fmt]} has no {noun}s; "
                         f"export as {others} to keep them")
    return notes


def write_bank_bytes(bank: Bank, fmt: BankFormat) -> bytes:
    """Serialise ``bank`` in ``fmt`` as the bytes of the file (text formats as UTF-8)."""
    if fmt is BankFormat.APKG:
        from mht_desktop.formats.apkg_writer import write_apkg

        return write_apkg(bank)
    return write_bank(bank, fmt).encode("utf-8")


def write_bank(bank: Bank, fmt: BankFormat) -> str:
    """Serialise ``bank`` in ``fmt`` (Aiken cannot be written: it would drop too much)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"cannot export to {fmt.value}")
    return writer(bank)
