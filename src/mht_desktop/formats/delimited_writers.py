"""Writing banks as delimited text: the questions template (CSV) and Anki's plain text (TSV)."""

from __future__ import annotations

import csv
import io

from mht_desktop.core.banks import Bank
from mht_desktop.core.spreadsheet import neutralise_row
from mht_desktop.formats.delimited_rows import ALL_LETTERS, LETTERS, template_columns


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
    width = max([len(LETTERS), *(len(q.choices) for q in bank.questions)])
    writer.writerow(template_columns(width))
    titles = {t.id: t.title for t in bank.topics}
    for q in bank.questions:
        padding = [""] * (width - len(q.choices))
        texts = [c.text for c in q.choices] + padding
        notes = [c.feedback for c in q.choices] + padding
        correct = ";".join(ALL_LETTERS[i].upper() for i in sorted(q.correct_indexes))
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
