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

from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank, info_from_file_name
from mht_desktop.formats.delimited_flashcards import FlashcardReader
from mht_desktop.formats.delimited_rows import (
    SNIFF_ORDER,
    TEMPLATE_COLUMNS,
    Unreadable,
    read_header,
    sniff,
)
from mht_desktop.formats.delimited_template import TemplateReader
from mht_desktop.formats.delimited_writers import write_flashcards_tsv, write_questions_csv
from mht_desktop.formats.text import TopicSet

__all__ = ["TEMPLATE_COLUMNS", "read_delimited", "write_flashcards_tsv", "write_questions_csv"]

_TEMPLATE_NAMES = frozenset(TEMPLATE_COLUMNS)


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
    header = read_header(lines, file, problems)
    body = "\n".join(lines[header.lines:])
    first = next((line for line in lines[header.lines:] if line.strip()), "")
    info, default_topic = info_from_file_name(file)
    candidates = (header.separator,) if header.separator else SNIFF_ORDER[:4]
    template_separator = _template_separator(first, candidates)
    restore = "'" in body
    try:
        if template_separator is not None:
            return TemplateReader(file, TopicSet(default_topic), problems).read(
                info, body, template_separator, header.lines + 1, restore)
        quizlet = _quizlet_one_line(body, header.separator)
        separator: str | None
        if quizlet is not None:
            body, separator = quizlet
            problems.append(Problem(file, header.lines + 1, "read as a Quizlet export with "
                                    "';' between cards", Severity.WARNING))
        else:
            separator = header.separator or sniff(lines[header.lines:])
        if separator is None:
            problems.append(Problem(file, header.lines + 1, "cannot tell the columns apart: "
                                    "put front and back on each line separated by a tab, "
                                    "comma or semicolon (or use the questions template); "
                                    "from Quizlet, export with 'Tab' or 'Comma' between "
                                    "term and definition, or put '#separator:X' on the "
                                    "first line to name a custom one"))
            return ParsedBank(None, problems)
        return FlashcardReader(file, TopicSet(default_topic), problems, header).read(
            info, body, separator, restore)
    except Unreadable as exc:
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
