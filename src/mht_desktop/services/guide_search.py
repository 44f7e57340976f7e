"""Search over the guide's sections and the live questions and flashcards of enabled banks.

It runs on a full-text index (:class:`~mht_desktop.storage.fulltext.FullTextIndex`, SQLite
FTS5 in memory); where this Python's SQLite lacks FTS5, a plain case-insensitive substring
search gives the same kind of answer, only slower and unranked.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from mht_desktop.core.guide import (
    Chapter,
    ItemKind,
    SearchableItem,
    markdown_to_plain,
)
from mht_desktop.storage.fulltext import FullTextIndex

SEARCH_LIMIT = 50
MARK_START, MARK_END = "\x01", "\x02"   # around matched words in a snippet
SNIPPET_CONTEXT = 60                    # characters of context before a match

_WORD = re.compile(r"\w+")


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





# How much a hit counts when ranking (times FTS5's bm25 score).
SECTION_WEIGHT = 2.0       # the guide's own text, above a short flashcard repeating the words
BOILERPLATE_WEIGHT = 0.3   # "Sources", "Key points", "Practise this chapter": in every chapter
ITEM_WEIGHT = 1.0
BOILERPLATE_CHAPTERS = 3   # a heading found in this many chapters is the guide's boilerplate


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable unit: its hit (without a snippet), title, plain text and rank weight."""

    hit: SearchHit
    title: str
    body: str
    weight: float = ITEM_WEIGHT


def section_docs(chapters: Iterable[Chapter]) -> list[SearchDoc]:
    """One document per section; the sections every chapter repeats rank low.

    A short "Practise this chapter" list of topics otherwise outranks the section that
    explains the word searched for, just for being short.
    """
    chapters = list(chapters)
    sections = [(chapter, list(chapter.sections())) for chapter in chapters]
    seen_in: dict[str, set[str]] = {}
    for chapter, parts in sections:
        for section in parts:
            if section.level > 1:
                seen_in.setdefault(section.title.casefold(), set()).add(chapter.id)
    docs = []
    for chapter, parts in sections:
        for section in parts:
            where = chapter.title if section.level <= 1 else f"{chapter.title} › {section.title}"
            hit = SearchHit(HitKind.SECTION, section.title, "", where, chapter_id=chapter.id,
                            anchor=section.anchor)
            repeated = len(seen_in.get(section.title.casefold(), ())) >= BOILERPLATE_CHAPTERS
            docs.append(SearchDoc(hit, section.title, markdown_to_plain(section.markdown),
                                  BOILERPLATE_WEIGHT if repeated else SECTION_WEIGHT))
    return docs


def item_docs(items: Iterable[SearchableItem]) -> list[SearchDoc]:
    docs = []
    for item in items:
        kind = HitKind.QUESTION if item.kind is ItemKind.QUESTION else HitKind.FLASHCARD
        label = "Question" if kind is HitKind.QUESTION else "Flashcard"
        hit = SearchHit(kind, item.title, "", f"{label} · {item.bank_title}",
                        row_id=item.row_id, bank_id=item.bank_id)
        docs.append(SearchDoc(hit, markdown_to_plain(item.title), markdown_to_plain(item.text)))
    return docs


def query_words(query: str) -> list[str]:
    """The terms of a search, lower-cased (FTS syntax and punctuation between terms ignored).

    Words joined by punctuation without a space — "O*NET", "29-2053", "e-mail" — stay one
    term, written with single spaces ("o net"), so that they are searched as a phrase: split
    into separate words, "O*NET" would match any text with a word starting with "o".
    """
    return [" ".join(_WORD.findall(chunk.casefold())) for chunk in query.split()
            if _WORD.search(chunk)]


def term_pattern(term: str) -> str:
    """A regular expression for ``term`` in running text: its words with punctuation between."""
    return r"\W+".join(re.escape(word) for word in term.split())


def _plain(text: str) -> str:
    """``text`` lower-cased with every run of punctuation and space made one space."""
    return " ".join(_WORD.findall(text.casefold()))


def make_snippet(text: str, words: Iterable[str], context: int = SNIPPET_CONTEXT) -> str:
    """Text around the first match, with every match wrapped in highlight marks."""
    words = [w for w in words if w]
    if not words or not text:
        return text[:context * 3]
    pattern = re.compile("|".join(term_pattern(w) for w in sorted(words, key=len, reverse=True)),
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
    flashcard would otherwise outrank the chapter that explains it. The sections every
    chapter repeats (see :func:`section_docs`) count less than anything else.

    Args:
        docs: What to search.
        use_fts: Use SQLite FTS5 when this Python's SQLite has it; False forces the plain
            substring search (which is what runs where FTS5 is missing).
    """

    def __init__(self, docs: list[SearchDoc], *, use_fts: bool = True) -> None:
        self._docs = docs
        self._fts = FullTextIndex.build(
            [(d.title, d.body, d.weight) for d in docs]) if use_fts \
            else None

    @property
    def uses_fts(self) -> bool:
        """Whether searches run on FTS5 (False: the substring fallback)."""
        return self._fts is not None

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Hits for every word of ``query`` (each may be the start of a word), best first."""
        words = query_words(query)
        if not words:
            return []
        if self._fts is None:
            return self._substring_search(words, limit)
        rows = self._fts.match(words, limit, mark_start=MARK_START, mark_end=MARK_END)
        return [_with_snippet(self._docs[rowid].hit, snippet) for rowid, snippet in rows]

    def _substring_search(self, words: list[str], limit: int) -> list[SearchHit]:
        scored: list[tuple[bool, int, int]] = []
        for i, doc in enumerate(self._docs):
            title, body = _plain(doc.title), _plain(doc.body)
            if all(w in title or w in body for w in words):
                score = sum(3 * title.count(w) + body.count(w) for w in words)
                # Unranked search: guide sections first, then by how often the words occur.
                scored.append((doc.hit.kind is not HitKind.SECTION, -score, i))
        scored.sort()
        hits = []
        for _item, _score, i in scored[:limit]:
            doc = self._docs[i]
            in_body = any(w in _plain(doc.body) for w in words)
            hits.append(_with_snippet(doc.hit, make_snippet(doc.body if in_body else doc.title,
                                                            words)))
        return hits

    def close(self) -> None:
        """Free the index."""
        if self._fts is not None:
            self._fts.close()
            self._fts = None


def _with_snippet(hit: SearchHit, snippet: str) -> SearchHit:
    return SearchHit(hit.kind, hit.title, snippet, hit.where, hit.chapter_id, hit.anchor,
                     hit.row_id, hit.bank_id)

