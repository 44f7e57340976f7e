"""What a file is before it is read: binary formats by their magic bytes, XML's encoding.

People pick the wrong file, or a program saves a bank in a form we cannot read as text: an
Anki package, a Word document, a spreadsheet workbook, a PDF. Reading those as text would
give a message about UTF-8 that sends them the wrong way, so they are recognised by their
first bytes and named. XML says its own encoding in its declaration; that is honoured, and
an encoding Python does not know, or one expat cannot parse, is named in the message.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass

from mht_desktop.core.errors import Problem

# The members that mark an Anki package: the collection (legacy, 2.1, zstd 2.1.50+) and
# the media map. ``.apkg`` (one deck) and ``.colpkg`` (a whole collection) share them.
ANKI_MEMBERS = frozenset({"collection.anki2", "collection.anki21", "collection.anki21b"})
APKG = "apkg"  # the format name the Anki package reader registers under


@dataclass(frozen=True, slots=True)
class Binary:
    """A recognised binary file.

    Attributes:
        kind: A short name: ``apkg``, ``zip``, ``sqlite``, ``pdf``…
        description: What it is, for a message ("an Anki package (.apkg)").
        advice: What to do instead.
    """

    kind: str
    description: str
    advice: str

    def problem(self, file: str) -> Problem:
        """The message for a file of this kind that no reader takes."""
        return Problem(file, None, f"this is {self.description}, not a question bank in "
                                   f"a text format; {self.advice}")


_MAGIC: tuple[tuple[bytes, Binary], ...] = (
    (b"SQLite format 3\x00", Binary(
        "sqlite", "an SQLite database",
        "if it is an Anki collection (collection.anki2), export it from Anki as a deck "
        "package (.apkg) or as notes in plain text")),
    (b"%PDF-", Binary("pdf", "a PDF document",
                      "copy the questions into a text file in GIFT or Aiken form")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Binary(
        "ole", "an old Microsoft Office file (.doc or .xls)",
        "save it as plain text (Aiken or GIFT) or, from Excel, as 'CSV UTF-8'")),
    (b"\x1f\x8b", Binary("gzip", "a gzip-compressed file", "unpack it first")),
    (b"\x28\xb5\x2f\xfd", Binary("zstd", "a Zstandard-compressed file", "unpack it first")),
    (b"7z\xbc\xaf\x27\x1c", Binary("7z", "a 7-Zip archive", "unpack it first")),
    (b"Rar!\x1a\x07", Binary("rar", "a RAR archive", "unpack it first")),
    (b"\x89PNG\r\n\x1a\n", Binary("png", "a PNG image", "choose the bank file itself")),
    (b"\xff\xd8\xff", Binary("jpeg", "a JPEG image", "choose the bank file itself")),
    (b"GIF8", Binary("gif", "a GIF image", "choose the bank file itself")),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ZIP_KINDS: tuple[tuple[str, Binary], ...] = (
    ("word/document.xml", Binary("docx", "a Word document (.docx)",
                                 "save it as plain text (.txt) in Aiken or GIFT form")),
    ("xl/workbook.xml", Binary("xlsx", "an Excel workbook (.xlsx)",
                               "save it from Excel as 'CSV UTF-8 (Comma delimited)'")),
    ("ppt/presentation.xml", Binary("pptx", "a PowerPoint presentation (.pptx)",
                                    "copy the questions into a text file")),
)


def sniff_binary(data: bytes) -> Binary | None:
    """The binary format ``data`` is in, or None for what may be text.

    Zip archives are told apart by their member names (read from the central directory
    only: nothing is decompressed).
    """
    head = data[:16]
    for magic, binary in _MAGIC:
        if head.startswith(magic):
            return binary
    if not head.startswith(_ZIP_MAGIC):
        return None
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return Binary("zip", "a damaged zip archive", "choose the bank file itself")
    if names & ANKI_MEMBERS:
        return Binary(APKG, "an Anki package (.apkg or .colpkg)",
                      "importing Anki packages needs the 'apkg' reader, which this version "
                      "does not have: export the deck from Anki as 'Notes in Plain Text' and "
                      "import that")
    for member, binary in _ZIP_KINDS:
        if member in names:
            return binary
    if "mimetype" in names and "content.xml" in names:
        return Binary("odf", "an OpenDocument file (LibreOffice)",
                      "save it as CSV (Text CSV, UTF-8) or as plain text")
    return Binary("zip", "a zip archive", "unpack it and choose the bank file inside")


_DECLARATION = re.compile(rb"""\A<\?xml[^>]*?\sencoding\s*=\s*(["'])([^"']*)\1""")
_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


class XmlEncodingError(ValueError):
    """The XML's bytes cannot be turned into text; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def xml_as_utf8(data: bytes, *, file: str) -> bytes:
    """``data`` re-encoded as UTF-8, honouring its BOM or its declared encoding.

    Expat itself reads only UTF-8, UTF-16, ISO-8859-1 and US-ASCII and raises ``LookupError``
    or ``ValueError`` for the rest; decoding here with Python's codecs reads every encoding
    Python knows (windows-1252, Shift_JIS, GB18030…) and names the one it does not. The
    declaration is rewritten to say UTF-8, so the parser sees one consistent document.

    Raises:
        XmlEncodingError: an unknown encoding, or bytes that are not in the declared one.
    """
    explicit = True
    if data.startswith(codecs.BOM_UTF8):
        data, declared = data[len(codecs.BOM_UTF8):], "utf-8"
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        declared = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        declared = "utf-16"  # the BOM wins over whatever the declaration says
    else:
        match = _DECLARATION.match(data[:1024].lstrip())
        explicit = match is not None
        declared = match.group(2).decode("ascii", "replace").strip() if match else "utf-8"
    try:
        codec = codecs.lookup(declared)
    except LookupError:
        raise XmlEncodingError(Problem(
            file, 1, f"the XML declares the encoding {declared!r}, which is not one MHT "
            "Desktop knows; save the file as UTF-8")) from None
    if codec.name.startswith(("utf-16", "utf-32")) and declared not in ("utf-16", "utf-32"):
        # Declared UTF-16/32 but without a BOM, in a declaration we could read as ASCII: the
        # declaration is wrong (a re-saved file), the bytes are ASCII-compatible.
        codec = codecs.lookup("utf-8")
    if codec.name == "utf-8":
        if _is_utf8(data):
            return data
        return _decode(data, "utf-8", declared if explicit else "", file).encode("utf-8")
    text = _decode(data, codec.name, declared, file)
    text = text.removeprefix("\ufeff")
    return _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(data: bytes, codec: str, declared: str, file: str) -> str:
    """``data`` as text in ``codec``; ``declared`` is what the file said ('' for nothing)."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        said = (f"declares the encoding {declared!r}" if declared
                else "declares no encoding, so it must be UTF-8")
        raise XmlEncodingError(Problem(
            file, line, f"byte 0x{data[exc.start]:02x} is not valid in this file's encoding "
            f"(it {said}); save the file as UTF-8, or correct the encoding in its first "
            "line")) from exc
