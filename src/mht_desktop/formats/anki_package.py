"""Opening an Anki package (``.apkg`` / ``.colpkg``) safely and reading its collection.

A package is a zip holding a SQLite collection and its media. Packages come from strangers,
so nothing in one is trusted: member names are checked for path tricks (we never extract by
a member's own name anyway), the total and per-member uncompressed sizes and compression
ratios are capped before a byte is inflated, reads stop at the cap whatever the headers
claim, a zstd stream must end cleanly, and the SQLite file must hold Anki's tables. The
collection is copied to a private temporary file and opened read-only and immutable, so no
journal, no WAL and no write can touch anything.

Three layouts exist: ``collection.anki2`` (Anki 2.0), ``collection.anki21`` (2.1, same
schema 11) and ``collection.anki21b`` (2.1.50+, a zstd-compressed schema 18 with note types
and decks in their own tables, a protobuf ``meta`` file and a zstd protobuf media list).
The newest layout present wins: packages carry a stub ``collection.anki2`` beside it that
only says "please update".
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import zstandard

MAX_TOTAL_BYTES = 1 << 30  # 1 GiB inflated: far beyond any real deck, far below a bomb
MAX_RATIO = 500  # real collections compress ~5-50x; bombs need thousands
_RATIO_FLOOR = 1 << 20  # members smaller than 1 MiB cannot hurt, whatever their ratio
_CHUNK = 1 << 16
_LAYOUTS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ANKI_TABLES = frozenset({"col", "notes", "cards", "revlog"})
_SCHEMA18_TABLES = frozenset({"notetypes", "fields", "templates", "decks"})


class PackageError(ValueError):
    """The package cannot be read; the message says why, fit to show a person."""


@dataclass(frozen=True, slots=True)
class NoteType:
    """What we need of an Anki note type: its fields, its card templates, cloze or not."""

    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]  # (question format, answer format) by ordinal


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """A note: the fields its cards are rendered from, and its tags."""

    id: int
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnkiCard:
    """A card (one template or cloze number of a note) and its scheduling state."""

    id: int
    note_id: int
    deck_id: int
    ord: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # -1 suspended, -2/-3 buried, otherwise as type (3 = day learning)
    due: int  # review: day number from the collection's creation; learning: epoch seconds
    interval: int
    lapses: int


@dataclass(frozen=True, slots=True)
class AnkiRevlog:
    """One row of Anki's review log."""

    id_ms: int  # also the review time, in milliseconds since the epoch
    card_id: int
    ease: int  # 1-4; 0 for manual rescheduling
    interval: int  # days when positive, seconds when negative
    time_ms: int
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(frozen=True, slots=True)
class AnkiCollection:
    """Everything read from the package, as plain values (the database is closed)."""

    layout: str
    created_s: int  # the collection's creation time (the epoch of review-card due days)
    notetypes: dict[int, NoteType]
    decks: dict[int, tuple[str, ...]]  # deck id -> path ("Psych", "Meds")
    notes: dict[int, AnkiNote]
    cards: tuple[AnkiCard, ...]
    revlog: tuple[AnkiRevlog, ...]
    media_count: int


def read_package(data: bytes) -> AnkiCollection:
    """Read an ``.apkg`` or ``.colpkg`` held in memory.

    Raises:
        PackageError: not a zip, an unsafe or oversized member, a damaged zstd stream, a
            SQLite file that is not an Anki collection.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PackageError("not an Anki package (the file is not a zip archive)") from exc
    with archive:
        members = {_checked_name(info): info for info in archive.infolist()}
        _check_sizes(archive.infolist())
        layout = next((name for name in _LAYOUTS if name in members), None)
        if layout is None:
            raise PackageError("no Anki collection inside (expected collection.anki21b, "
                               "collection.anki21 or collection.anki2)")
        raw = _read_member(archive, members[layout])
        if layout.endswith("b"):
            raw = _unzstd(raw, layout)
        media = members.get("media")
        media_count = _media_count(_read_member(archive, media), layout) if media else 0
    with _readonly_sqlite(raw, layout) as db:
        return _read_collection(db, layout, media_count)


# -- the zip ---------------------------------------------------------------------------------

def _checked_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if (not name or name.startswith(("/", "\\")) or ".." in path.parts
            or (len(name) > 1 and name[1] == ":")):
        raise PackageError(f"unsafe member name {name!r} in the package (it points outside "
                           "the package); the file was not read")
    return name


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise PackageError(f"the package would inflate to {total / 2**20:,.0f} MiB (limit "
                           f"{MAX_TOTAL_BYTES / 2**20:,.0f} MiB); refusing a possible zip bomb")
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise PackageError(f"member {info.filename!r} is compressed "
                               f"{info.file_size / max(info.compress_size, 1):,.0f} to 1 "
                               f"(limit {MAX_RATIO}); refusing a possible zip bomb")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # The headers can lie about sizes: stop reading at what they declared (and the cap).
    limit = min(info.file_size, MAX_TOTAL_BYTES)
    out = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    raise PackageError(f"member {info.filename!r} inflates beyond its "
                                       "declared size; refusing a possible zip bomb")
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise PackageError(f"member {info.filename!r} is damaged ({exc})") from exc
    return bytes(out)


def _unzstd(raw: bytes, name: str) -> bytes:
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    out = bytearray()
    try:
        for start in range(0, len(raw), _CHUNK):
            out += decompressor.decompress(raw[start:start + _CHUNK])
            if len(out) > MAX_TOTAL_BYTES:
                raise PackageError(f"{name} inflates beyond {MAX_TOTAL_BYTES / 2**20:,.0f} "
                                   "MiB; refusing a possible zstd bomb")
    except zstandard.ZstdError as exc:
        raise PackageError(f"{name} is not a valid zstd stream ({exc})") from exc
    if not decompressor.eof:
        raise PackageError(f"{name} is cut short (its zstd stream does not end); the "
                           "package is truncated or damaged")
    return bytes(out)


def _media_count(raw: bytes, layout: str) -> int:
    if layout.endswith("b"):
        # MediaEntries: field 1 repeated (one entry per file).
        return sum(1 for number, _ in protobuf_fields(_unzstd(raw, "media")) if number == 1)
    try:
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageError(f"the media list is damaged ({exc})") from exc
    return len(mapping) if isinstance(mapping, dict) else 0


def protobuf_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """The top-level fields of a protobuf message: (field number, varint or bytes).

    Anki keeps note-type kinds, templates and the media list in protobuf blobs; we need only
    a few top-level fields, which does not justify a generated-code dependency.
    """
    pos, end = 0, len(data)
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > end:
                raise PackageError("a protobuf field runs past its message (damaged package)")
            yield number, data[pos:pos + length]
            pos += length
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise PackageError(f"unexpected protobuf wire type {wire} (damaged package)")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise PackageError("a protobuf number is cut short (damaged package)")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


# -- the SQLite collection -------------------------------------------------------------------

@contextmanager
def _readonly_sqlite(raw: bytes, layout: str) -> Iterator[sqlite3.Connection]:
    if not raw.startswith(b"SQLite format 3\x00"):
        raise PackageError(f"{layout} is not a SQLite database")
    with tempfile.TemporaryDirectory(prefix="mht-anki-") as folder:
        path = Path(folder) / "collection.sqlite"
        path.write_bytes(raw)
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            tables = {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            needed = _ANKI_TABLES | (_SCHEMA18_TABLES if layout.endswith("b") else frozenset())
            missing = sorted(needed - tables)
            if missing:
                raise PackageError(f"{layout} is a SQLite database but not an Anki "
                                   f"collection (no {', '.join(missing)} table)")
            yield db
        except sqlite3.DatabaseError as exc:
            raise PackageError(f"{layout} is damaged or not an Anki collection ({exc})") from exc
        finally:
            db.close()


def _read_collection(db: sqlite3.Connection, layout: str, media_count: int) -> AnkiCollection:
    col = db.execute("SELECT crt, models, decks FROM col").fetchone()
    if col is None:
        raise PackageError(f"{layout} has an empty col table (not an Anki collection)")
    created_s, models_json, decks_json = col
    if layout.endswith("b"):
        notetypes, decks = _schema18_types(db), _schema18_decks(db)
    else:
        notetypes, decks = _schema11_types(models_json), _schema11_decks(decks_json)
    notes = {nid: AnkiNote(nid, mid, tuple(flds.split("\x1f")), tuple(tags.split()))
             for nid, mid, flds, tags in db.execute("SELECT id, mid, flds, tags FROM notes")}
    cards = tuple(AnkiCard(*row) for row in db.execute(
        "SELECT id, nid, did, ord, type, queue, due, ivl, lapses FROM cards ORDER BY nid, ord"))
    revlog = tuple(AnkiRevlog(*row) for row in db.execute(
        "SELECT id, cid, ease, ivl, time, type FROM revlog ORDER BY id"))
    return AnkiCollection(layout, int(created_s), notetypes, decks, notes, cards, revlog,
                          media_count)


def _schema11_types(models_json: str) -> dict[int, NoteType]:
    try:
        models = json.loads(models_json or "{}")
        return {int(mid): NoteType(
            str(m["name"]), int(m.get("type", 0)) == 1,
            tuple(str(f["name"]) for f in sorted(m["flds"], key=lambda f: int(f["ord"]))),
            tuple((str(t["qfmt"]), str(t["afmt"]))
                  for t in sorted(m["tmpls"], key=lambda t: int(t["ord"]))))
            for mid, m in models.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(f"the note types in the collection are damaged ({exc})") from exc


def _schema11_decks(decks_json: str) -> dict[int, tuple[str, ...]]:
    try:
        decks = json.loads(decks_json or "{}")
        return {int(did): tuple(str(d["name"]).split("::")) for did, d in decks.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(f"the decks in the collection are damaged ({exc})") from exc


def _schema18_types(db: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(str(name))
    templates: dict[int, list[tuple[str, str]]] = {}
    for ntid, config in db.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        # CardTemplate.Config: 1 = question format, 2 = answer format.
        parts = {n: v for n, v in protobuf_fields(bytes(config)) if isinstance(v, bytes)}
        templates.setdefault(ntid, []).append(
            (parts.get(1, b"").decode("utf-8", "replace"),
             parts.get(2, b"").decode("utf-8", "replace")))
    types: dict[int, NoteType] = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        # Notetype.Config: 1 = kind (0 normal, 1 cloze).
        kind = next((v for n, v in protobuf_fields(bytes(config)) if n == 1), 0)
        types[ntid] = NoteType(str(name), kind == 1, tuple(fields.get(ntid, ())),
                               tuple(templates.get(ntid, ())))
    return types


def _schema18_decks(db: sqlite3.Connection) -> dict[int, tuple[str, ...]]:
    return {did: tuple(str(name).split("\x1f"))
            for did, name in db.execute("SELECT id, name FROM decks")}
