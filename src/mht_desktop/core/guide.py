"""The career guide as data: chapters, their sections, in-guide links and reading state.

Guide chapters are Markdown files with TOML front matter that anyone may edit or add, so
parsing lives here, free of Qt and of the Markdown renderer, where every rule can be tested
on plain strings. A mistake in a chapter becomes a :class:`GuideError` that names the file
and the line, the way bank errors do. The career figures (``career-data.toml``) are parsed
in :mod:`mht_desktop.core.career_data`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import unquote

from mht_desktop.core.errors import MhtError

FRONT_MATTER_FENCE = "+++"
FIGURE_INFO = "mht-figure"
FIGURE_CAREER_LADDER = "career-ladder"
FIGURE_PAY_TABLE = "pay-table"

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")
_EXTERNAL_SCHEMES = ("http", "https", "mailto")


class GuideError(MhtError):
    """A guide chapter or the career data file is malformed.

    Attributes:
        file: The file name (not the whole path: that is what a person recognises).
        line: 1-based line in the file, or None when no line can be known.
        detail: What is wrong, in plain words.
    """

    def __init__(self, file: str, line: int | None, detail: str) -> None:
        self.file = file
        self.line = line
        self.detail = detail
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {detail}")


# -- chapters ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a chapter and the anchor that links to it."""

    level: int
    title: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Section:
    """The text under one heading, up to the next heading (used for search)."""

    anchor: str
    title: str
    level: int
    markdown: str


@dataclass(frozen=True, slots=True)
class Chapter:
    """One guide chapter, as parsed from ``NN-name.md``.

    Attributes:
        id: The file stem (``07-career-ladder``); links and reading progress use it.
        title: From the front matter, else the first heading, else the file name.
        order: Position in the guide; chapters without one come last, by id.
        topics: Bank topic ids this chapter prepares for ("Practise this chapter").
        summary: One or two sentences for the table of contents.
        body: The Markdown after the front matter.
        headings: Every heading in reading order, with unique anchors.
        file_name: The file the chapter came from (for messages).
    """

    id: str
    title: str
    order: int | None
    topics: tuple[str, ...]
    summary: str
    body: str
    headings: tuple[Heading, ...]
    file_name: str = ""

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Ordered chapters first (by order), then the rest by id."""
        return (0 if self.order is not None else 1, self.order or 0, self.id)

    @property
    def figures(self) -> tuple[str, ...]:
        """Names of the ``mht-figure`` blocks in the chapter, in order."""
        return tuple(name for name, _start, _end in _figure_blocks(self.body.splitlines()))

    def heading(self, anchor: str) -> Heading | None:
        """The heading with ``anchor``, if any."""
        return next((h for h in self.headings if h.anchor == anchor), None)

    def sections(self) -> tuple[Section, ...]:
        """The chapter cut at every heading; text before the first heading is its own part."""
        lines = self.body.splitlines()
        starts = [i for i, _level, _text in _heading_lines(lines)]
        out: list[Section] = []
        intro = "\n".join(lines[:starts[0]] if starts else lines).strip()
        if intro:
            out.append(Section("", self.title, 0, intro))
        for n, (start, heading) in enumerate(zip(starts, self.headings, strict=True)):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            out.append(Section(heading.anchor, heading.title, heading.level,
                               "\n".join(lines[start + 1:end]).strip()))
        return tuple(out)


def slugify(text: str) -> str:
    """A URL-safe anchor for a heading, made the way GitHub makes them."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().casefold()).replace(" ", "-")
    return slug or "section"


def unique_anchors(titles: Iterable[str]) -> list[str]:
    """Anchors for headings in order; repeats get ``-1``, ``-2``… as on GitHub."""
    seen: dict[str, int] = {}
    out = []
    for title in titles:
        base = slugify(title)
        count = seen.get(base, 0)
        anchor = base if count == 0 else f"{base}-{count}"
        while anchor in seen:  # a heading literally called "x-1" after two "x"s
            count += 1
            anchor = f"{base}-{count}"
        seen[base] = count + 1
        seen.setdefault(anchor, 1)
        out.append(anchor)
    return out


def strip_inline(text: str) -> str:
    """Markdown inline syntax removed: links and images keep their text, marks go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`|~~)", "", text)
    text = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def markdown_to_plain(markdown: str) -> str:
    """Readable plain text for the search index (figures dropped, tables flattened)."""
    lines = markdown.splitlines()
    figure_lines = {i for _name, start, end in _figure_blocks(lines) for i in range(start, end + 1)}
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in figure_lines or _FENCE.match(line):
            continue
        stripped = line.strip()
        if re.fullmatch(r"\|?[\s:|-]+\|?", stripped) and "-" in stripped:
            continue  # a table's |---|---| separator row
        stripped = re.sub(r"^(>\s*)+", "", stripped)
        stripped = re.sub(r"^#{1,6}\s+", "", stripped)
        # A list item starts with a bullet, so a snippet does not run items together.
        stripped = re.sub(r"^([-*+]|\d+[.)])\s+", "• ", stripped)
        if "|" in stripped:
            # A table row: cells joined by a middle dot and the row closed by a semicolon,
            # so that a snippet spanning two rows does not read as one run of cells.
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            stripped = " · ".join(cells) + ";"
        out.append(strip_inline(stripped))
    return re.sub(r"\s+", " ", " ".join(out)).strip()


def _heading_lines(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line index, level, raw title) of every ATX heading outside fenced code."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        match = _ATX_HEADING.match(line)
        if match:
            found.append((i, len(match.group(1)), match.group(2) or ""))
    return found


def _figure_blocks(lines: Sequence[str]) -> list[tuple[str, int, int]]:
    """(figure name, first line index, last line index) of every ``mht-figure`` fence."""
    blocks: list[tuple[str, int, int]] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match and match.group(2) == FIGURE_INFO:
            marker = match.group(1)
            end = next((j for j in range(i + 1, len(lines))
                        if lines[j].strip().startswith(marker[0] * len(marker))
                        and not lines[j].strip().strip(marker[0])), len(lines) - 1)
            name = " ".join(line.strip() for line in lines[i + 1:end]).strip()
            blocks.append((name, i, end))
            i = end + 1
            continue
        i += 1
    return blocks


def parse_headings(body: str) -> tuple[Heading, ...]:
    """Every heading of a chapter body, with unique anchors."""
    found = _heading_lines(body.splitlines())
    titles = [strip_inline(raw) for _i, _level, raw in found]
    anchors = unique_anchors(titles)
    return tuple(Heading(level, title, anchor) for (_i, level, _raw), title, anchor
                 in zip(found, titles, anchors, strict=True))


def _split_front_matter(text: str, file_name: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, file line number where the front matter starts)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None, text.lstrip("\ufeff"), 0
    for i in range(1, len(lines)):
        if lines[i].strip() == FRONT_MATTER_FENCE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), 2
    raise GuideError(file_name, 1, "the front matter opened with +++ is never closed "
                                   "(add a line with +++ after it)")


def _key_line(front: str, key: str, first_line: int) -> int:
    """The file line where ``key = …`` is set in the front matter (for messages)."""
    for i, line in enumerate(front.splitlines()):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return first_line + i
    return first_line


def parse_guide_toml(text: str, file_name: str, first_line: int,
                     what: str) -> dict[str, Any]:
    """Parse TOML from a guide file; a mistake becomes a :class:`GuideError` with its line.

    Args:
        text: The TOML text.
        file_name: The file it came from, for the message.
        first_line: The file line ``text`` starts on (front matter starts below a fence).
        what: What the text is, for the message ("the front matter").

    Raises:
        GuideError: the text is not valid TOML.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line: int | None = None
        if match and match.group(1):
            line = first_line + int(match.group(1)) - 1
        elif match:  # "at end of document": the last line is where the text ran out
            line = first_line + max(0, len(text.splitlines()) - 1)
        detail = _TOML_POSITION.sub("", message).rstrip(".")
        raise GuideError(file_name, line, f"{what} is not valid TOML: {detail}") from exc


def parse_chapter(text: str, *, chapter_id: str, file_name: str = "") -> Chapter:
    """Parse one chapter file.

    Front matter is optional: a plain Markdown file becomes a chapter titled by its first
    heading, so the reader works with any chapters placed in the guide folder.

    Args:
        text: The whole file.
        chapter_id: The file stem.
        file_name: The file name, for error messages (defaults to ``<id>.md``).

    Raises:
        GuideError: the front matter is not valid TOML or a field has the wrong type.
    """
    file_name = file_name or f"{chapter_id}.md"
    front, body, first_line = _split_front_matter(text, file_name)
    meta = {} if front is None else parse_guide_toml(front, file_name, first_line,
                                                     "the front matter")
    headings = parse_headings(body)

    def fail(key: str, expected: str) -> GuideError:
        assert front is not None  # only front-matter keys can have wrong types
        return GuideError(file_name, _key_line(front, key, first_line),
                          f"front matter '{key}' must be {expected}")

    title = meta.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise fail("title", "a non-empty string")
    order = meta.get("order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        raise fail("order", "a whole number")
    topics = meta.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise fail("topics", 'a list of topic ids, like ["career-ladder"]')
    summary = meta.get("summary", "")
    if not isinstance(summary, str):
        raise fail("summary", "a string")
    if title is None:
        first = next((h for h in headings if h.level == 1), None)
        title = first.title if first else chapter_id.replace("-", " ").strip().capitalize()
    return Chapter(id=chapter_id, title=title.strip(), order=order, topics=tuple(topics),
                   summary=summary.strip(), body=body, headings=headings, file_name=file_name)


def sort_chapters(chapters: Iterable[Chapter]) -> list[Chapter]:
    """Chapters in reading order."""
    return sorted(chapters, key=lambda c: c.sort_key)


# -- links -------------------------------------------------------------------------------


class LinkKind(Enum):
    """Where a link in a chapter leads."""

    CHAPTER = "chapter"        # a chapter of the guide (maybe at a section)
    EXTERNAL = "external"      # a web page or e-mail address: the system browser, on click
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class GuideLink:
    """A resolved link: ``chapter_id``/``anchor`` for in-guide links, ``url`` otherwise."""

    kind: LinkKind
    chapter_id: str = ""
    anchor: str = ""
    url: str = ""


def resolve_link(href: str, current_chapter: str) -> GuideLink:
    """Work out where a link in ``current_chapter`` goes.

    In-guide links may be written ``#anchor``, ``07-career-ladder.md#anchor`` (a relative
    file link, which also works when reading the Markdown on GitHub) or
    ``guide:07-career-ladder#anchor``.
    """
    href = href.strip()
    path, _, anchor = href.partition("#")
    anchor = unquote(anchor)
    scheme, colon, rest = path.partition(":")
    if colon and "/" not in scheme:
        lowered = scheme.lower()
        if lowered == "guide":
            chapter = unquote(rest.lstrip("/")).removesuffix(".md")
            return GuideLink(LinkKind.CHAPTER, chapter or current_chapter, anchor)
        if lowered in _EXTERNAL_SCHEMES:
            return GuideLink(LinkKind.EXTERNAL, url=href)
        return GuideLink(LinkKind.UNSUPPORTED, url=href)
    if path.startswith("//"):
        return GuideLink(LinkKind.UNSUPPORTED, url=href)
    if not path:
        return GuideLink(LinkKind.CHAPTER, current_chapter, anchor)
    name = unquote(path.rstrip("/").rsplit("/", 1)[-1])
    if name.lower().endswith(".md"):
        return GuideLink(LinkKind.CHAPTER, name[:-3], anchor)
    return GuideLink(LinkKind.UNSUPPORTED, url=href)


# -- reading progress and bookmarks ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingState:
    """How far a learner is in one chapter."""

    chapter_id: str
    position: float              # scroll fraction, 0 (top) to 1 (end)
    read_at: datetime | None
    updated_at: datetime

    @property
    def read(self) -> bool:
        """Whether the chapter counts as read."""
        return self.read_at is not None


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked section with the learner's own note."""

    id: int
    chapter_id: str
    anchor: str
    title: str
    note: str
    created_at: datetime


class ItemKind(Enum):
    """Bank items the guide search also looks through."""

    QUESTION = "question"
    FLASHCARD = "flashcard"


@dataclass(frozen=True, slots=True)
class SearchableItem:
    """A live question or flashcard of an enabled bank, as text to index."""

    kind: ItemKind
    row_id: int
    item_id: str
    bank_id: str
    bank_title: str
    topic_id: str
    title: str
    text: str
