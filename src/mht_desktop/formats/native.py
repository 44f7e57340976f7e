"""Our own bank format: one TOML file per bank (see docs/bank-format.md)."""

from __future__ import annotations

import itertools
import re
import tomllib
from datetime import date, datetime
from typing import Any

import tomli_w

try:  # Optional speed-up: the same TOML, parsed in Rust. tomllib is the reference.
    import rtoml
except ImportError:  # pragma: no cover - rtoml is a declared dependency
    rtoml = None  # type: ignore[assignment]

from mht_desktop.core.banks import (
    Bank,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.core.blueprints import BlueprintError, blueprint_from_dict
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank

FORMAT_VERSION = 1
_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_RTOML_ERROR_LINE = re.compile(r"\s*at line (\d+) column (\d+)")
# Item table headers; ``_header_starts`` keeps those that start a line (after spaces or tabs).
_QUESTION_HEADER_BODY = re.compile(r"\[\[[ \t]*questions[ \t]*\]\]")
_FLASHCARD_HEADER_BODY = re.compile(r"\[\[[ \t]*flashcards[ \t]*\]\]")
# A top-level array-of-tables header on a line of its own, e.g. ``[[questions]]`` (found
# from the newline before it: a literal start is searched for fast in a multi-megabyte file).
_TOP_ARRAY_HEADER = re.compile(r"\n\[\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]\][ \t]*(?:#[^\n]*)?(?=\n|$)")
_CHUNK_CHARS = 16 * 1024  # ~5 ms of rtoml on this machine
_BANK_HEADER = re.compile(r"^\s*\[\s*bank\s*\]", re.MULTILINE)
_BLUEPRINT_HEADER = re.compile(r"^[ \t]*\[[ \t]*blueprint[ \t]*\]", re.MULTILINE)


class _Fields:
    """Typed access to one TOML table that records a problem instead of raising."""

    def __init__(self, table: dict[str, Any], *, file: str, line: int | None, what: str,
                 problems: list[Problem]) -> None:
        self.table = table
        self.file = file
        self.line = line
        self.what = what
        self.problems = problems

    def _bad(self, key: str, expected: str) -> None:
        got = type(self.table[key]).__name__
        self.problems.append(Problem(self.file, self.line,
                                     f"{self.what}: '{key}' must be {expected}, not {got}"))

    def text(self, key: str, default: str = "", *, required: bool = False) -> str:
        value = self.table.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(self.file, self.line,
                                             f"{self.what}: '{key}' is missing"))
            return default
        if not isinstance(value, str):
            self._bad(key, "a string")
            return default
        return value.strip()

    def integer(self, key: str, default: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self._bad(key, "a whole number")
            return default
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self._bad(key, "true or false")
            return default
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._bad(key, "a list of strings")
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def day(self, key: str) -> date | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value  # a date-time is refused: the review rules compare whole days
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self._bad(key, "a date such as 2026-11-22")
        return None


def _first_header_line(text: str, pattern: re.Pattern[str]) -> int | None:
    """1-based line of the first match of ``pattern`` (the only one a message names)."""
    match = pattern.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _header_starts(text: str, body: re.Pattern[str]) -> list[int]:
    """Offsets of the lines that start with spaces or tabs and a header matching ``body``.

    These are the matches of ``^[ \\t]*`` + ``body`` (multi-line), each at the start of its
    line, found by searching for ``body``, which starts with a literal, first: the anchored
    pattern would try every position of a multi-megabyte file, the literal search skips
    straight to the candidates.
    """
    starts = []
    for match in body.finditer(text):
        begin = match.start()
        line_start = text.rfind("\n", 0, begin) + 1
        if line_start == begin or not text[line_start:begin].strip(" \t"):
            starts.append(line_start)
    return starts


def _lines_at(text: str, offsets: list[int]) -> list[int]:
    """1-based line of each of ``offsets`` (ascending)."""
    lines = []
    line, last = 1, 0
    for offset in offsets:
        line += text.count("\n", last, offset)
        last = offset
        lines.append(line)
    return lines


def _parse_toml(text: str) -> tuple[dict[str, Any] | None, int | None, str]:
    """Parse TOML with rtoml (Rust, ~4× faster on big banks) or the standard library.

    Returns:
        (data, None, "") on success; (None, line, message) on a syntax error.
    """
    if rtoml is not None:
        chunked = _parse_in_chunks(text)
        if chunked is not None:
            return chunked, None, ""
        try:
            return rtoml.loads(text), None, ""
        except rtoml.TomlParsingError as exc:
            message = str(exc)
            match = _RTOML_ERROR_LINE.search(message)
            line = int(match.group(1)) if match else None
            return None, line, _RTOML_ERROR_LINE.sub("", message).strip()
    try:
        return tomllib.loads(text), None, ""
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_ERROR_LINE.search(message)
        line = int(match.group(1)) if match else None
        return None, line, _TOML_ERROR_LINE.sub("", message).strip()


def _parse_in_chunks(text: str) -> dict[str, Any] | None:
    """Parse a big file in pieces cut before top-level ``[[key]]`` headers; None if unsafe.

    Why: rtoml holds Python's GIL for the whole call, so a 10,000-question bank parsed on the
    database lane froze the window for as long (~0.2 s); pieces of ~16 KB let the GUI thread
    in between. The pieces are the same TOML: each starts at an array-of-tables header, and
    a document's array-of-tables entries only extend their array. Anything that might make
    the pieces mean something else (the key also set inline or dotted, a table defined in
    two pieces, a piece that does not parse) gives None, and the whole text is parsed as one:
    that reading, and its error message, is the reference.
    """
    if len(text) <= _CHUNK_CHARS:
        return None
    headers = list(_TOP_ARRAY_HEADER.finditer(text))
    keys = {m.group(1) for m in headers}
    if not headers or any(_set_as_key(text, k) or text.startswith(k) for k in keys):
        return None  # the array is also set inline or with dotted keys
    starts = [m.start() + 1 for m in headers]  # after the newline
    cuts = [0]
    for start in starts:
        if start - cuts[-1] >= _CHUNK_CHARS:
            cuts.append(start)
    cuts.append(len(text))
    merged: dict[str, Any] = {}
    for begin, end in itertools.pairwise(cuts):
        try:
            piece = rtoml.loads(text[begin:end])
        except rtoml.TomlParsingError:
            return None
        for key, value in piece.items():
            if key not in merged:
                merged[key] = value
            elif key in keys and isinstance(merged[key], list) and isinstance(value, list):
                merged[key].extend(value)
            else:
                return None  # e.g. [bank] in two pieces: the whole parse says where
    return merged


def _set_as_key(text: str, key: str) -> bool:
    """Whether a line after the first sets ``key`` (``key =``, ``"key".x =``…).

    The matches of ``\\n[ \\t]*["']?KEY["']?[ \\t]*[=.]``, found from the key itself: a pattern
    that starts with a line break tries every line of a multi-megabyte file, one that starts
    with the key's letters skips to its few thousand mentions (each ``[[questions]]``).
    """
    for match in re.finditer(rf"{re.escape(key)}[\"']?[ \t]*[=.]", text):
        begin = match.start()
        line_start = text.rfind("\n", 0, begin) + 1
        lead = text[line_start:begin].lstrip(" \t")
        if line_start and lead in ("", '"', "'"):
            return True
    return False


def read_native(text: str, *, file: str) -> ParsedBank:
    """Parse a native TOML bank.

    Args:
        text: The decoded file.
        file: The name used in messages.

    Returns:
        The bank and any problems; structural problems leave ``bank`` as None.
    """
    data, error_line, error = _parse_toml(text)
    if data is None:
        return ParsedBank(None, [Problem(file, error_line, f"not valid TOML: {error}")])
    question_lines = (_lines_at(text, _header_starts(text, _QUESTION_HEADER_BODY))
                      if "questions" in data else [])

    problems: list[Problem] = []
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(Problem(file, 1, f"format {version!r} is not supported; this version of "
                                         f"MHT Desktop reads format {FORMAT_VERSION}"))
        return ParsedBank(None, problems)
    bank_table = data.get("bank")
    if not isinstance(bank_table, dict):
        return ParsedBank(None, [Problem(file, 1, "the [bank] table is missing")])
    fields = _Fields(bank_table, file=file, line=_first_header_line(text, _BANK_HEADER),
                     what="[bank]", problems=problems)
    info = BankInfo(
        id=fields.text("id", required=True),
        title=fields.text("title", required=True),
        version=fields.text("version", "1"),
        author=fields.text("author"),
        description=fields.text("description"),
        license=fields.text("license"),
    )

    topics: list[Topic] = []
    for raw in _table_list(data, "topics", file, problems):
        tf = _Fields(raw, file=file, line=None, what="topic", problems=problems)
        topic_id = tf.text("id", required=True)
        topics.append(Topic(id=topic_id, title=tf.text("title") or topic_id,
                            description=tf.text("description")))

    questions = [
        _read_question(raw, file=file, line=_nth(question_lines, i), problems=problems)
        for i, raw in enumerate(_table_list(data, "questions", file, problems))
    ]
    card_lines = (_lines_at(text, _header_starts(text, _FLASHCARD_HEADER_BODY))
                  if "flashcards" in data else [])
    flashcards = []
    for i, raw in enumerate(_table_list(data, "flashcards", file, problems)):
        line = _nth(card_lines, i)
        cf = _Fields(raw, file=file, line=line, what=f"flashcard {raw.get('id', '?')!r}",
                     problems=problems)
        flashcards.append(Flashcard(
            id=cf.text("id", required=True), topic=cf.text("topic", required=True),
            front=cf.text("front", required=True), back=cf.text("back", required=True),
            tags=cf.strings("tags"), source=cf.text("source"), line=line,
            reviewed=cf.day("reviewed"), review_due=cf.day("review_due"),
        ))
    blueprint = data.get("blueprint")
    if blueprint is not None:
        blueprint_line = _first_header_line(text, _BLUEPRINT_HEADER)
        try:
            if not isinstance(blueprint, dict):
                raise BlueprintError("[blueprint] must be a table")
            parsed = blueprint_from_dict(blueprint, where="[blueprint]")
            known = {t.id for t in topics}
            unknown = sorted({t for d in parsed.domains for t in d.topics} - known)
            if unknown:
                problems.append(Problem(
                    file, blueprint_line,
                    f"[blueprint] names topics this bank does not declare: {', '.join(unknown)} "
                    "(they will only count if another enabled bank has them)",
                    Severity.WARNING))
        except BlueprintError as exc:
            problems.append(Problem(file, blueprint_line, str(exc)))
            blueprint = None
    bank = Bank(info=info, topics=tuple(topics), questions=tuple(questions),
                flashcards=tuple(flashcards), blueprint=blueprint)
    return ParsedBank(bank, problems)


def _nth(lines: list[int], index: int) -> int | None:
    return lines[index] if index < len(lines) else None


def _table_list(data: dict[str, Any], key: str, file: str,
                problems: list[Problem]) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(file, None, f"'{key}' must be written as [[{key}]] tables"))
        return []
    return value


_TYPES = {t.value: t for t in QuestionType}
_NO_STRINGS: tuple[str, ...] = ()


def _read_question(raw: dict[str, Any], *, file: str, line: int | None,
                   problems: list[Problem]) -> Question:
    """One ``[[questions]]`` table, every field checked, each problem named once.

    The one reader of a question. Each field takes one type test in the common case; only a
    field of the wrong type goes through ``_Fields``, which words the problem. This is most
    of the work of importing a big bank, hence the local names.
    """
    get = raw.get
    fields: _Fields | None = None

    def careful() -> _Fields:
        nonlocal fields
        if fields is None:
            fields = _Fields(raw, file=file, line=line, what=f"question {get('id', '?')!r}",
                             problems=problems)
        return fields

    qid, topic, stem = get("id"), get("topic"), get("stem")
    qid = qid.strip() if type(qid) is str and qid else careful().text("id", required=True)
    topic = (topic.strip() if type(topic) is str and topic
             else careful().text("topic", required=True))
    stem = (stem.strip() if type(stem) is str and stem and not stem.isspace()
            else careful().text("stem", required=True))
    texts = []
    for key in ("rationale", "source", "title"):
        value = get(key, "")
        texts.append(value.strip() if type(value) is str else careful().text(key))
    type_name = get("type", "single")
    qtype = _TYPES.get(type_name) if type(type_name) is str else None
    if qtype is None:
        shown = type_name if type(type_name) is str else careful().text("type", "single")
        if type(type_name) is str:
            problems.append(Problem(file, line, f"question {qid or '?'!r}: type {shown!r} is "
                                    "not one of single, multiple, truefalse"))
        qtype = QuestionType.SINGLE
    difficulty = get("difficulty", 2)
    if type(difficulty) is not int:
        difficulty = careful().integer("difficulty", 2)
    reviewed, review_due = get("reviewed"), get("review_due")
    if reviewed is not None and type(reviewed) is not date:
        reviewed = careful().day("reviewed")
    if review_due is not None and type(review_due) is not date:
        review_due = careful().day("review_due")
    lists = []
    for key in ("tags", "jurisdiction", "setting"):
        value = get(key)
        if not value:
            lists.append(_NO_STRINGS)
        elif type(value) is list and all(type(v) is str for v in value):
            # Blank entries are dropped, the rest stripped: ["a", " ", "b "] is ("a", "b").
            lists.append(tuple([v for v in map(str.strip, value) if v]))
        else:
            lists.append(careful().strings(key))
    return Question(qid, qtype, topic, stem, _read_choices(get("choices", []), careful, line,
                                                           file, problems),
                    texts[0], difficulty, lists[0], texts[1], reviewed, lists[1], lists[2],
                    texts[2], line, review_due)


def _read_choices(raw_choices: Any, careful: Any, line: int | None, file: str,
                  problems: list[Problem]) -> tuple[Choice, ...]:
    """The ``choices`` of a question (inline tables or ``[[questions.choices]]``)."""
    if type(raw_choices) is not list:
        careful()
        problems.append(Problem(file, line, "choices must be written as [[questions.choices]]"))
        return ()
    choices = []
    for c in raw_choices:
        if type(c) is not dict:
            problems.append(Problem(file, line, "each choice must be a table with 'text'"))
            continue
        text, correct = c.get("text"), c.get("correct", False)
        feedback, fixed, weight = c.get("feedback", ""), c.get("fixed", False), c.get("weight")
        if (type(text) is not str or type(correct) is not bool or type(feedback) is not str
                or type(fixed) is not bool):
            cf = _Fields(c, file=file, line=line, what="choice", problems=problems)
            text, correct = cf.text("text", required=True), cf.boolean("correct")
            feedback, fixed = cf.text("feedback"), cf.boolean("fixed")
        # "weight is None" first: most choices have none, and isinstance against a union
        # costs ~90 ns a call (40,000 choices in a big bank).
        choices.append(Choice(text.strip(), correct, feedback.strip(), fixed,
                              None if weight is None
                              else float(weight) if isinstance(weight, int | float) else None))
    return tuple(choices)


def write_native(bank: Bank) -> str:
    """Serialise ``bank`` to native TOML, keeping every field the model holds."""
    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "bank": _drop_empty({
            "id": bank.info.id, "title": bank.info.title, "version": bank.info.version,
            "author": bank.info.author, "description": bank.info.description,
            "license": bank.info.license,
        }, keep=("id", "title", "version")),
        "topics": [_drop_empty({"id": t.id, "title": t.title, "description": t.description},
                               keep=("id", "title")) for t in bank.topics],
    }
    if bank.questions:
        doc["questions"] = [_question_table(q) for q in bank.questions]
    if bank.blueprint:
        doc["blueprint"] = bank.blueprint
    if bank.flashcards:
        doc["flashcards"] = [
            _drop_empty({"id": f.id, "topic": f.topic, "front": f.front, "back": f.back,
                         "tags": list(f.tags), "source": f.source, "reviewed": f.reviewed,
                         "review_due": f.review_due},
                        keep=("id", "topic", "front", "back"))
            for f in bank.flashcards
        ]
    header = "# MHT Desktop question bank — format described in docs/bank-format.md\n"
    return header + tomli_w.dumps(doc, multiline_strings=True)


def _question_table(q: Question) -> dict[str, Any]:
    table = _drop_empty({
        "id": q.id, "type": q.type.value, "topic": q.topic, "title": q.title,
        "difficulty": q.difficulty, "tags": list(q.tags), "source": q.source,
        "reviewed": q.reviewed, "review_due": q.review_due,
        "jurisdiction": list(q.jurisdiction),
        "setting": list(q.setting), "stem": q.stem, "rationale": q.rationale,
    }, keep=("id", "type", "topic", "difficulty", "stem"))
    table["choices"] = [
        _drop_empty({"text": c.text, "correct": c.correct, "feedback": c.feedback,
                     "fixed": c.fixed or None, "weight": c.weight},
                    keep=("text", "correct"))
        for c in q.choices
    ]
    return table


def _drop_empty(table: dict[str, Any], *, keep: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if k in keep or v not in (None, "", [], ())}
