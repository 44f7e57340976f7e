"""Figures that age (pay, growth, fees, penalties, dates), kept once and referred to by key.

Items and guide chapters write ``{{figure:KEY}}`` where such a figure belongs; the figure's
display text, year, source and review date live in one table (the shipped one is
``resources/guide/figures.toml``). When the figure changes, one edit updates every item,
and the audit can tell which items lean on a figure whose review date has passed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mht_desktop.core.banks import Bank, Choice, Question
from mht_desktop.core.errors import Problem

PLACEHOLDER = re.compile(r"\{\{\s*figure:([^{}\s]*)\s*\}\}")
_MARK = "{{"
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure that ages.

    Attributes:
        key: How items refer to it (``{{figure:KEY}}``).
        text: What replaces the placeholder ("$42,200").
        value: The number itself, where there is one (for tables and charts).
        year: The year (or period, "2024-2034") the figure applies to.
        source: Where it comes from.
        url: The page to check it against.
        review_due: The date by which a person must check it again.
        confirmed: False when the source could not be confirmed (word items so they stay true).
        note: How to word items that use it.
    """

    key: str
    text: str
    value: float | None = None
    year: str = ""
    source: str = ""
    url: str = ""
    review_due: date | None = None
    confirmed: bool = True
    note: str = ""


FigureTable = Mapping[str, Figure]


def read_figures(text: str, *, file: str) -> tuple[dict[str, Figure], list[Problem]]:
    """Parse a figures file (``[figures.KEY]`` tables).

    Returns:
        The figures by key and every problem found (a figure with a problem is left out).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [Problem(file, None, f"not valid TOML: {exc}")]
    table = data.get("figures", {})
    if not isinstance(table, dict):
        return {}, [Problem(file, None, "'figures' must be written as [figures.KEY] tables")]
    figures: dict[str, Figure] = {}
    problems: list[Problem] = []
    for key, raw in table.items():
        figure = _figure(key, raw, file, problems)
        if figure is not None:
            figures[key] = figure
    return figures, problems


def _figure(key: str, raw: Any, file: str, problems: list[Problem]) -> Figure | None:
    def bad(message: str) -> None:
        problems.append(Problem(file, None, f"figure {key!r}: {message}", item_id=key))

    if not _KEY.match(key):
        bad("keys must be 2–64 lowercase letters, digits, '.', '_' or '-'")
        return None
    if not isinstance(raw, dict):
        bad("must be a table")
        return None
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        bad("'text' (what items show) is missing")
        return None
    due = raw.get("review_due")
    if not isinstance(due, date):
        bad("'review_due' must be a date such as 2027-09-01")
        return None
    value = raw.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        bad("'value' must be a number")
        value = None
    confirmed = raw.get("confirmed", True)
    if not isinstance(confirmed, bool):
        bad("'confirmed' must be true or false")
        confirmed = False
    return Figure(key=key, text=text.strip(), value=None if value is None else float(value),
                  year=str(raw.get("year", "")), source=str(raw.get("source", "")),
                  url=str(raw.get("url", "")), review_due=due, confirmed=confirmed,
                  note=str(raw.get("note", "")))


def figure_keys(text: str) -> list[str]:
    """The figure keys ``text`` refers to, in order (repeats kept)."""
    return PLACEHOLDER.findall(text) if _MARK in text else []


def fill(text: str, figures: FigureTable) -> str:
    """``text`` with every known placeholder replaced (unknown ones are left as written)."""
    if _MARK not in text:
        return text

    def one(match: re.Match[str]) -> str:
        figure = figures.get(match.group(1))
        return match.group(0) if figure is None else figure.text

    return PLACEHOLDER.sub(one, text)


class _Resolver:
    """Fills one item's texts and remembers which figures it used and which were unknown."""

    def __init__(self, figures: FigureTable) -> None:
        self.figures = figures
        self.used: dict[str, None] = {}
        self.unknown: dict[str, None] = {}

    def __call__(self, text: str) -> str:
        for key in figure_keys(text):
            (self.used if key in self.figures else self.unknown)[key] = None
        return fill(text, self.figures)

    def due(self, own: date | None) -> date | None:
        """The item's review date: never later than that of a figure it uses."""
        dates = [d for d in (self.figures[k].review_due for k in self.used) if d is not None]
        if own is not None:
            dates.append(own)
        return min(dates) if dates else None


def resolve_figures(bank: Bank, figures: FigureTable, *, file: str,
                    ) -> tuple[Bank, list[Problem]]:
    """Replace every ``{{figure:KEY}}`` in the bank's items with the figure's text.

    Each item records the keys it used (``Question.figures``, ``Flashcard.figures``) and its
    ``review_due`` becomes the earliest of its own and its figures' review dates, so an item
    is never shown as current after a figure it states has fallen due.

    Returns:
        The resolved bank (the same object when nothing refers to a figure) and an error for
        every unknown key, located at the item's line.
    """
    problems: list[Problem] = []
    questions = list(bank.questions)
    cards = list(bank.flashcards)
    changed = False
    for i, q in enumerate(questions):
        if not _mentions(q):
            continue
        r = _Resolver(figures)
        choices = tuple(Choice(r(c.text), c.correct, r(c.feedback), c.fixed, c.weight)
                        for c in q.choices)
        questions[i] = replace(q, stem=r(q.stem), rationale=r(q.rationale), title=r(q.title),
                               choices=choices, figures=tuple(r.used),
                               review_due=r.due(q.review_due))
        _unknown(r, problems, file, q.line, q.id, "question")
        changed = True
    for i, card in enumerate(cards):
        if _MARK not in card.front and _MARK not in card.back:
            continue
        r = _Resolver(figures)
        cards[i] = replace(card, front=r(card.front), back=r(card.back), figures=tuple(r.used),
                           review_due=r.due(card.review_due))
        _unknown(r, problems, file, card.line, card.id, "flashcard")
        changed = True
    if not changed:
        return bank, problems
    return replace(bank, questions=tuple(questions), flashcards=tuple(cards)), problems


def _mentions(q: Question) -> bool:
    # A plain loop, not any() over a generator: this runs for every question of every import.
    if _MARK in q.stem or _MARK in q.rationale or _MARK in q.title:
        return True
    for c in q.choices:  # noqa: SIM110 - any() over a generator costs twice as much here
        if _MARK in c.text or _MARK in c.feedback:
            return True
    return False


def _unknown(r: _Resolver, problems: list[Problem], file: str, line: int | None,
             item_id: str, what: str) -> None:
    for key in r.unknown:
        known = "" if r.figures else " (no figures table was given)"
        problems.append(Problem(file, line, f"unknown figure {key!r} in {what} {item_id!r}"
                                            f"{known}", item_id=item_id))

