"""The documented questions template (CSV saved from a spreadsheet): one question a row."""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mht_desktop.core.banks import (
    ID_PATTERN,
    Bank,
    BankInfo,
    Choice,
    Question,
    QuestionType,
    Topic,
    slugify,
    title_from_id,
)
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank
from mht_desktop.formats.delimited_rows import (
    ALL_LETTERS,
    KNOWN_COLUMNS,
    LETTERS,
    REQUIRED_COLUMNS,
    read_rows,
)
from mht_desktop.formats.text import ItemIds, TopicSet

_TYPES = {
    "single": QuestionType.SINGLE, "multiple": QuestionType.MULTIPLE,
    "truefalse": QuestionType.TRUE_FALSE, "true/false": QuestionType.TRUE_FALSE,
    "true-false": QuestionType.TRUE_FALSE, "tf": QuestionType.TRUE_FALSE,
}
_CORRECT_SPLIT = re.compile(r"[;,\s]+")
_BOOL_WORDS = {"true": True, "t": True, "false": False, "f": False}


_DIFFICULTIES = {"": 2, "1": 1, "2": 2, "3": 3}


@dataclass(slots=True)
class TemplateReader:
    """Reads the questions template: a header row, then one question per row."""

    file: str
    topics: TopicSet
    problems: list[Problem]
    questions: list[Question] = field(default_factory=list)
    topic_ids: dict[str, str] = field(default_factory=dict)  # cell value → topic id
    # A bank repeats the same few cell values; these remember what each one read as.
    tag_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    days: dict[str, date] = field(default_factory=dict)
    letters: dict[str, list[int]] = field(default_factory=dict)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def read(self, info: BankInfo, body: str, separator: str, first_line: int,
             restore: bool) -> ParsedBank:
        rows = read_rows(body, separator, first_line, restore)
        head = next(rows, None)
        if head is None:
            return ParsedBank(Bank(info=info), self.problems)
        names = [name.strip().lower() for name in head.fields]
        missing = [column for column in REQUIRED_COLUMNS if column not in names]
        if missing:
            self.error(head.line, "the questions template needs the columns "
                       f"{', '.join(REQUIRED_COLUMNS)}; missing: {', '.join(missing)}")
            return ParsedBank(None, self.problems)
        for name in names:
            if name and name not in KNOWN_COLUMNS:
                self.problems.append(Problem(self.file, head.line, f"column {name!r} is not "
                                             "part of the questions template; ignored",
                                             Severity.WARNING))
        width = len(names)
        records = []
        for position, row in enumerate(rows, start=1):
            fields = row.fields
            if len(fields) != width and (
                    len(fields) < width or any(cell.strip() for cell in fields[width:])):
                self.error(row.line, f"the row has {len(fields)} columns but the header "
                           f"has {width} (a stray separator or a missing quote?)")
                continue
            records.append((position, row.line, fields))
        columns = _Columns.of(names)
        # Generated ids must not take an id that a later row gives explicitly.
        ids = ItemIds("q", reserved=[] if columns.id < 0 else
                      [f[columns.id].strip() for _, _, f in records])
        strip = str.strip
        for position, line, fields in records:
            cells = list(map(strip, fields))
            cells.append("")  # what a column the file does not have reads as (index -1)
            self._question(line, cells, columns, ids, position)
        self.problems.sort(key=lambda p: p.line or 0)  # file order, whichever pass found it
        bank = Bank(info=info, topics=self.topics.topics(), questions=tuple(self.questions))
        return ParsedBank(bank, self.problems)

    def _question(self, line: int, cells: list[str], columns: _Columns, ids: ItemIds,
                  position: int) -> None:
        """One template row (``cells`` holds every cell stripped, then an empty one)."""
        before = len(self.problems)
        type_cell = cells[columns.type]
        type_name = type_cell.lower()
        kind = _TYPES.get(type_name) if type_name else None
        if type_name and kind is None:
            self.error(line, f"type {type_cell!r} is not single, multiple or truefalse")
        difficulty_cell = cells[columns.difficulty]
        difficulty = _DIFFICULTIES.get(difficulty_cell) or self._difficulty(
            line, difficulty_cell)
        reviewed_cell = cells[columns.reviewed]
        reviewed = self._reviewed(line, reviewed_cell) if reviewed_cell else None
        texts, feedback = columns.choices(cells), columns.feedback(cells)
        if kind is QuestionType.TRUE_FALSE:
            choices = self._true_false(line, cells[columns.correct], texts, feedback)
        else:
            choices = self._choices(line, cells[columns.correct], texts, feedback)
            if kind is None:
                right = sum(1 for c in choices if c.correct)
                kind = QuestionType.MULTIPLE if right > 1 else QuestionType.SINGLE
        if len(self.problems) > before or kind is None:
            return
        tags = cells[columns.tags]
        self.questions.append(Question(
            id=cells[columns.id] or ids.take(position), type=kind,
            topic=self._topic(cells[columns.topic]), stem=cells[columns.stem],
            choices=tuple(choices), rationale=cells[columns.rationale], difficulty=difficulty,
            tags=self._tags(tags) if tags else (), source=cells[columns.source],
            reviewed=reviewed, line=line,
        ))

    def _tags(self, value: str) -> tuple[str, ...]:
        """The ';'-separated tags of a cell (a bank repeats the same few: each split once)."""
        tags = self.tag_lists.get(value)
        if tags is None:
            tags = self.tag_lists[value] = tuple(t.strip() for t in value.split(";")
                                                 if t.strip())
        return tags

    def _topic(self, value: str) -> str:
        known = self.topic_ids.get(value)
        if known is not None:
            return self.topics.use(known)
        if not value:
            topic = self.topics.default
        elif ID_PATTERN.match(value):  # already an id: keep it, make a readable title
            topic = Topic(value, title_from_id(value))
        else:
            topic = Topic(slugify(value, fallback=self.topics.default.id), value)
        self.topic_ids[value] = self.topics.register(topic)
        return self.topics.use(self.topic_ids[value])

    def _difficulty(self, line: int, value: str) -> int:
        try:
            number = float(value)  # spreadsheets may write 2 as "2.0"
        except ValueError:
            number = 0.0
        if number not in (1.0, 2.0, 3.0):
            self.error(line, f"difficulty must be 1, 2 or 3, not {value!r}")
            return 2
        return int(number)

    def _reviewed(self, line: int, value: str) -> date | None:
        day = self.days.get(value)
        if day is not None:
            return day
        try:
            day = self.days[value] = date.fromisoformat(value)
            return day
        except ValueError:
            self.error(line, f"reviewed must be a date written YYYY-MM-DD, not {value!r} (in "
                       "Excel, format the column as Text so it keeps that form)")
            return None

    def _letters(self, line: int, value: str, columns: int) -> list[int]:
        """The choice indexes ``value`` names (letters of the file's ``columns`` choices)."""
        letters = ALL_LETTERS[:columns]
        indexes = []
        for token in (t for t in _CORRECT_SPLIT.split(value.lower()) if t):
            if not all(ch in letters for ch in token):
                self.error(line, f"correct must name choice letters such as B or A;C, not "
                           f"{value!r}")
                return []
            indexes += [ALL_LETTERS.index(ch) for ch in token]
        if not indexes:
            self.error(line, "correct is empty: name the right choice's letter, such as B")
        return sorted(set(indexes))

    def _choices(self, line: int, correct: str, texts: Sequence[str],
                 feedback: Sequence[str]) -> list[Choice]:
        right = self.letters.get(correct)
        if right is None:
            before = len(self.problems)
            right = self._letters(line, correct, len(texts))
            if len(self.problems) == before:  # only a clean reading may be reused
                self.letters[correct] = right
        for index in right:
            if not texts[index]:
                self.error(line, f"correct names choice {ALL_LETTERS[index].upper()}, but "
                           f"choice_{ALL_LETTERS[index]} is empty")
        return [Choice(text, index in right, feedback[index])
                for index, text in enumerate(texts) if text]

    def _true_false(self, line: int, correct: str, texts: Sequence[str],
                    feedback: Sequence[str]) -> list[Choice]:
        # choice_a/choice_b may be left empty (A = True, B = False) or hold True/False in
        # either order; "correct" may be a letter or the word itself.
        words = [texts[0] or "True", texts[1] or "False"]
        values = [_BOOL_WORDS.get(w.lower()) for w in words]
        if values[0] is None or values[1] is None or values[0] == values[1] or any(texts[2:]):
            self.error(line, "a truefalse question needs the choices True and False (or "
                       "leave choice_a and choice_b empty)")
            return []
        key = correct.strip().lower()
        if key in ("a", "b"):
            answer = values["ab".index(key)]
        elif key in _BOOL_WORDS:
            answer = _BOOL_WORDS[key]
        else:
            self.error(line, f"correct must be A, B, True or False for a truefalse question, "
                       f"not {correct!r}")
            return []
        note = {values[0]: feedback[0], values[1]: feedback[1]}
        return [Choice("True", answer is True, note[True]),
                Choice("False", answer is False, note[False])]


class _Columns:
    """Where each template column sits in a row.

    A column the file does not have sits at -1: the empty cell appended to every row.
    """

    __slots__ = ("choices", "correct", "difficulty", "feedback", "id", "rationale",
                 "reviewed", "source", "stem", "tags", "topic", "type")

    def __init__(self, index: dict[str, int]) -> None:
        def at(name: str) -> int:
            return index.get(name, -1)

        self.id, self.type, self.topic = at("id"), at("type"), at("topic")
        self.difficulty, self.stem, self.correct = at("difficulty"), at("stem"), at("correct")
        self.rationale, self.source, self.tags = at("rationale"), at("source"), at("tags")
        self.reviewed = at("reviewed")
        # The choice (and feedback) cells of a row in one C call: the eight documented ones,
        # or as many as the header's last choice_… column when it goes past choice_h.
        named = [i for i, letter in enumerate(ALL_LETTERS) if f"choice_{letter}" in index]
        letters = ALL_LETTERS[:max(len(LETTERS), named[-1] + 1 if named else 0)]
        self.choices = operator.itemgetter(*(at(f"choice_{letter}") for letter in letters))
        self.feedback = operator.itemgetter(*(at(f"feedback_{letter}") for letter in letters))

    @classmethod
    def of(cls, names: list[str]) -> _Columns:
        """Columns of a header row (the first of two columns with one name wins)."""
        return cls({name: i for i, name in reversed(list(enumerate(names)))})
