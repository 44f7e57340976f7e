"""Reading the note checker's lexicon: the TOML files in ``resources/practice/checker/``.

An instructor reads and extends these, so the format stays plain: word lists where a word
list will do, a regular expression where it will not, and ``{name}`` to reuse a list from a
``[lists]`` table. Every entry says why it is flagged, what to write instead and the brief's
rule. All files in the folder are read and merged (add ``local.toml`` with your own entries);
a bad pattern is reported with its file and line, and nothing is used until every file reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mht_desktop.core.errors import BankFormatError, Problem
from mht_desktop.core.practice.note_checker import FormatPart, Lexicon, NoteFormat, Rule, Term
from mht_desktop.formats.native import _parse_toml

_ENTRY_TABLES = {"label": Rule.LABEL, "opinion": Rule.OPINION,
                 "abbreviation": Rule.ABBREVIATION}
_LIST_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_STRUCTURAL = ("time", "speech", "risk", "late_cues", "late_label")


class LexiconError(BankFormatError):
    """A lexicon file has errors; the checker will not run on a half-read lexicon."""


def words_pattern(words: list[str]) -> str:
    """A pattern matching any of ``words`` as whole words; spaces and hyphens interchange."""
    parts = []
    for word in sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True):
        pieces = re.split(r"[\s\-]+", word)
        parts.append(r"[\s\-]*".join(re.escape(p) for p in pieces))
    return r"\b(?:" + "|".join(parts) + r")\b" if parts else r"(?!)"


class _Files:
    """The parsed files with a way to find the line of the n-th table of a name."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.lists: dict[str, list[str]] = {}

    @staticmethod
    def table_lines(text: str, name: str) -> list[int]:
        pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\]", re.MULTILINE)
        return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]

    def expand(self, pattern: str, file: str, line: int | None) -> str:
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.lists:
                self.problems.append(Problem(file, line, f"unknown list {{{name}}}"))
                return "(?!)"
            return words_pattern(self.lists[name])[2:-2]  # without the \b…\b

        return _LIST_REF.sub(sub, pattern)

    def compile(self, pattern: str, file: str, line: int | None, *,
                case_sensitive: bool = False, multiline: bool = False) -> re.Pattern[str]:
        flags = (0 if case_sensitive else re.IGNORECASE) | (re.MULTILINE if multiline else 0)
        try:
            return re.compile(self.expand(pattern, file, line), flags)
        except re.error as exc:
            self.problems.append(Problem(file, line, f"bad pattern: {exc.msg} "
                                                     f"(at character {exc.pos})"))
            return re.compile(r"(?!)")


def read_lexicon(folder: Path) -> Lexicon:
    """Read and merge every ``*.toml`` lexicon file in ``folder``.

    Raises:
        LexiconError: listing every problem (file and line) when any file is bad.
    """
    paths = sorted(folder.glob("*.toml"))
    files = _Files()
    parsed: list[tuple[str, str, dict[str, Any]]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        data, line, error = _parse_toml(text)
        if data is None:
            files.problems.append(Problem(path.name, line, f"not valid TOML: {error}"))
            continue
        parsed.append((path.name, text, data))
        for name, words in (data.get("lists") or {}).items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                files.problems.append(Problem(path.name, None,
                                              f"[lists] {name} must be a list of words"))
                continue
            files.lists.setdefault(name, []).extend(words)
    if not parsed and not files.problems:
        files.problems.append(Problem(str(folder), None, "no lexicon files (*.toml) found"))

    terms: list[Term] = []
    formats: dict[NoteFormat, list[FormatPart]] = {f: [] for f in NoteFormat}
    structural: dict[str, re.Pattern[str]] = {}
    sources: dict[Rule, str] = {}
    for name, text, data in parsed:
        for table, rule in _ENTRY_TABLES.items():
            lines = files.table_lines(text, table)
            for i, raw in enumerate(data.get(table, [])):
                line = lines[i] if i < len(lines) else None
                term = _term(files, raw, rule, name, line)
                if term is not None:
                    terms.append(term)
        part_lines = files.table_lines(text, "part")
        for i, raw in enumerate(data.get("part", [])):
            line = part_lines[i] if i < len(part_lines) else None
            _part(files, raw, name, line, formats)
        rules = data.get("rules")
        if isinstance(rules, dict):
            _structural(files, rules, name, text, structural, sources)
    for key in _STRUCTURAL:
        if key not in structural:
            files.problems.append(Problem(str(folder), None,
                                          f"no [rules] {key} pattern in any lexicon file"))
    if files.problems:
        raise LexiconError(files.problems)
    return Lexicon(terms=tuple(terms), formats={f: tuple(p) for f, p in formats.items()},
                   time=structural["time"], speech=structural["speech"],
                   risk=structural["risk"], late_cues=structural["late_cues"],
                   late_label=structural["late_label"], sources=sources)


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _term(files: _Files, raw: Any, rule: Rule, file: str, line: int | None) -> Term | None:
    if not isinstance(raw, dict):
        files.problems.append(Problem(file, line, f"[[{rule.value}]] must be a table"))
        return None
    words, pattern = raw.get("words"), raw.get("pattern")
    if words is None and pattern is None:
        files.problems.append(Problem(file, line, "give 'words' or 'pattern'"))
        return None
    if words is not None and (not isinstance(words, list)
                              or not all(isinstance(w, str) for w in words)):
        files.problems.append(Problem(file, line, "'words' must be a list of text"))
        return None
    if pattern is not None and not isinstance(pattern, str):
        files.problems.append(Problem(file, line, "'pattern' must be text"))
        return None
    source = words_pattern(words) if words is not None else str(pattern)
    why, instead = _text(raw, "why"), _text(raw, "instead")
    if not why or not instead:
        files.problems.append(Problem(file, line, "every entry needs 'why' and 'instead'"))
    compiled = files.compile(source, file, line,
                             case_sensitive=bool(raw.get("case_sensitive", False)))
    return Term(rule, compiled, why, instead, _text(raw, "source") or "D1",
                f"{file}:{line}" if line else file)


def _part(files: _Files, raw: Any, file: str, line: int | None,
          formats: dict[NoteFormat, list[FormatPart]]) -> None:
    if not isinstance(raw, dict):
        files.problems.append(Problem(file, line, "[[part]] must be a table"))
        return
    try:
        fmt = NoteFormat(_text(raw, "format").lower())
    except ValueError:
        names = ", ".join(f.value for f in NoteFormat)
        files.problems.append(Problem(file, line, f"[[part]] 'format' must be one of {names}"))
        return
    name, pattern = _text(raw, "name"), _text(raw, "pattern")
    if not name or not pattern:
        files.problems.append(Problem(file, line, "[[part]] needs 'name' and 'pattern'"))
        return
    formats[fmt].append(FormatPart(name, files.compile(pattern, file, line, multiline=True),
                                   _text(raw, "hint") or f"Add the {name} part."))


def _structural(files: _Files, rules: dict[str, Any], file: str, text: str,
                structural: dict[str, re.Pattern[str]], sources: dict[Rule, str]) -> None:
    line = next((i for i, row in enumerate(text.split("\n"), 1)
                 if row.strip().startswith("[rules]")), None)
    for key in _STRUCTURAL:
        value = rules.get(key)
        if value is None:
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            pattern = words_pattern(value)
        elif isinstance(value, str):
            pattern = value
        else:
            files.problems.append(Problem(file, line, f"[rules] {key} must be a pattern or "
                                                      "a list of words"))
            continue
        structural[key] = files.compile(pattern, file, line)
    for rule in Rule:
        source = rules.get(f"source_{rule.value.replace('-', '_')}")
        if isinstance(source, str):
            sources[rule] = source
