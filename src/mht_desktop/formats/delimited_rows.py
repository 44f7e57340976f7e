"""Reading delimited text row by row: Anki's header lines, separator sniffing, records.

Shared by the questions-template reader and the flashcard reader
(``delimited_template``, ``delimited_flashcards``); ``delimited.read_delimited`` decides
which of them a file is for.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from mht_desktop.core.errors import Problem
from mht_desktop.core.spreadsheet import restore_cell

LETTERS = "abcdefgh"  # the template's documented choice columns
# Moodle sets no limit on a question's answers: a question with more than eight choices is
# written, and read back, with choice_i…choice_z (and feedback_i…) after the eighth.
ALL_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def template_columns(choices: int = len(LETTERS)) -> tuple[str, ...]:
    """The template's header row for questions of up to ``choices`` choices (at least 8)."""
    letters = ALL_LETTERS[:max(len(LETTERS), choices)]
    return ("id", "type", "topic", "difficulty", "stem",
            *(f"choice_{letter}" for letter in letters),
            "correct", "rationale", "source", "tags", "reviewed",
            *(f"feedback_{letter}" for letter in letters))


TEMPLATE_COLUMNS = template_columns()
KNOWN_COLUMNS = frozenset(template_columns(len(ALL_LETTERS)))
REQUIRED_COLUMNS = ("stem", "choice_a", "choice_b", "correct")

# Anki's names for separators in "#separator:"; in sniffing order (space is a last resort:
# it splits ordinary sentences into words).
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "colon": ":",
               "space": " "}
SNIFF_ORDER = ("\t", ",", ";", "|", ":", " ")
_SNIFF_LINES = 50
_ANKI_HEADER = re.compile(r"#([A-Za-z][A-Za-z ]*):(.*)")


@dataclass(slots=True)
class Header:
    """What Anki's ``#key:value`` lines (or Excel's ``sep=`` line) told us."""

    lines: int = 0
    separator: str | None = None
    html: bool = False
    columns: list[str] = field(default_factory=list)
    deck: str = ""
    tags: tuple[str, ...] = ()
    special: dict[str, int] = field(default_factory=dict)  # "deck"/"tags"/… → 0-based column


@dataclass(slots=True)
class Row:
    """A record and the physical line where it starts."""

    line: int
    fields: list[str]


def read_header(lines: list[str], file: str, problems: list[Problem]) -> Header:
    """Anki's leading ``#key:value`` lines (and Excel's ``sep=``), which are not data."""
    header = Header()
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


def sniff(lines: list[str]) -> str | None:
    """The separator that splits the first lines into the same number (≥ 2) of fields.

    The first separator (tab, comma, semicolon, pipe, colon, space) that gives every row
    the same count wins; failing that, the one that gives the most rows the commonest
    count, so the rows that disagree can be reported by line.
    """
    sample = "\n".join(lines[:_SNIFF_LINES])
    truncated = len(lines) > _SNIFF_LINES
    best: tuple[float, str] | None = None
    for separator in SNIFF_ORDER:
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


class Unreadable(Exception):
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


def read_rows(body: str, separator: str, first_line: int,
             restore: bool = False) -> Iterator[Row]:
    """Rows with the physical line each starts on, skipping blank lines.

    Args:
        body: The text after any header lines.
        separator: The field separator.
        first_line: The file line ``body`` starts on.
        restore: Undo the formula protection our CSV export adds (``'=…`` back to ``=…``).

    Raises:
        Unreadable: a field is longer than the csv module accepts (usually a quote that is
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
            raise Unreadable(line, f"a field starting on this line is longer than "
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
            yield Row(start, fields)
