"""A bank as an Anki deck package (``.apkg``) that Anki opens.

We write the legacy ``collection.anki2`` layout (schema 11) with the standard library's
sqlite3 rather than depend on a writer library: the schema is five small tables and three
JSON blobs, every Anki since 2.0 imports it (current versions upgrade it on import), and the
best-known library for it (genanki) pulls in four more packages, has had no release since
2023 and would still leave us the note types and the question layout to write. The tests
import what we write with Anki's own library and count its notes and cards.

Flashcards become notes of a "MHT Desktop flashcard" type (Front/Back, one card each).
Questions become notes of a "MHT Desktop question" type: the stem and lettered choices on
the front; the key, the rationale and each choice's feedback on the back. Each topic is a
deck under one parent deck named after the bank. Note GUIDs come from the bank and item ids,
so importing a newer export into Anki updates the notes instead of adding copies.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from mht_desktop.core.banks import CHOICE_LETTERS as _LETTERS
from mht_desktop.core.banks import Bank, Question, Topic
from mht_desktop.formats.anki_html import text_to_html

_CSS = (".card { font-family: sans-serif; font-size: 20px; text-align: left; "
        "color: black; background-color: white; }\n.choices { margin-top: 0.8em; }\n"
        ".rationale { margin-top: 0.8em; }\n.feedback { margin-top: 0.8em; color: #555; }")
_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null,
  scm integer not null, ver integer not null, dty integer not null, usn integer not null,
  ls integer not null, conf text not null, models text not null, decks text not null,
  dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null,
  mod integer not null, usn integer not null, tags text not null, flds text not null,
  sfld integer not null, csum integer not null, flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null,
  ord integer not null, mod integer not null, usn integer not null, type integer not null,
  queue integer not null, due integer not null, ivl integer not null, factor integer not null,
  reps integer not null, lapses integer not null, left integer not null, odue integer not null,
  odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null,
  ease integer not null, ivl integer not null, lastIvl integer not null,
  factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""


def _stable_id(*parts: str) -> int:
    """A positive 52-bit id from text, the same on every export (Anki ids are int64)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 12 | 1 << 40


def _guid(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(("mht-desktop", *parts)).encode()).hexdigest()[:16]


def _checksum(first_field: str) -> int:
    # Anki's duplicate check: the first 8 hex digits of the SHA-1 of the plain first field.
    return int(hashlib.sha1(first_field.encode()).hexdigest()[:8], 16)


def _model(model_id: int, name: str, fields: tuple[str, ...], qfmt: str, afmt: str,
           deck_id: int, now_s: int) -> dict[str, object]:
    return {
        "id": model_id, "name": name, "type": 0, "mod": now_s, "usn": -1, "sortf": 0,
        "did": deck_id, "tags": [], "vers": [], "css": _CSS,
        "latexPre": "\\documentclass[12pt]{article}\n\\begin{document}\n",
        "latexPost": "\\end{document}", "latexsvg": False, "req": [[0, "any", [0]]],
        "flds": [{"name": f, "ord": i, "sticky": False, "rtl": False, "font": "Arial",
                  "size": 20, "media": []} for i, f in enumerate(fields)],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": qfmt, "afmt": afmt, "did": None,
                   "bqfmt": "", "bafmt": ""}],
    }


def _deck(deck_id: int, name: str, now_s: int, description: str = "") -> dict[str, object]:
    return {"id": deck_id, "name": name, "mod": now_s, "usn": -1, "desc": description,
            "dyn": 0, "conf": 1, "collapsed": False, "browserCollapsed": False,
            "extendNew": 0, "extendRev": 0, "lrnToday": [0, 0], "revToday": [0, 0],
            "newToday": [0, 0], "timeToday": [0, 0]}


def question_sides(question: Question) -> tuple[str, str, str, str]:
    """A question as Anki fields: (stem, lettered choices, key, per-choice feedback)."""
    choices = "<br>".join(f"{_LETTERS[i]}. {text_to_html(c.text)}"
                          for i, c in enumerate(question.choices))
    right = [f"{_LETTERS[i]}. {text_to_html(c.text)}" for i, c in enumerate(question.choices)
             if c.correct]
    label = "Answer" if len(right) == 1 else "Answers"
    key = f"<b>{label}:</b> " + "; ".join(right)
    feedback = "<br>".join(f"{_LETTERS[i]}. {text_to_html(c.feedback)}"
                           for i, c in enumerate(question.choices) if c.feedback.strip())
    return text_to_html(question.stem), choices, key, feedback


def write_apkg(bank: Bank, *, now_s: int | None = None) -> bytes:
    """The bytes of an ``.apkg`` holding the bank's flashcards and questions.

    Args:
        bank: The bank to write.
        now_s: Modification time to stamp (seconds since the epoch); the current time when
            None. Anki keeps the newer of two versions of a note on import.
    """
    now_s = int(time.time()) if now_s is None else now_s
    parent = bank.info.title.replace("::", ":") or bank.info.id
    parent_id = _stable_id(bank.info.id, "deck")
    decks: dict[str, object] = {"1": _deck(1, "Default", now_s),
                                str(parent_id): _deck(parent_id, parent, now_s,
                                                      text_to_html(bank.info.description))}
    deck_ids: dict[str, int] = {}
    topics = {t.id: t for t in bank.topics}
    for topic_id in dict.fromkeys([*topics, *(q.topic for q in bank.questions),
                                   *(f.topic for f in bank.flashcards)]):
        topic = topics.get(topic_id, Topic(topic_id, topic_id))
        deck_id = deck_ids[topic_id] = _stable_id(bank.info.id, "deck", topic_id)
        decks[str(deck_id)] = _deck(deck_id, f"{parent}::{topic.title.replace('::', ':')}",
                                    now_s)
    card_model = _stable_id("mht-desktop", "model", "flashcard")
    question_model = _stable_id("mht-desktop", "model", "question")
    models = {
        str(card_model): _model(card_model, "MHT Desktop flashcard", ("Front", "Back"),
                                "{{Front}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}",
                                parent_id, now_s),
        str(question_model): _model(
            question_model, "MHT Desktop question",
            ("Question", "Choices", "Answer", "Rationale", "Feedback"),
            "{{Question}}<div class=choices>{{Choices}}</div>",
            "{{FrontSide}}\n\n<hr id=answer>\n\n{{Answer}}"
            "{{#Rationale}}<div class=rationale>{{Rationale}}</div>{{/Rationale}}"
            "{{#Feedback}}<div class=feedback>{{Feedback}}</div>{{/Feedback}}",
            parent_id, now_s),
    }
    notes: list[tuple[str, int, int, tuple[str, ...], tuple[str, ...]]] = [
        (f.id, card_model, deck_ids[f.topic], (text_to_html(f.front), text_to_html(f.back)),
         f.tags) for f in bank.flashcards]
    for q in bank.questions:
        stem, choices, key, feedback = question_sides(q)
        notes.append((q.id, question_model, deck_ids[q.topic],
                      (stem, choices, key, text_to_html(q.rationale), feedback), q.tags))
    with tempfile.TemporaryDirectory(prefix="mht-apkg-") as folder:
        path = Path(folder) / "collection.anki2"
        db = sqlite3.connect(path)
        try:
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
                       (now_s - now_s % 86400, now_s * 1000, now_s * 1000,
                        json.dumps({"nextPos": len(notes) + 1}), json.dumps(models),
                        json.dumps(decks), json.dumps({"1": _DECK_OPTIONS})))
            used: set[int] = set()
            for position, (item_id, model_id, deck_id, fields, tags) in enumerate(notes, 1):
                note_id = _stable_id(bank.info.id, "note", item_id)
                while note_id in used:
                    note_id += 1
                used.add(note_id)
                plain = fields[0]
                db.execute("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
                           (note_id, _guid(bank.info.id, item_id), model_id, now_s,
                            f" {' '.join(t.replace(' ', '_') for t in tags)} " if tags else "",
                            "\x1f".join(fields), plain, _checksum(plain)))
                db.execute("INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, "
                           "0, 0, 0, 0, '')", (note_id, note_id, deck_id, now_s, position))
            db.commit()
        finally:
            db.close()
        collection = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", collection)
        archive.writestr("media", "{}")
    return buffer.getvalue()


# Anki's stock options for the "Default" preset (deck options are not ours to choose).
_DECK_OPTIONS: dict[str, object] = {
    "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": True,
    "timer": 0, "replayq": True, "dyn": False,
    "new": {"bury": False, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0],
            "order": 1, "perDay": 20},
    "rev": {"bury": False, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
            "hardFactor": 1.2},
    "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
}
