"""Our own bank format: one TOML file per bank (see docs/bank-format.md)."""

from __future__ import annotations

import functools
import re
import secrets
import tomllib
from datetime import date
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
        if isinstance(value, date):
            return value
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


def read_native(text: str, *, file: str) -> ParsedBank:
    """Parse a native TOML bank.

    Args:
        text: The decoded file.
        file: The name used in messages.

    Returns:
        The bank and any problems; structural problems leave ``bank`` as None.
    """
    question_starts = _header_starts(text, _QUESTION_HEADER_BODY)
    question_lines = _lines_at(text, question_starts)
    data, laid_out = _parse_laid_out(text, question_starts, question_lines)
    if data is None:
        data, error_line, error = _parse_toml(text)
        if data is None:
            return ParsedBank(None, [Problem(file, error_line, f"not valid TOML: {error}")])

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

    if laid_out is not None:
        questions = laid_out  # read straight from the text, exactly as below would
    else:
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


_FAST_TEXT = ("id", "topic", "stem", "rationale", "source", "title")


def _read_question(raw: dict[str, Any], *, file: str, line: int | None,
                   problems: list[Problem]) -> Question:
    fast = _read_question_fast(raw, line)
    if fast is not None:
        return fast
    qf = _Fields(raw, file=file, line=line, what=f"question {raw.get('id', '?')!r}",
                 problems=problems)
    type_name = qf.text("type", "single")
    try:
        qtype = QuestionType(type_name)
    except ValueError:
        problems.append(Problem(file, line, f"question {raw.get('id', '?')!r}: type "
                                f"{type_name!r} is not one of single, multiple, truefalse"))
        qtype = QuestionType.SINGLE
    choices = []
    raw_choices = raw.get("choices", [])
    if not isinstance(raw_choices, list):
        raw_choices = []
        problems.append(Problem(file, line, "choices must be written as [[questions.choices]]"))
    for raw_choice in raw_choices:
        if not isinstance(raw_choice, dict):
            problems.append(Problem(file, line, "each choice must be a table with 'text'"))
            continue
        cf = _Fields(raw_choice, file=file, line=line, what="choice", problems=problems)
        weight = raw_choice.get("weight")
        choices.append(Choice(
            text=cf.text("text", required=True), correct=cf.boolean("correct"),
            feedback=cf.text("feedback"), fixed=cf.boolean("fixed"),
            weight=float(weight) if isinstance(weight, int | float) else None,
        ))
    return Question(
        id=qf.text("id", required=True), type=qtype, topic=qf.text("topic", required=True),
        stem=qf.text("stem", required=True), choices=tuple(choices),
        rationale=qf.text("rationale"), difficulty=qf.integer("difficulty", 2),
        tags=qf.strings("tags"), source=qf.text("source"), reviewed=qf.day("reviewed"),
        jurisdiction=qf.strings("jurisdiction"), setting=qf.strings("setting"),
        title=qf.text("title"), line=line,
    )


def _read_question_fast(raw: dict[str, Any], line: int | None) -> Question | None:
    """The common case in one pass: every field present with the right type.

    Anything unusual returns None so the careful reader can explain exactly what is wrong.
    This path matters: it is most of the work of importing a 10,000-question bank.
    """
    get = raw.get
    qid, topic, stem = get("id"), get("topic"), get("stem")
    rationale, source, title = get("rationale", ""), get("source", ""), get("title", "")
    if (type(qid) is not str or type(topic) is not str or type(stem) is not str
            or type(rationale) is not str or type(source) is not str or type(title) is not str
            or not qid or not topic or not stem.strip()):
        return None
    qtype = _TYPES.get(get("type", "single"))
    difficulty = get("difficulty", 2)
    reviewed = get("reviewed")
    if qtype is None or type(difficulty) is not int or (
            reviewed is not None and type(reviewed) is not date):
        return None
    lists = []
    for key in ("tags", "jurisdiction", "setting"):
        value = get(key, ())
        if value and (type(value) is not list or any(type(x) is not str for x in value)):
            return None
        lists.append(tuple(x.strip() for x in value) if value else ())
    raw_choices = get("choices", ())
    if type(raw_choices) is not list:
        return None
    choices = []
    for c in raw_choices:
        if type(c) is not dict or not c.keys() <= _CHOICE_KEYS:
            return None
        text, correct = c.get("text"), c.get("correct", False)
        feedback, fixed, weight = c.get("feedback", ""), c.get("fixed", False), c.get("weight")
        if (type(text) is not str or type(correct) is not bool or type(feedback) is not str
                or type(fixed) is not bool or not (weight is None
                                                   or type(weight) in (int, float))):
            return None
        choices.append(Choice(text.strip(), correct, feedback.strip(), fixed,
                              None if weight is None else float(weight)))
    return Question(
        id=qid.strip(), type=qtype, topic=topic.strip(), stem=stem.strip(),
        choices=tuple(choices), rationale=rationale.strip(), difficulty=difficulty,
        tags=lists[0], source=source.strip(), reviewed=reviewed, jurisdiction=lists[1],
        setting=lists[2], title=title.strip(), line=line)


_CHOICE_KEYS = frozenset({"text", "correct", "feedback", "fixed", "weight"})
_TYPES = {t.value: t for t in QuestionType}


# --------------------------------------------------------------------------------------------
# The fast path: questions laid out as we write them
# --------------------------------------------------------------------------------------------
#
# Most of a big bank's import time went into the TOML parser building ~40 Python objects per
# question that the reader then took apart again. Files laid out the way ``write_native``
# (tomli_w) writes them, or the way the shipped banks are written, are read here with one
# regular-expression match per question straight into ``Question`` objects. The patterns
# accept only a strict subset of TOML whose meaning is unambiguous (keys in the usual order,
# one per line, no trailing comments, strings with only the standard escapes); anything else
# makes the whole file take the ordinary path, so this changes speed and nothing else.

_CONTROL = r"\x00-\x08\x0a-\x1f\x7f"  # never raw inside a one-line string or a comment
_ESCAPE = r'\\(?:[btnfr"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})'
_LINE_STRING = rf'"[^"\\{_CONTROL}]*(?:{_ESCAPE}[^"\\{_CONTROL}]*)*+"'
_ML_CHAR = r'[^"\\\x00-\x08\x0b-\x1f\x7f]'  # a multi-line string may hold raw newlines
# One or two quotes may sit inside a multi-line string; never three (that would end it), and
# not right before the closing quotes either (which TOML allows, but we leave to the parser).
_ML_STRING = rf'"""({_ML_CHAR}*(?:(?:{_ESCAPE}|"(?!""))+{_ML_CHAR}*)*+)"""'
_TEXT = rf'"([^"\\{_CONTROL}]*(?:{_ESCAPE}[^"\\{_CONTROL}]*)*+)"'  # one group: the content
_ANY_TEXT = rf"(?:{_ML_STRING}|{_TEXT})"  # two groups: multi-line content, one-line content
# tomli_w writes arrays one item a line; people write ["a", "b"].
_STRINGS = rf"\[((?:\n    {_LINE_STRING},)++\n|(?:{_LINE_STRING}(?:, {_LINE_STRING})*+)?)\]"
_INTEGER = r"(-?(?:0|[1-9][0-9]{0,17}))"  # fits in 64 bits, as TOML requires
_NUMBER = r"(-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]+)?)"
_BOOLEAN = r"(true|false)"
_GAP = rf"(?:[ \t]*(?:#[^{_CONTROL}]*)?\n)*+"  # blank lines and comment lines
_INLINE_CHOICE = (rf"    \{{ text = {_TEXT}(?:, correct = {_BOOLEAN})?(?:, feedback = {_TEXT})?"
                  rf"(?:, fixed = {_BOOLEAN})?(?:, weight = {_NUMBER})? \}},\n")
_TABLE_CHOICE = (rf"{_GAP}\[\[questions\.choices\]\]\ntext = {_ANY_TEXT}\n"
                 rf"(?:correct = {_BOOLEAN}\n)?(?:feedback = {_ANY_TEXT}\n)?"
                 rf"(?:fixed = {_BOOLEAN}\n)?(?:weight = {_NUMBER}\n)?")
_LAID_OUT_QUESTION = (
    rf"\[\[questions\]\]\nid = {_TEXT}\n(?:type = {_TEXT}\n)?topic = {_TEXT}\n"
    rf"(?:title = {_TEXT}\n)?(?:difficulty = {_INTEGER}\n)?(?:tags = {_STRINGS}\n)?"
    rf"(?:source = {_ANY_TEXT}\n)?(?:reviewed = ([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})\n)?"
    rf"(?:jurisdiction = {_STRINGS}\n)?(?:setting = {_STRINGS}\n)?stem = {_ANY_TEXT}\n"
    rf"(?:rationale = {_ANY_TEXT}\n)?"
    rf"(?:choices = \[\n{_INLINE_CHOICE}(?:{_INLINE_CHOICE})?+(?:{_INLINE_CHOICE})?+"
    rf"(?:{_INLINE_CHOICE})?+(?:{_INLINE_CHOICE})?+(?:{_INLINE_CHOICE})?+"
    rf"(?:{_INLINE_CHOICE})?+(?:{_INLINE_CHOICE})?+\]\n"
    rf"|{_TABLE_CHOICE}(?:{_TABLE_CHOICE})?+(?:{_TABLE_CHOICE})?+(?:{_TABLE_CHOICE})?+"
    rf"(?:{_TABLE_CHOICE})?+(?:{_TABLE_CHOICE})?+(?:{_TABLE_CHOICE})?+(?:{_TABLE_CHOICE})?+)"
    rf"{_GAP}")


@functools.cache
def _laid_out_pattern() -> re.Pattern[str]:
    """``_LAID_OUT_QUESTION``, compiled on first use.

    Compiling it takes as long as reading a few hundred questions, which no one who only
    opens the window should wait for.
    """
    return re.compile(_LAID_OUT_QUESTION)


# Where each field's group sits in ``match.groups()``.
_G_ID, _G_TYPE, _G_TOPIC, _G_TITLE, _G_DIFFICULTY, _G_TAGS = 0, 1, 2, 3, 4, 5
_G_SOURCE, _G_REVIEWED, _G_JURISDICTION, _G_SETTING, _G_STEM, _G_RATIONALE = 6, 8, 9, 10, 11, 13
_G_INLINE, _INLINE_WIDTH = 15, 5  # text, correct, feedback, fixed, weight
_G_TABLE, _TABLE_WIDTH = _G_INLINE + 8 * _INLINE_WIDTH, 7  # text×2, correct, feedback×2, …
_ARRAY_ITEM = re.compile(_TEXT)
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_SEQUENCE = re.compile(r'\\(?:([btnfr"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')


class _NotLaidOut(Exception):
    """The file needs the full TOML parser."""


def _unescape(text: str) -> str:
    """A TOML basic string's content with its escapes replaced."""
    return _ESCAPE_SEQUENCE.sub(_escaped_char, text) if "\\" in text else text


def _escaped_char(match: re.Match[str]) -> str:
    simple = match.group(1)
    if simple is not None:
        return _ESCAPES[simple]
    code = int(match.group(2) or match.group(3), 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise _NotLaidOut  # not a Unicode scalar value: the parser reports it
    return chr(code)


def _parse_laid_out(text: str, starts: list[int], lines: list[int],
                    ) -> tuple[dict[str, Any] | None, list[Question] | None]:
    """Parse a bank whose questions are laid out as we write them.

    The questions must form one run of ``[[questions]]`` tables, each matching
    ``_LAID_OUT_QUESTION`` and ending where the next begins. The rest of the file (metadata,
    topics, blueprint, flashcards: small) goes to the TOML parser with the run replaced by a
    single table holding a random key. That the parser then finds exactly this one question
    table proves the run sat where TOML itself puts questions (not inside a multi-line string,
    not extended by a later ``[questions.x]`` table…), so the result is what parsing the whole
    file would give.

    Args:
        text: The decoded file.
        starts: Offsets of the ``[[questions]]`` header lines (``_header_starts``).
        lines: Their line numbers.

    Returns:
        (data, questions): the parsed TOML without its questions and the questions read;
        (None, None) when the file must go through the full parser instead.
    """
    if not starts:
        return None, None
    try:
        questions = _read_laid_out_questions(text, starts, lines)
    except _NotLaidOut:
        return None, None
    marker = f"laid-out-{secrets.token_hex(8)}"
    rest = f"{text[:starts[0]]}[[questions]]\n{marker} = 0\n{text[questions.end:]}"
    data, _, _ = _parse_toml(rest)
    if data is None or data.get("questions") != [{marker: 0}]:
        return None, None
    return data, questions.items


class _Run:
    """Questions read from a run of tables, and the offset just past the run."""

    __slots__ = ("end", "items")

    def __init__(self, items: list[Question], end: int) -> None:
        self.items = items
        self.end = end


def _read_laid_out_questions(text: str, starts: list[int], lines: list[int]) -> _Run:
    """Read every question table with one match each (see ``_parse_laid_out``).

    Raises:
        _NotLaidOut: a table is laid out differently, or holds something the careful reader
            must explain (an empty stem, an unknown type, an impossible date…).
    """
    match_at = _laid_out_pattern().match
    find = text.find
    questions: list[Question] = []
    arrays: dict[str, tuple[str, ...]] = {}  # tag lists repeat: read each distinct one once
    end = starts[0]
    for index, start in enumerate(starts):
        if start != end:
            raise _NotLaidOut  # something else between two questions, or a header in a string
        match = match_at(text, start)
        if match is None:
            raise _NotLaidOut
        end = match.end()
        questions.append(_laid_out_question(match.groups(), find("\\", start, end) >= 0,
                                            lines[index], arrays))
    return _Run(questions, end)


def _laid_out_question(g: tuple[Any, ...], escaped: bool, line: int,
                       arrays: dict[str, tuple[str, ...]]) -> Question:
    """A ``Question`` from the groups of one ``_LAID_OUT_QUESTION`` match.

    Does exactly what ``_read_question_fast`` does with the tables TOML would give.
    """
    qid, type_name, topic, title = g[_G_ID], g[_G_TYPE], g[_G_TOPIC], g[_G_TITLE] or ""
    source = _any_text(g, _G_SOURCE)
    stem = _any_text(g, _G_STEM)
    rationale = _any_text(g, _G_RATIONALE)
    if escaped:
        qid, topic, title = _unescape(qid), _unescape(topic), _unescape(title)
        source, stem, rationale = _unescape(source), _unescape(stem), _unescape(rationale)
        type_name = None if type_name is None else _unescape(type_name)
    if not qid or not topic or not stem.strip():
        raise _NotLaidOut
    qtype = _TYPES.get("single" if type_name is None else type_name)
    if qtype is None:
        raise _NotLaidOut
    difficulty = 2 if g[_G_DIFFICULTY] is None else int(g[_G_DIFFICULTY])
    reviewed = g[_G_REVIEWED]
    if reviewed is not None:
        try:
            reviewed = date.fromisoformat(reviewed)
        except ValueError:
            raise _NotLaidOut from None
    lists: list[tuple[str, ...]] = []
    for group in (_G_TAGS, _G_JURISDICTION, _G_SETTING):
        body = g[group]
        if not body:
            lists.append(())
            continue
        items = arrays.get(body)
        if items is None:
            items = arrays[body] = tuple(_unescape(item).strip()
                                         for item in _ARRAY_ITEM.findall(body))
        lists.append(items)
    choices = []
    if g[_G_INLINE] is not None:
        for k in range(_G_INLINE, _G_TABLE, _INLINE_WIDTH):
            text = g[k]
            if text is None:
                break
            correct, feedback, fixed, weight = g[k + 1], g[k + 2] or "", g[k + 3], g[k + 4]
            if escaped:
                text, feedback = _unescape(text), _unescape(feedback)
            choices.append(Choice(text.strip(), correct == "true", feedback.strip(),
                                  fixed == "true", _weight(weight)))
    else:
        for k in range(_G_TABLE, len(g), _TABLE_WIDTH):
            if g[k] is None and g[k + 1] is None:
                break
            text, correct = _any_text(g, k), g[k + 2]
            feedback, fixed, weight = _any_text(g, k + 3), g[k + 5], g[k + 6]
            if escaped:
                text, feedback = _unescape(text), _unescape(feedback)
            choices.append(Choice(text.strip(), correct == "true", feedback.strip(),
                                  fixed == "true", _weight(weight)))
    return Question(qid.strip(), qtype, topic.strip(), stem.strip(), tuple(choices),
                    rationale.strip(), difficulty, lists[0], source.strip(), reviewed,
                    lists[1], lists[2], title.strip(), line)


def _any_text(g: tuple[Any, ...], index: int) -> str:
    """The string in a two-group ``_ANY_TEXT`` at ``index`` ('' when the key is absent)."""
    multi: str | None = g[index]
    if multi is None:
        line: str | None = g[index + 1]
        return line or ""
    # TOML drops a newline right after the opening quotes of a multi-line string.
    return multi[1:] if multi.startswith("\n") else multi


def _weight(raw: str | None) -> float | None:
    """A choice weight as ``float(value)`` of what TOML gives (an int or a float)."""
    if raw is None:
        return None
    # float("-0") is -0.0 but TOML's -0 is the integer 0, so integers go through int().
    return float(raw) if "." in raw else float(int(raw))


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
                         "tags": list(f.tags), "source": f.source},
                        keep=("id", "topic", "front", "back"))
            for f in bank.flashcards
        ]
    header = "# MHT Desktop question bank — format described in docs/bank-format.md\n"
    return header + tomli_w.dumps(doc, multiline_strings=True)


def _question_table(q: Question) -> dict[str, Any]:
    table = _drop_empty({
        "id": q.id, "type": q.type.value, "topic": q.topic, "title": q.title,
        "difficulty": q.difficulty, "tags": list(q.tags), "source": q.source,
        "reviewed": q.reviewed, "jurisdiction": list(q.jurisdiction),
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
