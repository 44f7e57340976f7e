"""The career guide reader: chapters as safe HTML with drawn figures, progress, notes, search.

Chapters are files in the guide folder (:func:`~mht_desktop.services.resources.guide_dir`,
or any folder given), parsed once and re-parsed only when a file changes, so instructors can
drop in their own chapters. The two figures (career ladder, pay and outlook) are drawn from
``career-data.toml`` rather than written into the prose, so every number shown carries its
year and its source.

Search covers the guide's sections and the live questions and flashcards of enabled banks.
It runs on a private in-memory SQLite FTS5 index, built on first use and rebuilt when the
chapters or the banks change; where this Python's SQLite lacks FTS5, a plain
case-insensitive substring search gives the same kind of answer, only slower and unranked.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.guide import (
    CAREER_DATA_FILE,
    FIGURE_CAREER_LADDER,
    FIGURE_PAY_TABLE,
    Bookmark,
    CareerData,
    Chapter,
    GuideError,
    Heading,
    ItemKind,
    Ladder,
    ReadingState,
    SearchableItem,
    markdown_to_plain,
    parse_career_data,
    parse_chapter,
    slugify,
    sort_chapters,
)
from mht_desktop.services.resources import guide_dir
from mht_desktop.services.text import inline_markdown, markdown_to_html
from mht_desktop.storage import reading as repo
from mht_desktop.storage.database import Database

ZOOM_KEY = "guide_zoom"
ZOOM_MIN, ZOOM_MAX = -3, 6
SEARCH_LIMIT = 50
MARK_START, MARK_END = "\x01", "\x02"   # around matched words in a snippet
SNIPPET_CONTEXT = 60                    # characters of context before a match
READING = Changes(reading=True)

_HEADING_HTML = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_FIGURE_HTML = re.compile(r'<pre><code class="language-mht-figure">(.*?)</code></pre>', re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


# -- what the service returns ------------------------------------------------------------------


class HitKind(Enum):
    """What a search hit points at."""

    SECTION = "section"
    QUESTION = "question"
    FLASHCARD = "flashcard"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result with the text around the match.

    Attributes:
        kind: A guide section, a question or a flashcard.
        title: The section heading, or the question/card in short.
        snippet: Context around the match; matched words sit between ``MARK_START`` and
            ``MARK_END`` so a view can highlight them however it likes.
        where: Where it is, for people ("The career ladder › The four tiers",
            "Question · Sample bank").
        chapter_id: For sections: the chapter to open…
        anchor: …and the section within it ("" for the chapter's top).
        row_id: For questions and flashcards: the database id (see :meth:`GuideService.preview`).
        bank_id: For questions and flashcards: their bank.
    """

    kind: HitKind
    title: str
    snippet: str
    where: str
    chapter_id: str = ""
    anchor: str = ""
    row_id: int = 0
    bank_id: str = ""

    @property
    def snippet_text(self) -> str:
        """The snippet without highlight marks."""
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")

    @property
    def snippet_html(self) -> str:
        """The snippet as HTML with matched words in bold."""
        return (html.escape(self.snippet).replace(MARK_START, "<b>")
                .replace(MARK_END, "</b>"))


@dataclass(frozen=True, slots=True)
class TocEntry:
    """A chapter in the table of contents."""

    chapter_id: str
    title: str
    summary: str
    read: bool
    position: float
    updated_at: datetime | None
    sections: tuple[Heading, ...]


@dataclass(frozen=True, slots=True)
class ChapterPage:
    """Everything the reader shows for one chapter."""

    chapter_id: str
    title: str
    html: str
    headings: tuple[Heading, ...]   # in the order they appear in ``html``
    position: float
    read: bool
    previous_id: str | None
    next_id: str | None
    index: int
    total: int
    topics: tuple[str, ...]
    questions: int                  # live questions for ``topics`` in enabled banks
    flashcards: int


@dataclass(frozen=True, slots=True)
class ReadingSummary:
    """Chapters read out of the chapters there are (for the Progress view)."""

    read: int
    total: int

    @property
    def fraction(self) -> float:
        """Share read, 0..1."""
        return self.read / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class ItemPreview:
    """A question or flashcard found by search, as a small dialog shows it."""

    title: str
    html: str


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


# -- chapters on disk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Library:
    """The parsed guide folder."""

    signature: tuple[tuple[str, int, int], ...]
    chapters: tuple[Chapter, ...]
    career: CareerData | None
    problems: tuple[str, ...]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise NotFoundError(f"The guide has no chapter {chapter_id!r}.")


def _folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, modification times and sizes of the files the guide is made of."""
    try:
        paths = sorted(p for p in folder.iterdir()
                       if p.suffix.lower() == ".md" or p.name == CAREER_DATA_FILE)
    except OSError:
        return ()
    out = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def _is_chapter_file(name: str) -> bool:
    return name.lower().endswith(".md") and name.lower() != "readme.md"


def _load_library(folder: Path, signature: tuple[tuple[str, int, int], ...]) -> _Library:
    chapters: list[Chapter] = []
    problems: list[str] = []
    for name, _mtime, _size in signature:
        if not _is_chapter_file(name):
            continue
        path = folder / name
        try:
            chapters.append(parse_chapter(path.read_text(encoding="utf-8"),
                                          chapter_id=path.stem, file_name=name))
        except GuideError as exc:
            problems.append(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{name}: cannot be read ({exc}).")
    career: CareerData | None = None
    data_path = folder / CAREER_DATA_FILE
    if data_path.is_file():
        try:
            career = parse_career_data(data_path.read_text(encoding="utf-8"), CAREER_DATA_FILE)
        except GuideError as exc:
            problems.append(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{CAREER_DATA_FILE}: cannot be read ({exc}).")
    return _Library(signature, tuple(sort_chapters(chapters)), career, tuple(problems))


# -- search ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Doc:
    """One searchable unit: its hit (without a snippet), title and plain text."""

    hit: SearchHit
    title: str
    body: str


def _section_docs(chapters: Iterable[Chapter]) -> list[_Doc]:
    docs = []
    for chapter in chapters:
        for section in chapter.sections():
            where = chapter.title if section.level <= 1 else f"{chapter.title} › {section.title}"
            hit = SearchHit(HitKind.SECTION, section.title, "", where, chapter_id=chapter.id,
                            anchor=section.anchor)
            docs.append(_Doc(hit, section.title, markdown_to_plain(section.markdown)))
    return docs


def _item_docs(items: Iterable[SearchableItem]) -> list[_Doc]:
    docs = []
    for item in items:
        kind = HitKind.QUESTION if item.kind is ItemKind.QUESTION else HitKind.FLASHCARD
        label = "Question" if kind is HitKind.QUESTION else "Flashcard"
        hit = SearchHit(kind, item.title, "", f"{label} · {item.bank_title}",
                        row_id=item.row_id, bank_id=item.bank_id)
        docs.append(_Doc(hit, markdown_to_plain(item.title), markdown_to_plain(item.text)))
    return docs


def query_words(query: str) -> list[str]:
    """The words of a search, lower-cased (punctuation and FTS syntax ignored)."""
    return [w.casefold() for w in _WORD.findall(query)]


def make_snippet(text: str, words: Iterable[str], context: int = SNIPPET_CONTEXT) -> str:
    """Text around the first match, with every match wrapped in highlight marks."""
    words = [w for w in words if w]
    if not words or not text:
        return text[:context * 3]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                         re.IGNORECASE)
    first = pattern.search(text)
    pos = first.start() if first else 0
    start = max(0, pos - context)
    if start:  # begin at a word boundary so the snippet does not open mid-word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < pos else start
    end = min(len(text), pos + context * 2)
    if end < len(text):
        space = text.rfind(" ", pos, end)
        end = space if space > pos else end
    window = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text[start:end])
    return ("…" if start else "") + window + ("…" if end < len(text) else "")


class SearchIndex:
    """Full-text search over guide sections, questions and flashcards.

    Guide sections count double when ranking: this is the guide's search, and a short
    flashcard would otherwise outrank the chapter that explains it.

    Args:
        docs: What to search.
        use_fts: Use SQLite FTS5 when this Python's SQLite has it; False forces the plain
            substring search (which is what runs where FTS5 is missing).
    """

    def __init__(self, docs: list[_Doc], *, use_fts: bool = True) -> None:
        self._docs = docs
        self._lock = threading.Lock()
        self._conn = self._build_fts(docs) if use_fts else None

    @property
    def uses_fts(self) -> bool:
        """Whether searches run on FTS5 (False: the substring fallback)."""
        return self._conn is not None

    @staticmethod
    def _build_fts(docs: list[_Doc]) -> sqlite3.Connection | None:
        # A private in-memory database: the index is cheap to rebuild, never touches the
        # learner's file, and may be used from whichever thread runs the DB lane.
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, section UNINDEXED, "
                         "tokenize = 'porter unicode61 remove_diacritics 2')")
        except sqlite3.OperationalError:
            conn.close()
            return None
        conn.executemany("INSERT INTO docs(rowid, title, body, section) VALUES (?, ?, ?, ?)",
                         [(i, d.title, d.body, int(d.hit.kind is HitKind.SECTION))
                          for i, d in enumerate(docs)])
        conn.commit()
        return conn

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Hits for every word of ``query`` (each may be the start of a word), best first."""
        words = query_words(query)
        if not words:
            return []
        if self._conn is None:
            return self._substring_search(words, limit)
        # Each word quoted (so FTS syntax typed by a learner is just text) and prefixed.
        match = " ".join(f'"{w}"*' for w in words)
        with self._lock:
            rows = self._conn.execute(
                "SELECT rowid, snippet(docs, -1, char(1), char(2), '…', 18) FROM docs "
                "WHERE docs MATCH ? ORDER BY bm25(docs, 4.0, 1.0, 0.0) * (1 + section) LIMIT ?",
                (match, limit)).fetchall()
        return [_with_snippet(self._docs[rowid].hit, snippet) for rowid, snippet in rows]

    def _substring_search(self, words: list[str], limit: int) -> list[SearchHit]:
        scored: list[tuple[bool, int, int]] = []
        for i, doc in enumerate(self._docs):
            title, body = doc.title.casefold(), doc.body.casefold()
            if all(w in title or w in body for w in words):
                score = sum(3 * title.count(w) + body.count(w) for w in words)
                # Unranked search: guide sections first, then by how often the words occur.
                scored.append((doc.hit.kind is not HitKind.SECTION, -score, i))
        scored.sort()
        hits = []
        for _item, _score, i in scored[:limit]:
            doc = self._docs[i]
            in_body = any(w in doc.body.casefold() for w in words)
            hits.append(_with_snippet(doc.hit, make_snippet(doc.body if in_body else doc.title,
                                                            words)))
        return hits

    def close(self) -> None:
        """Free the index."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _with_snippet(hit: SearchHit, snippet: str) -> SearchHit:
    return SearchHit(hit.kind, hit.title, snippet, hit.where, hit.chapter_id, hit.anchor,
                     hit.row_id, hit.bank_id)


# -- the service ------------------------------------------------------------------------------


@dataclass
class _Cache:
    library: _Library | None = None
    pages: dict[str, tuple[str, tuple[Heading, ...]]] = field(default_factory=dict)
    index: SearchIndex | None = None
    index_key: object = None


class GuideService:
    """The guide for one learner.

    Keep the instance: it caches parsed chapters, rendered pages and the search index.
    Methods may be called from the DB lane's thread; a lock guards the caches.

    Args:
        db: The database (reading progress, bookmarks, banks to search).
        clock: Time for "read at" and "bookmarked at".
        profile_id: The learner.
        folder: Where the chapters are (default: the guide shipped with the app).
        use_fts: False forces the substring search even where FTS5 exists (tests, and a
            way out should an FTS index ever misbehave).
    """

    def __init__(self, db: Database, clock: Clock, profile_id: int, *,
                 folder: Path | None = None, use_fts: bool = True) -> None:
        self._db = db
        self._clock = clock
        self.profile_id = profile_id
        self.folder = folder if folder is not None else guide_dir()
        self.use_fts = use_fts
        self._lock = threading.RLock()
        self._cache = _Cache()

    # -- chapters ------------------------------------------------------------------------
    def _library(self) -> _Library:
        signature = _folder_signature(self.folder)
        with self._lock:
            if self._cache.library is None or self._cache.library.signature != signature:
                self._cache.library = _load_library(self.folder, signature)
                self._cache.pages.clear()
            return self._cache.library

    def chapters(self) -> tuple[Chapter, ...]:
        """Every readable chapter, in reading order."""
        return self._library().chapters

    @property
    def problems(self) -> tuple[str, ...]:
        """Messages for files that could not be used (each names its file and line)."""
        return self._library().problems

    @property
    def career_data(self) -> CareerData | None:
        """The figures' data, if ``career-data.toml`` is present and valid."""
        return self._library().career

    def chapter(self, chapter_id: str) -> Chapter:
        """One chapter.

        Raises:
            NotFoundError: no such chapter (any more).
        """
        return self._library().chapter(chapter_id)

    def chapter_html(self, chapter_id: str) -> str:
        """A chapter as safe HTML, figures drawn, every heading anchored."""
        return self._render(chapter_id)[0]

    def _render(self, chapter_id: str) -> tuple[str, tuple[Heading, ...]]:
        library = self._library()
        with self._lock:
            cached = self._cache.pages.get(chapter_id)
            if cached is None:
                cached = render_chapter(library.chapter(chapter_id), library.career)
                self._cache.pages[chapter_id] = cached
            return cached

    def neighbours(self, chapter_id: str) -> tuple[str | None, str | None]:
        """The chapters before and after ``chapter_id`` (None at either end)."""
        ids = [c.id for c in self.chapters()]
        i = ids.index(self.chapter(chapter_id).id)
        return (ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None)

    def practice_topics(self, chapter_id: str) -> tuple[str, ...]:
        """The bank topics a chapter prepares for (from its front matter)."""
        return self.chapter(chapter_id).topics

    def page(self, chapter_id: str) -> ChapterPage:
        """Everything the reader needs to show a chapter."""
        chapter = self.chapter(chapter_id)
        body, headings = self._render(chapter_id)
        ids = [c.id for c in self.chapters()]
        i = ids.index(chapter_id)
        with self._db.session() as s:
            state = repo.reading_states(s, self.profile_id).get(chapter_id)
            questions, flashcards = repo.topic_item_counts(s, chapter.topics)
        return ChapterPage(
            chapter_id=chapter_id, title=chapter.title, html=body, headings=headings,
            position=state.position if state else 0.0, read=bool(state and state.read),
            previous_id=ids[i - 1] if i > 0 else None,
            next_id=ids[i + 1] if i + 1 < len(ids) else None, index=i, total=len(ids),
            topics=chapter.topics, questions=questions, flashcards=flashcards)

    # -- reading progress --------------------------------------------------------------------
    def reading_states(self) -> dict[str, ReadingState]:
        """The learner's progress in every chapter they opened."""
        with self._db.session() as s:
            return repo.reading_states(s, self.profile_id)

    def toc(self) -> list[TocEntry]:
        """The table of contents with this learner's read marks."""
        states = self.reading_states()
        entries = []
        for chapter in self.chapters():
            state = states.get(chapter.id)
            entries.append(TocEntry(
                chapter_id=chapter.id, title=chapter.title, summary=chapter.summary,
                read=bool(state and state.read), position=state.position if state else 0.0,
                updated_at=state.updated_at if state else None,
                sections=tuple(h for h in chapter.headings if h.level == 2)))
        return entries

    def position(self, chapter_id: str) -> float:
        """Where the learner left the chapter (scroll fraction, 0 when never opened)."""
        state = self.reading_states().get(chapter_id)
        return state.position if state else 0.0

    def set_position(self, chapter_id: str, fraction: float) -> Changes:
        """Remember where the learner is in a chapter."""
        with self._db.session() as s:
            repo.save_position(s, self.profile_id, chapter_id, fraction, self._clock.now())
        return READING

    def mark_read(self, chapter_id: str, read: bool = True) -> Changes:
        """Mark a chapter read (or unread again)."""
        self.chapter(chapter_id)  # refuse chapters that do not exist
        with self._db.session() as s:
            repo.set_read(s, self.profile_id, chapter_id, read, self._clock.now())
        return READING

    def summary(self) -> ReadingSummary:
        """Chapters read out of those in the guide now."""
        states = self.reading_states()
        chapters = self.chapters()
        return ReadingSummary(sum(1 for c in chapters if (st := states.get(c.id)) and st.read),
                              len(chapters))

    # -- bookmarks ---------------------------------------------------------------------------
    def bookmarks(self) -> list[Bookmark]:
        """The learner's bookmarks and notes, oldest first."""
        with self._db.session() as s:
            return repo.list_bookmarks(s, self.profile_id)

    def add_bookmark(self, chapter_id: str, anchor: str = "",
                     note: str = "") -> tuple[Bookmark, Changes]:
        """Bookmark a section of a chapter, with an optional note."""
        chapter = self.chapter(chapter_id)
        heading = chapter.heading(anchor) if anchor else None
        title = chapter.title if heading is None or heading.level <= 1 else \
            f"{chapter.title} › {heading.title}"
        with self._db.session() as s:
            bookmark = repo.add_bookmark(s, self.profile_id, chapter_id=chapter_id,
                                         anchor=anchor if heading else "", title=title,
                                         note=note.strip(), now=self._clock.now())
        return bookmark, READING

    def edit_note(self, bookmark_id: int, note: str) -> tuple[Bookmark, Changes]:
        """Change a bookmark's note."""
        with self._db.session() as s:
            bookmark = repo.update_note(s, self.profile_id, bookmark_id, note.strip())
        return bookmark, READING

    def delete_bookmark(self, bookmark_id: int) -> Changes:
        """Remove a bookmark."""
        with self._db.session() as s:
            repo.delete_bookmark(s, self.profile_id, bookmark_id)
        return READING

    # -- reader preferences -------------------------------------------------------------------
    def zoom(self) -> int:
        """The learner's text-size step for the reader (0 = the app's text size)."""
        with self._db.session() as s:
            value = repo.reader_setting(s, self.profile_id, ZOOM_KEY, 0)
        return max(ZOOM_MIN, min(ZOOM_MAX, value)) if isinstance(value, int) else 0

    def set_zoom(self, step: int) -> tuple[int, Changes]:
        """Remember the reader's text size (clamped); returns the step kept."""
        step = max(ZOOM_MIN, min(ZOOM_MAX, step))
        with self._db.session() as s:
            repo.set_reader_setting(s, self.profile_id, ZOOM_KEY, step)
        return step, READING

    # -- search ------------------------------------------------------------------------------
    def _index(self) -> SearchIndex:
        library = self._library()
        with self._db.session() as s:
            banks = repo.banks_signature(s)
            key = (library.signature, banks)
            with self._lock:
                if self._cache.index is None or self._cache.index_key != key:
                    if self._cache.index is not None:
                        self._cache.index.close()
                    docs = _section_docs(library.chapters) + _item_docs(
                        repo.searchable_items(s))
                    self._cache.index = SearchIndex(docs, use_fts=self.use_fts)
                    self._cache.index_key = key
                return self._cache.index

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Guide sections, questions and flashcards containing every word of ``query``.

        The index is rebuilt first if the chapters or the banks changed since it was built.
        """
        if not query_words(query):
            return []
        return self._index().search(query, limit)

    @property
    def search_uses_fts(self) -> bool:
        """Whether search runs on FTS5 (builds the index if needed)."""
        return self._index().uses_fts

    def invalidate_search(self) -> None:
        """Drop the index; the next search rebuilds it."""
        with self._lock:
            if self._cache.index is not None:
                self._cache.index.close()
            self._cache.index = None
            self._cache.index_key = None

    def preview(self, hit: SearchHit) -> ItemPreview:
        """A question or flashcard hit, ready to show in a small dialog.

        Raises:
            NotFoundError: the item was removed since the search, or ``hit`` is a section.
        """
        with self._db.session() as s:
            if hit.kind is HitKind.QUESTION:
                question, bank = repo.load_question(s, hit.row_id)
                return ItemPreview(f"Question · {bank}", _question_html(
                    question.stem, [(c.text, c.correct) for c in question.choices],
                    question.rationale, question.source))
            if hit.kind is HitKind.FLASHCARD:
                card, bank = repo.load_flashcard(s, hit.row_id)
                return ItemPreview(f"Flashcard · {bank}",
                                   markdown_to_html(card.front) + "<hr>"
                                   + markdown_to_html(card.back) + _source_html(card.source))
        raise NotFoundError("Only questions and flashcards have a preview.")


def _source_html(source: str) -> str:
    return f'<p class="muted">Source: {html.escape(source)}</p>' if source else ""


def _question_html(stem: str, choices: list[tuple[str, bool]], rationale: str,
                   source: str) -> str:
    tick = ' <span class="right">✓ correct</span>'
    items = "".join(f"<li>{inline_markdown(text)}{tick if right else ''}</li>"
                    for text, right in choices)
    why = f"<p><b>Why</b></p>{markdown_to_html(rationale)}" if rationale else ""
    return f'{markdown_to_html(stem)}<ol type="A">{items}</ol>{why}{_source_html(source)}'

