"""A private, in-memory SQLite FTS5 index: the guide search's SQL lives here, with the rest.

The index never touches the learner's database file: it is cheap to rebuild from what it
indexes, and it may be used from whichever thread runs the DB lane. Where this Python's
SQLite lacks FTS5, :meth:`FullTextIndex.build` returns None and the caller falls back on a
plain search of its own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence


class FullTextIndex:
    """Rows of (title, body, weight) searchable by words, best first.

    The score is FTS5's bm25 with a word in the title counting four times one in the body,
    times the row's ``weight``: the guide gives its own sections 2 (above a short flashcard
    that happens to repeat the words) and the sections every chapter repeats ("Sources")
    less than 1. Row ids are the rows' positions in the sequence given to :meth:`build`.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()

    @classmethod
    def build(cls, rows: Sequence[tuple[str, str, float]]) -> FullTextIndex | None:
        """Index ``rows``; None where this SQLite has no FTS5."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, weight UNINDEXED, "
                         "tokenize = 'porter unicode61 remove_diacritics 2')")
        except sqlite3.OperationalError:
            conn.close()
            return None
        conn.executemany("INSERT INTO docs(rowid, title, body, weight) VALUES (?, ?, ?, ?)",
                         [(i, title, body, float(weight))
                          for i, (title, body, weight) in enumerate(rows)])
        conn.commit()
        return cls(conn)

    def match(self, words: Sequence[str], limit: int, *, mark_start: str,
              mark_end: str) -> list[tuple[int, str]]:
        """Row ids and snippets of rows holding every word (each may start a longer word).

        Each word is quoted, so FTS syntax typed by a learner is only text.
        """
        if self._conn is None or not words:
            return []
        expression = " ".join('"{}"*'.format(w.replace('"', '""')) for w in words)
        with self._lock:
            rows = self._conn.execute(
                "SELECT rowid, snippet(docs, -1, ?, ?, '…', 18) FROM docs "
                "WHERE docs MATCH ? ORDER BY bm25(docs, 4.0, 1.0, 0.0) * weight LIMIT ?",
                (mark_start, mark_end, expression, limit)).fetchall()
        return [(int(rowid), str(snippet)) for rowid, snippet in rows]

    def close(self) -> None:
        """Free the index."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
