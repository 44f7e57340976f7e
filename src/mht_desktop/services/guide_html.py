"""The guide's HTML: chapters with anchored headings, the two drawn figures, item previews.

The figures (career ladder, pay and outlook) are drawn from ``career-data.toml`` rather than
written into the prose, so every number shown carries its year and its source.
"""
from __future__ import annotations

import html
import re

from mht_desktop.core.career_data import CAREER_DATA_FILE, CareerData, Ladder
from mht_desktop.core.guide import (
    FIGURE_CAREER_LADDER,
    FIGURE_PAY_TABLE,
    Chapter,
    Heading,
    slugify,
)
from mht_desktop.services.text import inline_markdown, markdown_to_html

_HEADING_HTML = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_FIGURE_HTML = re.compile(r'<pre><code class="language-mht-figure">(.*?)</code></pre>', re.S)
_TAG = re.compile(r"<[^>]+>")


# -- figures -------------------------------------------------------------------------------------


def guide_css(dark: bool) -> str:
    """CSS for the guide's figures, to add to the theme's ``palette_css(dark)``.

    Kept here, beside the HTML it styles, because the class names are this module's.
    """
    if dark:
        muted, border, head = "#a8a8a8", "#4a4d52", "#2b2e33"
        steps = ("#1d2b3f", "#213760", "#264682", "#2c56a3")
        step_text, years, badge_bg, badge_fg = "#eef3fb", "#a9c8ff", "#5c1f1b", "#f6aea9"
    else:
        muted, border, head = "#5f6368", "#c6cdd6", "#f0f2f5"
        steps = ("#eef4fe", "#dbe8fd", "#c3d8fb", "#a6c5f7")
        step_text, years, badge_bg, badge_fg = "#1c1e21", "#174ea6", "#fce8e6", "#a50e0e"
    step_rules = "".join(
        f"td.step{i} {{ background-color: {colour}; color: {step_text}; "
        f"border: 1px solid {border}; padding: 6px 10px; }}"
        for i, colour in enumerate(steps))
    return (
        f"p.figure-caption {{ margin-top: 14px; margin-bottom: 4px; font-weight: bold; }}"
        f"p.figure-source {{ color: {muted}; margin-top: 4px; font-size: small; }}"
        f"table.figure {{ border-collapse: collapse; }}"
        f"table.figure th {{ background-color: {head}; text-align: left; }}"
        f"table.figure td, table.figure th {{ border: 1px solid {border}; padding: 5px 8px; }}"
        f"td.num {{ white-space: nowrap; }}"
        f"td.source, span.source {{ color: {muted}; font-size: small; }}"
        f"td.superseded {{ color: {muted}; }}"
        f"span.badge {{ background-color: {badge_bg}; color: {badge_fg}; font-weight: bold; "
        f"font-size: small; }}"
        f"table.ladder {{ border-collapse: separate; }}"
        f"td.gap {{ border-style: none; padding: 0px; }}"
        f"td.ruler {{ border-style: none; padding: 0px; font-size: 1px; }}"
        f"td.rise {{ color: {muted}; border-style: none; }}"
        f"span.years {{ color: {years}; font-weight: bold; }}"
        f"{step_rules}"
    )


def render_career_ladder(ladder: Ladder) -> str:
    """The career ladder as a staircase: one step per tier, the highest on top.

    Qt's rich text has no positioning, so the staircase is a table whose columns are the
    step offsets: the tier ``i`` steps up sits ``i`` columns to the right of the bottom one.
    """
    tiers = ladder.tiers
    n = len(tiers)
    offset = 8 if n <= 5 else max(3, 40 // n)  # per step, as a percentage of the width
    # A row of empty cells fixes the column widths; it is kept one pixel high.
    ruler = "".join(f'<td class="ruler" width="{offset}%"></td>' for _ in range(n - 1))
    rows = [f"<tr>{ruler}<td class=\"ruler\"></td></tr>"]
    for i in reversed(range(n)):
        tier = tiers[i]
        items = "".join(f"<li>{html.escape(r)}</li>" for r in tier.responsibilities)
        gap = f'<td class="gap" colspan="{i}"></td>' if i else ""
        rows.append(
            f"<tr>{gap}<td class=\"step{min(i, 3)}\" colspan=\"{n - i}\">"
            f"<b>{i + 1}. {html.escape(tier.title)}</b>&nbsp;&nbsp;"
            f"<span class=\"years\">{html.escape(tier.years)}</span>"
            f"<ul style=\"margin-top:2px; margin-bottom:0px; -qt-list-indent:1;\">{items}</ul>"
            "</td></tr>")
    note = f" {html.escape(ladder.note)}" if ladder.note else ""
    return (
        '<p class="figure-caption">Figure: a career ladder (highest tier on top; '
        "each step up means more experience and responsibility)</p>"
        '<table class="ladder" width="100%" cellspacing="3" cellpadding="0">'
        f"{''.join(rows)}</table>"
        f'<p class="figure-source">Source: {html.escape(ladder.source)}.{note}</p>')


def render_pay_table(data: CareerData) -> str:
    """Pay and job-outlook figures as tables, each row with its year or period and source."""
    pay_rows = "".join(
        f"<tr><td>{html.escape(p.label)}</td><td class=\"num\"><b>"
        f"{html.escape(p.display_value)}</b></td><td class=\"num\">{html.escape(p.year)}</td>"
        f"<td class=\"source\">{html.escape(p.source)}</td></tr>" for p in data.pay)
    outlook_rows = "".join(_outlook_row(o.label, o.value, o.period, o.source, o.note,
                                        o.superseded) for o in data.outlook)
    parts = []
    if pay_rows:
        parts.append(
            '<p class="figure-caption">Figure: pay (median wages)</p>'
            '<table class="figure" width="100%" cellspacing="0">'
            f"{_header_row('Measure', 'Median', 'Year', 'Source')}"
            f"{pay_rows}</table>")
    if outlook_rows:
        parts.append(
            '<p class="figure-caption">Figure: job outlook</p>'
            '<table class="figure" width="100%" cellspacing="0">'
            f"{_header_row('Measure', 'Figure', 'Period', 'Source')}"
            f"{outlook_rows}</table>"
            '<p class="figure-source">Rows marked <i>superseded</i> are older projections, '
            "shown only because some websites still quote them.</p>")
    return "".join(parts) or _missing_figure(FIGURE_PAY_TABLE)


def _header_row(*titles: str) -> str:
    # Fixed shares, or Qt gives the long source column the room the label needs.
    widths = (44, 18, 12, 26)
    cells = "".join(f'<th width="{w}%">{html.escape(t)}</th>'
                    for t, w in zip(titles, widths, strict=True))
    return f"<tr>{cells}</tr>"


def _outlook_row(label: str, value: str, period: str, source: str, note: str,
                 superseded: bool) -> str:
    old = " superseded" if superseded else ""
    badge = ' <span class="badge">&nbsp;Superseded&nbsp;</span>' if superseded else ""
    extra = f'<br><span class="source">{html.escape(note)}</span>' if note else ""
    return (f'<tr><td class="label{old}">{html.escape(label)}{badge}{extra}</td>'
            f'<td class="num{old}"><b>{html.escape(value)}</b></td>'
            f'<td class="num{old}">{html.escape(period)}</td>'
            f'<td class="source">{html.escape(source)}</td></tr>')


def _missing_figure(name: str) -> str:
    return (f'<p class="figure-source">[Figure “{html.escape(name)}” is not available: '
            f"its data is missing from {CAREER_DATA_FILE}.]</p>")


def render_figure(name: str, data: CareerData | None) -> str:
    """The HTML for one ``mht-figure`` block."""
    if data is not None and name == FIGURE_CAREER_LADDER and data.ladder is not None:
        return render_career_ladder(data.ladder)
    if data is not None and name == FIGURE_PAY_TABLE:
        return render_pay_table(data)
    return _missing_figure(name)


def render_chapter(chapter: Chapter, data: CareerData | None) -> tuple[str, tuple[Heading, ...]]:
    """A chapter as safe HTML with figures drawn and an anchor on every heading.

    Returns:
        The HTML and the headings in the order they appear in it (the Markdown renderer is
        the judge of what a heading is, so anchors are matched to its output).
    """
    body = _FIGURE_HTML.sub(lambda m: render_figure(html.unescape(m.group(1)).strip(), data),
                            markdown_to_html(chapter.body))
    parsed = list(chapter.headings)
    headings: list[Heading] = []
    used: set[str] = set()

    def anchor_heading(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        index = len(headings)
        if index < len(parsed) and parsed[index].level == level:
            heading = parsed[index]
        else:  # the renderer saw a heading our line scan did not: derive an anchor
            title = html.unescape(_TAG.sub("", inner)).strip()
            heading = Heading(level, title, slugify(title))
        anchor = heading.anchor
        n = 1
        while anchor in used:
            anchor = f"{heading.anchor}-{n}"
            n += 1
        used.add(anchor)
        headings.append(Heading(heading.level, heading.title, anchor))
        name = html.escape(anchor, quote=True)
        return f'<h{level} id="{name}"><a name="{name}"></a>{inner}</h{level}>'

    return _HEADING_HTML.sub(anchor_heading, body), tuple(headings)



def source_html(source: str) -> str:
    """A muted "Source: …" line (nothing when there is no source)."""
    return f'<p class="muted">Source: {html.escape(source)}</p>' if source else ""


def question_preview_html(stem: str, choices: list[tuple[str, bool]], rationale: str,
                   source: str) -> str:
    """A question as a search preview shows it: stem, lettered choices, the right ones ticked."""
    tick = ' <span class="right">✓ correct</span>'
    items = "".join(f"<li>{inline_markdown(text)}{tick if right else ''}</li>"
                    for text, right in choices)
    why = f"<p><b>Why</b></p>{markdown_to_html(rationale)}" if rationale else ""
    return f'{markdown_to_html(stem)}<ol type="A">{items}</ol>{why}{source_html(source)}'

