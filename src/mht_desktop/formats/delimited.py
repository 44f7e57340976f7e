"""Spreadsheet and flashcard text files: our questions template, Anki and Quizlet exports.

Two shapes of delimited text reach us. Instructors fill our documented *questions template*
(a header row naming the columns, see docs/import-formats.md) in Excel or LibreOffice and
save it as CSV. Learners bring *flashcards* exported from Anki or Quizlet: two or three
columns (front, back, tags) with no header, or with Anki's ``#key:value`` header lines. The
separator is whatever the exporting program chose, so it is detected unless the file says.

Every problem names the physical line where its row starts, even when a quoted field spans
several lines, so an instructor can find it in a text editor.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from mht_desktop.core.banks import (
    ID_PATTERN,
    Bank,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
    slugify,
    title_from_id,
)
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.core.spreadsheet import neutralise_row, restore_cell
from mht_desktop.formats.base import ParsedBank, info_from_file_name
from mht_desktop.formats.text import ItemIds, TopicSet, html_to_text

LETTERS = "abcdefgh"
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "id", "type", "topic", "difficulty", "stem",
    *(f"choice_{letter}" for letter in LETTERS),
    "correct", "rationale", "source", "tags", "reviewed",
    *(f"feedback_{letter}" for letter in LETTERS),
)
REQUIRED_COLUMNS = ("stem", "choice_a", "choice_b", "correct")
_TEMPLATE_NAMES = frozenset(TEMPLATE_COLUMNS)

# Anki's names for separators in "#separator:"; in sniffing order (space is a last resort:
# it splits ordinary sentences into words).
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "colon": ":",
               "space": " "}
_SNIFF_ORDER = ("\t", ",", ";", "|", ":", " ")
_SNIFF_LINES = 50
_ANKI_HEADER = re.compile(r"#([A-Za-z][A-Za-z ]*):(.*)")
_ANKI_MEDIA = re.compile(r"\[sound:[^\]]*\]")
_FLASHCARD_HEADERS = (
    frozenset({"front", "term", "question", "word"}),
    frozenset({"back", "definition", "def", "answer", "meaning"}),
)
_TYPES = {
    "single": QuestionType.SINGLE, "multiple": QuestionType.MULTIPLE,
    "truefalse": QuestionType.TRUE_FALSE, "true/false": QuestionType.TRUE_FALSE,
    "true-false": QuestionType.TRUE_FALSE, "tf": QuestionType.TRUE_FALSE,
}
_CORRECT_SPLIT = re.compile(r"[;,\s]+")
_BOOL_WORDS = {"true": True, "t": True, "false": False, "f": False}


@dataclass(slots=True)
class _Header:
    """What Anki's ``#key:value`` lines (or Excel's ``sep=`` line) told us."""

    lines: int = 0
    separator: str | None = None
    html: bool = False
    columns: list[str] = field(default_factory=list)
    deck: str = ""
    tags: tuple[str, ...] = ()
    special: dict[str, int] = field(default_factory=dict)  # "deck"/"tags"/… → 0-based column


@dataclass(slots=True)
class _Row:
    """A record and the physical line where it starts."""

    line: int
    fields: list[str]


def _read_header(lines: list[str], file: str, problems: list[Problem]) -> _Header:
    """Anki's leading ``#key:value`` lines (and Excel's ``sep=``), which are not data."""
    header = _Header()
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.lower().startswith("sep=") and len(line.rstrip()) == 5:
            header.separator, header.lines = line[4], 1  # Excel's separator hint
            continue
        match = _ANKI_HEADER.fullmatch(line.rstrip())
        if match is None:
            break
        header.lines = number
        key, value = match.group(1).strip().lower(), match.group(2).strip()
        if key == "separator":
            separator = _SEPARATORS.get(value.lower(), value if len(value) == 1 else None)
            if separator is None:
                problems.append(Problem(file, number, f"unknown separator {value!r}: use Tab, "
                                        "Comma, Semicolon, Pipe, Colon, Space or one character"))
            header.separator = separator
        elif key == "html":
            header.html = value.lower() == "true"
        elif key == "columns":
            header.columns = [value]  # split once the separator is known
        elif key == "deck":
            header.deck = value
        elif key == "tags":
            header.tags = tuple(value.split())
        elif key.endswith(" column") and value.isdigit() and int(value) > 0:
            header.special[key.removesuffix(" column")] = int(value) - 1
        # Other keys (#notetype, #if matches…) do not change what we import.
    return header


def _sniff(lines: list[str]) -> str | None:
    """The separator that splits the first lines into the same number (≥ 2) of fields.

    The first separator (tab, comma, semicolon, pipe, colon, space) that gives every row
    the same count wins; failing that, the one that gives the most rows the commonest
    count, so the rows that disagree can be reported by line.
    """
    sample = "\n".join(lines[:_SNIFF_LINES])
    truncated = len(lines) > _SNIFF_LINES
    best: tuple[float, str] | None = None
    for separator in _SNIFF_ORDER:
        rows = _field_counts(sample, separator)
        if truncated and len(rows) > 1:
            rows.pop()  # the sample may end inside a quoted field
        counts = Counter(rows)
        if not counts:
            return None
        common, hits = counts.most_common(1)[0]
        if common < 2 or (separator == " " and counts != {2: hits}):
            continue  # spaces split sentences: only accept them for clean word pairs
        if len(counts) == 1:
            return separator
        score = hits / sum(counts.values())
        if best is None or score > best[0]:
            best = (score, separator)
    return best[1] if best else None


class _Unreadable(Exception):
    """The csv module gave up on a row (a field over its size limit); nothing is read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_FIELD_LIMIT = csv.field_size_limit()  # 128 KiB: no card or question is anywhere near it


def _field_counts(sample: str, separator: str) -> list[int]:
    """How many fields each non-blank row of ``sample`` has, up to a row the csv module
    cannot read (a field over its size limit: the reader then reports it by line)."""
    counts: list[int] = []
    reader = csv.reader(io.StringIO(sample), delimiter=separator)
    while True:
        try:
            row = next(reader)
        except (StopIteration, csv.Error):
            return counts
        if any(cell.strip() for cell in row):
            counts.append(len(row))


def _records(body: str, separator: str, first_line: int,
             restore: bool = False) -> Iterator[_Row]:
    """Rows with the physical line each starts on, skipping blank lines.

    Args:
        body: The text after any header lines.
        separator: The field separator.
        first_line: The file line ``body`` starts on.
        restore: Undo the formula protection our CSV export adds (``'=…`` back to ``=…``).

    Raises:
        _Unreadable: a field is longer than the csv module accepts (usually a quote that is
            never closed, which swallows the rest of the file).
    """
    reader = csv.reader(io.StringIO(body), delimiter=separator)
    consumed = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = first_line + consumed
            raise _Unreadable(line, f"a field starting on this line is longer than "
                              f"{_FIELD_LIMIT // 1024} KiB ({exc}); usually a quote (\") that "
                              "is never closed, so the rest of the file runs into one cell"
                              ) from exc
        start = first_line + consumed
        consumed = reader.line_num
        # A row is blank when no cell holds anything but white space: one strip of the joined
        # cells instead of one per cell.
        if "".join(fields).strip():
            if restore and any(cell.startswith("'") for cell in fields):
                fields = [restore_cell(cell) for cell in fields]
            yield _Row(start, fields)


def _template_separator(line: str, candidates: tuple[str, ...]) -> str | None:
    """The separator under which ``line`` is our template's header row, if it is one.

    A header naming ``stem`` and one more template column counts, so that a template with a
    required column missing is reported as such rather than read as flashcards.
    """
    for separator in candidates:
        try:
            row = next(csv.reader([line], delimiter=separator))
        except csv.Error:  # a header line longer than the csv module's field limit
            return None
        names = {name.strip().lower() for name in row}
        if "stem" in names and len(names & _TEMPLATE_NAMES) >= 2:
            return separator
    return None


def read_delimited(text: str, *, file: str) -> ParsedBank:
    """Parse a CSV/TSV file: the questions template or a flashcard export.

    Args:
        text: Decoded content (the BOM is already gone; Windows line endings are accepted).
        file: The name used in messages and for the bank's id, title and default topic.

    Returns:
        The bank and its problems, each naming the line where its row starts.
    """
    if "\r" in text:  # (one scan; replacing would copy the file twice)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems: list[Problem] = []
    lines = text.split("\n")
    header = _read_header(lines, file, problems)
    body = "\n".join(lines[header.lines:])
    first = next((line for line in lines[header.lines:] if line.strip()), "")
    info, default_topic = info_from_file_name(file)
    candidates = (header.separator,) if header.separator else _SNIFF_ORDER[:4]
    template_separator = _template_separator(first, candidates)
    restore = "'" in body
    try:
        if template_separator is not None:
            return _Template(file, TopicSet(default_topic), problems).read(
                info, body, template_separator, header.lines + 1, restore)
        quizlet = _quizlet_one_line(body, header.separator)
        separator: str | None
        if quizlet is not None:
            body, separator = quizlet
            problems.append(Problem(file, header.lines + 1, "read as a Quizlet export with "
                                    "';' between cards", Severity.WARNING))
        else:
            separator = header.separator or _sniff(lines[header.lines:])
        if separator is None:
            problems.append(Problem(file, header.lines + 1, "cannot tell the columns apart: "
                                    "put front and back on each line separated by a tab, "
                                    "comma or semicolon (or use the questions template); "
                                    "from Quizlet, export with 'Tab' or 'Comma' between "
                                    "term and definition, or put '#separator:X' on the "
                                    "first line to name a custom one"))
            return ParsedBank(None, problems)
        return _Flashcards(file, TopicSet(default_topic), problems, header).read(
            info, body, separator, restore)
    except _Unreadable as exc:
        return ParsedBank(None, [*problems, Problem(file, exc.line, exc.message)])


def _quizlet_one_line(body: str, separator: str | None) -> tuple[str, str] | None:
    """A Quizlet export with ';' between rows, rewritten one card a line, tab-separated.

    Quizlet offers tab, comma or a custom text between term and definition, and new line,
    semicolon or a custom text between rows, and quotes nothing. With semicolons between
    rows the whole set is one line: each ';'-separated piece holding the term separator
    (the first tab, else the first comma) is a card.

    Returns:
        (the rewritten body, its separator), or None when ``body`` is not such a file.
    """
    lines = [line for line in body.split("\n") if line.strip()]
    if len(lines) != 1 or ";" not in lines[0] or '"' in lines[0]:
        return None
    pieces = [piece for piece in lines[0].split(";") if piece.strip()]
    for term in ((separator,) if separator else ("\t", ",")):
        if len(pieces) >= 2 and all(term in piece for piece in pieces):
            out = io.StringIO()
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
            for piece in pieces:
                front, _, back = piece.partition(term)
                writer.writerow([front, back])
            return out.getvalue(), "\t"
    return None


# --------------------------------------------------------------------------------------------
# Questions template
# --------------------------------------------------------------------------------------------


_CHOICE_COLUMNS = tuple(f"choice_{letter}" for letter in LETTERS)
_FEEDBACK_COLUMNS = tuple(f"feedback_{letter}" for letter in LETTERS)
_DIFFICULTIES = {"": 2, "1": 1, "2": 2, "3": 3}


@dataclass(slots=True)
class _Template:
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
        rows = _records(body, separator, first_line, restore)
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
            if name and name not in TEMPLATE_COLUMNS:
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

    def _letters(self, line: int, value: str) -> list[int]:
        indexes = []
        for token in (t for t in _CORRECT_SPLIT.split(value.lower()) if t):
            if not all(ch in LETTERS for ch in token):
                self.error(line, f"correct must name choice letters such as B or A;C, not "
                           f"{value!r}")
                return []
            indexes += [LETTERS.index(ch) for ch in token]
        if not indexes:
            self.error(line, "correct is empty: name the right choice's letter, such as B")
        return sorted(set(indexes))

    def _choices(self, line: int, correct: str, texts: Sequence[str],
                 feedback: Sequence[str]) -> list[Choice]:
        right = self.letters.get(correct)
        if right is None:
            before = len(self.problems)
            right = self._letters(line, correct)
            if len(self.problems) == before:  # only a clean reading may be reused
                self.letters[correct] = right
        for index in right:
            if not texts[index]:
                self.error(line, f"correct names choice {LETTERS[index].upper()}, but "
                           f"choice_{LETTERS[index]} is empty")
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
        # The eight choice (and feedback) cells of a row in one C call.
        self.choices = operator.itemgetter(*(at(name) for name in _CHOICE_COLUMNS))
        self.feedback = operator.itemgetter(*(at(name) for name in _FEEDBACK_COLUMNS))

    @classmethod
    def of(cls, names: list[str]) -> _Columns:
        """Columns of a header row (the first of two columns with one name wins)."""
        return cls({name: i for i, name in reversed(list(enumerate(names)))})


# --------------------------------------------------------------------------------------------
# Flashcards (Anki, Quizlet)
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Flashcards:
    """Reads front/back(/tags) rows as exported by Anki and Quizlet."""

    file: str
    topics: TopicSet
    problems: list[Problem]
    header: _Header
    cards: list[Flashcard] = field(default_factory=list)

    def read(self, info: BankInfo, body: str, separator: str, restore: bool) -> ParsedBank:
        header = self.header
        if header.columns:
            names = [n.strip().lower() for n in header.columns[0].split(separator)]
            if "tags" in names:
                header.special.setdefault("tags", names.index("tags"))
        rows = list(_records(body, separator, header.lines + 1, restore))
        if rows and not header.special and self._is_header_row(rows[0].fields):
            rows = rows[1:]
        expected = Counter(len(r.fields) for r in rows).most_common(1)[0][0] if rows else 2
        if expected == 3 and not header.special and not header.columns:
            header.special["tags"] = 2  # Anki's plain-text export: front, back, tags
        header.special = {k: v for k, v in header.special.items() if v < expected}
        field_columns = [i for i in range(expected) if i not in header.special.values()]
        if len(rows) == 1 and expected > 3 and not header.columns:
            self.problems.append(Problem(self.file, rows[0].line, f"the file is one line of "
                                         f"{expected} fields, not cards one a line: if it is a "
                                         "Quizlet export with a custom separator between rows, "
                                         "export again with 'New line' or 'Semicolon' between "
                                         "rows"))
            return ParsedBank(None, self.problems)
        if len(field_columns) > 2:
            self.problems.append(Problem(self.file, rows[0].line, f"{expected} columns: the "
                                         "first two are read as front and back, the others "
                                         "are ignored", Severity.WARNING))
        deck = self._deck_topic(header.deck) if header.deck else None
        media = False
        for position, row in enumerate(rows, start=1):
            if len(row.fields) != expected:
                self.problems.append(Problem(self.file, row.line, f"the row has "
                                             f"{len(row.fields)} columns, not {expected}: put "
                                             "quotes around text that contains the separator, "
                                             "or export with a tab between the columns"))
                continue
            if len(field_columns) < 2:
                self.problems.append(Problem(self.file, row.line, "the row has no back"))
                continue
            front, back = (self._text(row.fields[i]) for i in field_columns[:2])
            media = media or any("[sound:" in row.fields[i] for i in field_columns[:2])
            self._card(position, row, front, back, deck)
        if media:
            self.problems.append(Problem(self.file, None, "sound references ([sound:…]) were "
                                         "dropped: MHT Desktop shows text only",
                                         Severity.WARNING))
        bank = Bank(info=info, topics=self.topics.topics(), flashcards=tuple(self.cards))
        return ParsedBank(bank, self.problems)

    def _card(self, position: int, row: _Row, front: str, back: str, deck: str | None) -> None:
        special = self.header.special
        topic = deck
        if "deck" in special and row.fields[special["deck"]].strip():
            topic = self._deck_topic(row.fields[special["deck"]])
        tags = self.header.tags
        if "tags" in special:
            tags = tags + tuple(row.fields[special["tags"]].split())
        self.cards.append(Flashcard(
            id=f"f{position:04d}", topic=self.topics.use(topic), front=front,
            back=back, tags=tuple(dict.fromkeys(tags)), line=row.line,
        ))

    def _text(self, value: str) -> str:
        if "[sound:" in value:
            value = _ANKI_MEDIA.sub("", value)
        return html_to_text(value).strip() if self.header.html else value.strip()

    def _deck_topic(self, deck: str) -> str:
        name = deck.split("::")[-1].strip() or deck.strip()  # Anki nests decks with '::'
        return self.topics.register(Topic(slugify(name, fallback="general"), name))

    @staticmethod
    def _is_header_row(fields: list[str]) -> bool:
        names = [f.strip().lower() for f in fields]
        return (len(names) >= 2 and names[0] in _FLASHCARD_HEADERS[0]
                and names[1] in _FLASHCARD_HEADERS[1] and all(n in ("tags", "") for n in names[2:]))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_questions_csv(bank: Bank) -> str:
    """Serialise the questions of ``bank`` in the questions template (header row first).

    The topic column holds the topic's title (an instructor reads it; the id is rebuilt from
    it on import). Flashcards are not written: use :func:`write_flashcards_tsv`. Choice
    weights, fixed positions and question titles have no column.

    Cells a spreadsheet would run as a formula get a leading ``'`` (OWASP's advice; see
    ``core.spreadsheet``), which the reader removes again.

    Args:
        bank: The bank to export.

    Returns:
        CSV text with ``\\n`` line ends, fields quoted only where needed.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    titles = {t.id: t.title for t in bank.topics}
    for q in bank.questions:
        padding = [""] * (len(LETTERS) - len(q.choices))
        texts = [c.text for c in q.choices][:len(LETTERS)] + padding
        notes = [c.feedback for c in q.choices][:len(LETTERS)] + padding
        correct = ";".join(LETTERS[i].upper() for i in sorted(q.correct_indexes)
                           if i < len(LETTERS))
        writer.writerow(neutralise_row([
            q.id, q.type.value, titles.get(q.topic, q.topic), q.difficulty, q.stem, *texts,
            correct, q.rationale, q.source, ";".join(q.tags),
            q.reviewed.isoformat() if q.reviewed else "", *notes,
        ]))
    return out.getvalue()


def write_flashcards_tsv(bank: Bank) -> str:
    """Serialise the flashcards of ``bank`` as Anki's "Notes in Plain Text" (tab-separated).

    Anki header lines declare the separator, plain text (``#html:false``) and the columns;
    tags are space-separated as Anki expects, so spaces inside a tag become underscores.
    Anki takes a line starting with ``#`` for a comment and drops it, so a row whose first
    field starts with ``#`` (or any field that does, to be safe) is written fully quoted.
    Questions have no place in this format and are not written.

    Args:
        bank: The bank to export.

    Returns:
        The TSV text.
    """
    out = io.StringIO()
    out.write("#separator:Tab\n#html:false\n#columns:Front\tBack\tTags\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    quoted = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
    for card in bank.flashcards:
        tags = " ".join("_".join(tag.split()) for tag in card.tags)
        row = [card.front, card.back, tags]
        (quoted if any(cell.lstrip().startswith("#") for cell in row) else writer).writerow(row)
    return out.getvalue()
