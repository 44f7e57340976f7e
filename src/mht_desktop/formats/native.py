"""Our own bank format: one TOML file per bank (see docs/bank-format.md)."""

from __future__ import annotations

import re
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
_QUESTION_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*questions[ \t]*\]\]", re.MULTILINE)
_FLASHCARD_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*flashcards[ \t]*\]\]", re.MULTILINE)


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


def _header_lines(text: str, pattern: re.Pattern[str]) -> list[int]:
    """1-based line of each match, counting newlines once across the file (not per match)."""
    lines = []
    line, last = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
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
    bank_line = _header_lines(text, re.compile(r"^\s*\[\s*bank\s*\]", re.MULTILINE))
    fields = _Fields(bank_table, file=file, line=bank_line[0] if bank_line else None,
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

    question_lines = _header_lines(text, _QUESTION_HEADER)
    questions = [
        _read_question(raw, file=file, line=_nth(question_lines, i), problems=problems)
        for i, raw in enumerate(_table_list(data, "questions", file, problems))
    ]
    card_lines = _header_lines(text, _FLASHCARD_HEADER)
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
        blueprint_line = _header_lines(text, re.compile(r"^[ \t]*\[[ \t]*blueprint[ \t]*\]",
                                                        re.MULTILINE))
        try:
            if not isinstance(blueprint, dict):
                raise BlueprintError("[blueprint] must be a table")
            parsed = blueprint_from_dict(blueprint, where="[blueprint]")
            known = {t.id for t in topics}
            unknown = sorted({t for d in parsed.domains for t in d.topics} - known)
            if unknown:
                problems.append(Problem(
                    file, blueprint_line[0] if blueprint_line else None,
                    f"[blueprint] names topics this bank does not declare: {', '.join(unknown)} "
                    "(they will only count if another enabled bank has them)",
                    Severity.WARNING))
        except BlueprintError as exc:
            problems.append(Problem(file, blueprint_line[0] if blueprint_line else None,
                                    str(exc)))
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
