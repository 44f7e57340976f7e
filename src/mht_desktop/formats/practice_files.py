"""Reading practice files: scenarios, vignettes and disclosure cases (docs/practice-formats.md).

Each file is TOML and holds one kind of exercise: ``[scenario]`` with its ``[[node]]`` and
``[[node.choice]]`` tables, or ``[[vignette]]`` tables, or ``[[case]]`` tables with their
``[[case.field]]`` and ``[[case.action]]``. Like the bank reader, this never touches the
database and reports every problem with the file and the line, so an instructor can fix the
whole file in one go; validation (links, endings, safety rules) is in
:mod:`mht_desktop.core.practice.validation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from mht_desktop.core.errors import Problem, Severity
from mht_desktop.core.practice.disclosure import (
    Action,
    ActionKey,
    Authority,
    DisclosureCase,
    Expect,
    FieldKey,
    RecordField,
    Requester,
    RuleRef,
)
from mht_desktop.core.practice.drills import (
    Choice,
    Ending,
    EndingKind,
    Level,
    Node,
    Rating,
    Scenario,
    Setting,
)
from mht_desktop.core.practice.note_checker import NoteFormat
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.formats.native import _parse_toml

FORMAT_VERSION = 1
_HEADER = re.compile(r"^[ \t]*\[(\[?)[ \t]*([A-Za-z0-9_.\- ]+?)[ \t]*\]\]?", re.MULTILINE)
E = TypeVar("E", bound=Enum)


class PracticeKind(Enum):
    """The three kinds of practice file."""

    SCENARIO = "scenario"
    VIGNETTE = "vignette"
    CASE = "case"

    @property
    def plural(self) -> str:
        """For messages and lists."""
        return {PracticeKind.SCENARIO: "scenarios", PracticeKind.VIGNETTE: "vignettes",
                PracticeKind.CASE: "disclosure cases"}[self]


PracticeItem = Scenario | Vignette | DisclosureCase


@dataclass(slots=True)
class ParsedPractice:
    """A practice file as read: its kind, its items, and every problem found."""

    file: str
    kind: PracticeKind | None
    items: list[PracticeItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that block the import."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


class _Lines:
    """Where each table header and key is, so a message can name the line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.headers: list[tuple[int, str]] = []  # (line, "node.choice")
        for match in _HEADER.finditer(text):
            name = re.sub(r"\s+", "", match.group(2))
            self.headers.append((text.count("\n", 0, match.start()) + 1, name))

    def nth(self, name: str, index: int, after: int = 0, before: int | None = None,
            ) -> int | None:
        found = [line for line, n in self.headers
                 if n == name and line > after and (before is None or line < before)]
        return found[index] if index < len(found) else None

    def next_header(self, line: int) -> int | None:
        return next((at for at, _ in self.headers if at > line), None)

    def key(self, key: str, start: int | None) -> int | None:
        """The line of ``key = …`` in the table starting at ``start``."""
        if start is None:
            return None
        end = self.next_header(start) or len(self.lines) + 1
        pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=")
        for number in range(start + 1, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start


class _Table:
    """Typed reads from one TOML table; a bad value becomes a problem at its line."""

    def __init__(self, raw: Any, where: str, line: int | None, lines: _Lines, file: str,
                 problems: list[Problem]) -> None:
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.where, self.line, self.lines, self.file = where, line, lines, file
        self.problems = problems
        if not isinstance(raw, dict):
            self.problem(None, "must be a table")

    def at(self, key: str | None) -> int | None:
        return self.line if key is None else self.lines.key(key, self.line)

    def problem(self, key: str | None, message: str,
                severity: Severity = Severity.ERROR) -> None:
        what = f"{self.where}: '{key}' {message}" if key else f"{self.where} {message}"
        self.problems.append(Problem(self.file, self.at(key), what, severity))

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.problem(None, f"has no '{key}'")
            return ""
        if not isinstance(value, str):
            self.problem(key, f"must be text, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.problem(key, "is empty")
        return value.strip()

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, "must be true or false")
            return False
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of text")
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def day(self, key: str) -> date | None:
        value = self.raw.get(key)
        if value is None or isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(key, "must be a date such as 2026-12-01")
        return None

    def choice(self, key: str, enum: type[E], parse: Callable[[str], E] | None = None,
               *, default: E | None = None) -> E | None:
        value = self.raw.get(key)
        if value is None:
            if default is None:
                self.problem(None, f"has no '{key}'")
            return default
        if not isinstance(value, str):
            self.problem(key, "must be text")
            return default
        try:
            return parse(value) if parse else enum(value.strip().lower())
        except ValueError:
            names = ", ".join(str(e.value if not isinstance(e, Level) else e.key)
                              for e in enum)
            self.problem(key, f"is {value!r}; use one of: {names}")
            return default

    def tables(self, key: str) -> list[Any]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            self.problem(key, "must be a list of tables ([[…]])")
            return []
        return value


def detect_kind(text: str) -> PracticeKind | None:
    """The kind of practice file ``text`` looks like, without parsing it (None: not one)."""
    for line in text.split("\n")[:400]:
        stripped = line.strip()
        if stripped.startswith("[scenario]") or stripped.startswith("[ scenario ]"):
            return PracticeKind.SCENARIO
        if re.match(r"\[\[\s*vignette\s*\]\]", stripped):
            return PracticeKind.VIGNETTE
        if re.match(r"\[\[\s*case\s*\]\]", stripped):
            return PracticeKind.CASE
    return None


def read_practice(text: str, *, file: str) -> ParsedPractice:
    """Parse a scenario, vignette or case file.

    Args:
        text: The decoded file.
        file: The name used in messages.

    Returns:
        The items and every problem; a syntax error leaves ``items`` empty.
    """
    data, error_line, error = _parse_toml(text)
    if data is None:
        return ParsedPractice(file, None, [], [Problem(file, error_line,
                                                       f"not valid TOML: {error}")])
    lines = _Lines(text)
    problems: list[Problem] = []
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        return ParsedPractice(file, None, [], [Problem(
            file, lines.key("format", 0) or 1, f"format {version!r} is not supported; this "
            f"version of MHT Desktop reads practice format {FORMAT_VERSION}")])
    kinds = [k for k in PracticeKind if k.value in data]
    if len(kinds) != 1:
        what = ("holds more than one kind of exercise (" + ", ".join(k.value for k in kinds)
                + "); put each kind in its own file") if kinds else (
            "is not a practice file: it needs a [scenario] table, or [[vignette]] or "
            "[[case]] tables")
        return ParsedPractice(file, None, [], [Problem(file, 1, f"the file {what}")])
    kind = kinds[0]
    if kind is PracticeKind.SCENARIO:
        items: list[PracticeItem] = [_scenario(data, lines, file, problems)]
    elif kind is PracticeKind.VIGNETTE:
        items = [_vignette(raw, i, lines, file, problems)
                 for i, raw in enumerate(_list(data, "vignette", lines, file, problems))]
    else:
        items = [_case(raw, i, lines, file, problems)
                 for i, raw in enumerate(_list(data, "case", lines, file, problems))]
    return ParsedPractice(file, kind, items, problems)


def _list(data: dict[str, Any], key: str, lines: _Lines, file: str,
          problems: list[Problem]) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        problems.append(Problem(file, lines.nth(key, 0) or 1,
                                f"'{key}' must be written as [[{key}]] tables"))
        return []
    return value


def _scenario(data: dict[str, Any], lines: _Lines, file: str,
              problems: list[Problem]) -> Scenario:
    head_line = next((line for line, name in lines.headers if name == "scenario"), 1)
    head = _Table(data.get("scenario"), "[scenario]", head_line, lines, file, problems)
    nodes = []
    raw_nodes = data.get("node", [])
    if not isinstance(raw_nodes, list):
        problems.append(Problem(file, lines.nth("node", 0), "'node' must be [[node]] tables"))
        raw_nodes = []
    for i, raw in enumerate(raw_nodes):
        at = lines.nth("node", i)
        until = lines.nth("node", i + 1)
        node = _Table(raw, f"node {raw.get('id', i + 1) if isinstance(raw, dict) else i + 1}",
                      at, lines, file, problems)
        choices = []
        for j, raw_choice in enumerate(node.tables("choice")):
            c_at = lines.nth("node.choice", j, after=at or 0, before=until) or at
            c = _Table(raw_choice, f"{node.where}, choice {j + 1}", c_at, lines, file,
                       problems)
            choices.append(Choice(
                text=c.text("text"), goto=c.text("goto"),
                rating=c.choice("rating", Rating, default=Rating.POOR) or Rating.POOR,
                technique=c.text("technique", required=False),
                feedback=c.text("feedback", required=False),
                source=c.text("source", required=False),
                hands_on=c.flag("hands_on"), calls_help=c.flag("calls_help"), line=c_at))
        ending = None
        if "ending" in node.raw:
            kind = node.choice("ending", EndingKind)
            if kind is not None:
                ending = Ending(kind, node.choice("rating", Rating, default=Rating.OK)
                                or Rating.OK, node.text("summary"),
                                node.strings("requirements"))
        nodes.append(Node(
            id=node.text("id"),
            level=node.choice("level", Level, Level.parse) or Level.CALM,
            says=node.text("says", required=False), does=node.text("does", required=False),
            choices=tuple(choices), ending=ending, line=at))
    return Scenario(
        id=head.text("id"), title=head.text("title"),
        setting=head.choice("setting", Setting) or Setting.ADULT_INPATIENT,
        person=head.text("person"), situation=head.text("situation"),
        call_for_help=head.text("call_for_help"), start=head.text("start"),
        nodes=tuple(nodes), sources=head.strings("sources"), reviewed=head.day("reviewed"),
        review_due=head.day("review_due"), file=file, line=head_line)


def _vignette(raw: Any, index: int, lines: _Lines, file: str,
              problems: list[Problem]) -> Vignette:
    at = lines.nth("vignette", index)
    name = raw.get("id", index + 1) if isinstance(raw, dict) else index + 1
    v = _Table(raw, f"vignette {name}", at, lines, file, problems)
    written_at = v.text("written_at", required=False) or None
    if written_at is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", written_at):
        v.problem("written_at", f"is {written_at!r}; write a 24-hour time such as 17:10")
    return Vignette(
        id=v.text("id"), title=v.text("title"),
        format=v.choice("format", NoteFormat) or NoteFormat.NARRATIVE,
        observation=v.text("observation"), prompt=v.text("prompt"), exemplar=v.text("exemplar"),
        quotes=v.strings("quotes"), written_at=written_at, sources=v.strings("sources"),
        reviewed=v.day("reviewed"), review_due=v.day("review_due"), file=file, line=at)


def _rule(table: _Table) -> RuleRef:
    return RuleRef(table.text("rule"),
                   table.choice("authority", Authority, default=Authority.FEDERAL)
                   or Authority.FEDERAL)


def _case(raw: Any, index: int, lines: _Lines, file: str,
          problems: list[Problem]) -> DisclosureCase:
    at = lines.nth("case", index)
    until = lines.nth("case", index + 1)
    name = raw.get("id", index + 1) if isinstance(raw, dict) else index + 1
    c = _Table(raw, f"case {name}", at, lines, file, problems)
    fields = []
    for j, raw_field in enumerate(c.tables("field")):
        f_at = lines.nth("case.field", j, after=at or 0, before=until) or at
        f = _Table(raw_field, f"{c.where}, field {j + 1}", f_at, lines, file, problems)
        which = f.choice("field", RecordField)
        expect = f.choice("expect", Expect)
        if expect in (Expect.DO, Expect.AVOID):
            f.problem("expect", "must be share, withhold or either for a record field")
        if which is not None and expect is not None:
            fields.append(FieldKey(which, f.text("content"), expect, f.text("why"), _rule(f)))
    actions = []
    for j, raw_action in enumerate(c.tables("action")):
        a_at = lines.nth("case.action", j, after=at or 0, before=until) or at
        a = _Table(raw_action, f"{c.where}, action {j + 1}", a_at, lines, file, problems)
        which_action = a.choice("action", Action)
        expect = a.choice("expect", Expect)
        if expect in (Expect.SHARE, Expect.WITHHOLD):
            a.problem("expect", "must be do, avoid or either for an action")
        if which_action is not None and expect is not None:
            actions.append(ActionKey(which_action, expect, a.text("why"), _rule(a)))
    return DisclosureCase(
        id=c.text("id"), title=c.text("title"),
        requester=c.choice("requester", Requester) or Requester.FAMILY,
        request=c.text("request"), context=c.text("context", required=False),
        fields=tuple(fields), actions=tuple(actions), debrief=c.text("debrief"),
        sources=c.strings("sources"), reviewed=c.day("reviewed"), review_due=c.day("review_due"),
        file=file, line=at)
