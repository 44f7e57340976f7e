"""The career figures the guide draws its ladder and pay tables from (``career-data.toml``).

Every figure carries its year (or period) and its source, because a number without them is
what the guide teaches learners to distrust; a mistake becomes a
:class:`~mht_desktop.core.guide.GuideError` naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mht_desktop.core.figures import Figure, FigureTable, fill
from mht_desktop.core.guide import GuideError, parse_guide_toml

CAREER_DATA_FILE = "career-data.toml"


@dataclass(frozen=True, slots=True)
class LadderTier:
    """One step of the career ladder."""

    title: str
    years: str
    min_years: int
    responsibilities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ladder:
    """The career ladder with the source it comes from."""

    source: str
    note: str
    tiers: tuple[LadderTier, ...]


@dataclass(frozen=True, slots=True)
class PayFigure:
    """A wage figure; it always carries the year it describes and its source."""

    label: str
    value: float
    unit: str
    year: str
    source: str
    note: str = ""

    @property
    def display_value(self) -> str:
        """The value for people: ``$39,700 per year``, ``$19.05 per hour``."""
        whole = float(self.value).is_integer()
        if self.unit.upper().startswith("USD"):
            amount = f"${self.value:,.0f}" if whole else f"${self.value:,.2f}"
            rest = self.unit[3:].strip()
            return f"{amount} {rest}".strip()
        number = f"{self.value:,.0f}" if whole else f"{self.value:,}"
        return f"{number} {self.unit}".strip()


@dataclass(frozen=True, slots=True)
class OutlookFigure:
    """A job-outlook figure with its period and source; old projections are superseded."""

    label: str
    value: str
    period: str
    source: str
    superseded: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class CareerData:
    """Everything the guide's figures are drawn from."""

    ladder: Ladder | None
    pay: tuple[PayFigure, ...]
    outlook: tuple[OutlookFigure, ...]


def _table_lines(text: str, header: str) -> list[int]:
    """1-based lines of every ``[[header]]`` in a TOML file (for messages)."""
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
    return [i + 1 for i, line in enumerate(text.splitlines()) if pattern.match(line)]


class _Entry:
    """Reads one TOML table, raising :class:`GuideError` that points at it."""

    def __init__(self, data: object, file_name: str, line: int | None, what: str) -> None:
        if not isinstance(data, dict):
            raise GuideError(file_name, line, f"{what} must be a table")
        self.data: dict[str, Any] = data
        self.file_name, self.line, self.what = file_name, line, what

    def error(self, detail: str) -> GuideError:
        return GuideError(self.file_name, self.line, f"{self.what} {detail}")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(f"has no {key}")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(f"'{key}' must be text")
        return str(value).strip()

    def number(self, key: str) -> float:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(f"'{key}' must be a number")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"'{key}' must be a list of strings")
        return tuple(v.strip() for v in value)


def _entries(data: dict[str, Any], key: str, text: str, file_name: str) -> list[_Entry]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise GuideError(file_name, None, f"'{key}' must be a list of [[{key}]] tables")
    lines = _table_lines(text, key)
    return [_Entry(item, file_name, lines[i] if i < len(lines) else None, f"{key} entry {i + 1}")
            for i, item in enumerate(raw)]


def _parse_ladder(data: dict[str, Any], text: str, file_name: str) -> Ladder | None:
    raw = data.get("ladder")
    if raw is None:
        return None
    header = next((i + 1 for i, line in enumerate(text.splitlines())
                   if re.match(r"^\s*\[\s*ladder\s*\]", line)), None)
    ladder = _Entry(raw, file_name, header, "the ladder")
    tiers = []
    lines = _table_lines(text, "ladder.tiers")
    raw_tiers = ladder.data.get("tiers", [])
    if not isinstance(raw_tiers, list) or not raw_tiers:
        raise ladder.error("has no [[ladder.tiers]]")
    for i, item in enumerate(raw_tiers):
        tier = _Entry(item, file_name, lines[i] if i < len(lines) else None,
                      f"ladder tier {i + 1}")
        min_years = tier.data.get("min_years", 0)
        if isinstance(min_years, bool) or not isinstance(min_years, int):
            raise tier.error("'min_years' must be a whole number")
        tiers.append(LadderTier(title=tier.text("title"), years=tier.text("years"),
                                min_years=min_years,
                                responsibilities=tier.texts("responsibilities")))
    return Ladder(source=ladder.text("source"), note=ladder.text("note", required=False),
                  tiers=tuple(sorted(tiers, key=lambda t: t.min_years)))


def parse_career_data(text: str, file_name: str = CAREER_DATA_FILE,
                      figures: FigureTable | None = None) -> CareerData:
    """Parse ``career-data.toml``.

    Every pay figure needs a year and a source, and every outlook figure a period and a
    source: a number without them is exactly what the guide teaches learners to distrust.
    An entry may name a figure of ``figures.toml`` (``figure = "KEY"``) instead: it then takes
    the figure's value, year and source, so the guide's tables and the question banks state
    the same number from the same place.

    Raises:
        GuideError: invalid TOML, an entry missing a required field, or an unknown figure.
    """
    data = parse_guide_toml(text, file_name, 1, "the career data")
    pay = []
    for e in _entries(data, "pay", text, file_name):
        figure = _figure_of(e, figures)
        if figure is not None and figure.value is None:
            raise e.error(f"names figure {figure.key!r}, which has no number ('value')")
        pay.append(PayFigure(
            label=e.text("label"), unit=e.text("unit"),
            value=figure.value if figure is not None and figure.value is not None
            else e.number("value"),
            year=figure.year if figure is not None else e.text("year"),
            source=figure.source if figure is not None else e.text("source"),
            note=e.text("note", required=False)))
    outlook = []
    for e in _entries(data, "outlook", text, file_name):
        figure = _figure_of(e, figures)
        value = e.text("value", required=figure is None)
        if figure is not None:
            # "about {{figure:KEY}}" keeps a qualifier; no value at all shows the figure.
            value = fill(value, figures or {}) if value else figure.text
        outlook.append(OutlookFigure(
            label=e.text("label"), value=value,
            period=figure.year if figure is not None else e.text("period"),
            source=figure.source if figure is not None else e.text("source"),
            superseded=e.flag("superseded"), note=e.text("note", required=False)))
    return CareerData(ladder=_parse_ladder(data, text, file_name), pay=tuple(pay),
                      outlook=tuple(outlook))


def _figure_of(entry: _Entry, figures: FigureTable | None) -> Figure | None:
    key = entry.text("figure", required=False)
    if not key:
        return None
    figure = (figures or {}).get(key)
    if figure is None:
        raise entry.error(f"names unknown figure {key!r} (see figures.toml)")
    return figure
