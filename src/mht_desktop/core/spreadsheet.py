"""Cells written for spreadsheets: keep formulas from running, and read our own cells back.

A CSV cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before looking) is taken for a formula by Excel, LibreOffice and Google
Sheets, so bank text such as ``=HYPERLINK("http://…","click")`` would run when an instructor
opens an export. OWASP's advice is to prefix such a cell with a single quote, which every
spreadsheet shows as text and hides. A cell that already begins with a quote is prefixed too,
so that :func:`restore_cell` gives back exactly what :func:`neutralise_cell` was given.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_ESCAPED_STARTS = (*FORMULA_STARTS, _QUOTE)


def neutralise_cell(value: str) -> str:
    """``value`` made safe to open in a spreadsheet (a ``'`` before a formula start)."""
    return _QUOTE + value if value.startswith(_ESCAPED_STARTS) else value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """:func:`neutralise_cell` for every string of a row (numbers are left as they are)."""
    return [neutralise_cell(v) if isinstance(v, str) else v for v in values]


def restore_cell(value: str) -> str:
    """The text :func:`neutralise_cell` was given, for a cell it wrote.

    A quote that protects nothing (``'hello``, typed by a person) is kept: only a quote
    followed by a formula start or another quote is one of ours.
    """
    if value.startswith(_QUOTE) and value[1:2] and value[1:].startswith(_ESCAPED_STARTS):
        return value[1:]
    return value
