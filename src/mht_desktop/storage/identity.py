"""Which SQLite files are ours: the application id, and refusing everyone else's.

Every MHT Desktop database carries ``PRAGMA application_id = 0x4D485444`` (the ASCII bytes
"MHTD", at offset 68 of the file header), set when the file is created and when an older
database of ours is first opened by a version that knows about it. A file is ours when:

- its header carries our id; or
- its id is still 0 and it holds an ``alembic_version`` table and our core tables (a database
  made before the id existed, which is then stamped); or
- it holds no tables at all (a fresh, empty file: nothing in it can be lost).

Anything else (another program's database, even one with a ``profiles`` table) is refused
before any connection that could write is opened, so the file stays byte-identical.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mht_desktop.core.errors import DatabaseError

APPLICATION_ID = 0x4D485444  # "MHTD"
_HEADER_SIZE = 100
_APPLICATION_ID_OFFSET = 68
# Tables every revision of our schema has had since the first.
OUR_TABLES = frozenset({"alembic_version", "profiles", "banks", "cards", "review_logs"})


def header_application_id(path: Path) -> int | None:
    """The application id in the file's header (None for a file too short to have one)."""
    with path.open("rb") as handle:
        header = handle.read(_HEADER_SIZE)
    if len(header) < _HEADER_SIZE:
        return None
    return int.from_bytes(header[_APPLICATION_ID_OFFSET:_APPLICATION_ID_OFFSET + 4], "big")


def _table_names(path: Path) -> set[str]:
    # Read-only and URI-opened: this connection cannot change a byte of the file.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}
    finally:
        connection.close()


def check_is_ours(path: Path) -> bool:
    """Refuse a foreign SQLite file; say whether the file still needs our id stamped.

    Call only on an existing, non-empty file with an SQLite header.

    Returns:
        True when the file is ours (or empty) but does not carry our id yet.

    Raises:
        DatabaseError: the file belongs to another program (it is left untouched), or it
            cannot be read.
    """
    try:
        found = header_application_id(path)
        if found == APPLICATION_ID:
            return False
        tables = _table_names(path) if found in (0, None) else set()
    except (OSError, sqlite3.DatabaseError) as exc:
        raise DatabaseError(f"The database {path} is damaged and cannot be opened "
                            f"({exc}). It was left untouched.") from exc
    if found in (0, None) and (not tables or tables >= OUR_TABLES):
        return True
    what = (f"application id {found:#010x}" if found else
            "tables " + ", ".join(sorted(tables)[:5]) + ("…" if len(tables) > 5 else ""))
    raise DatabaseError(
        f"{path} is an SQLite database of another program ({what}), not an MHT Desktop "
        "database. It was left untouched. Move it away or choose another data folder with "
        "--data-dir.")
