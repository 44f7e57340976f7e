"""The career guide reader for one learner: pages, reading progress, bookmarks, search.

The parts live beside it: :mod:`.guide_library` (the folder on disk), :mod:`.guide_html`
(chapters and figures as HTML) and :mod:`.guide_search` (the search and its index).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mht_desktop.core.career_data import CareerData
from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.guide import Bookmark, Chapter, Heading, ReadingState
from mht_desktop.services.guide_html import question_preview_html, render_chapter, source_html
from mht_desktop.services.guide_library import GuideLibrary, folder_signature, load_library
from mht_desktop.services.guide_search import (
    SEARCH_LIMIT,
    HitKind,
    SearchHit,
    SearchIndex,
    item_docs,
    query_words,
    section_docs,
)
from mht_desktop.services.resources import guide_dir
from mht_desktop.services.text import markdown_to_html
from mht_desktop.storage import reading as repo
from mht_desktop.storage.database import Database

ZOOM_KEY = "guide_zoom"
ZOOM_MIN, ZOOM_MAX = -3, 6
READING = Changes(reading=True)



# -- what the service returns ------------------------------------------------------------------



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


# -- the service ------------------------------------------------------------------------------


@dataclass
class _Cache:
    library: GuideLibrary | None = None
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
    def _library(self) -> GuideLibrary:
        signature = folder_signature(self.folder)
        with self._lock:
            if self._cache.library is None or self._cache.library.signature != signature:
                self._cache.library = load_library(self.folder, signature)
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
                    docs = section_docs(library.chapters) + item_docs(
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
                return ItemPreview(f"Question · {bank}", question_preview_html(
                    question.stem, [(c.text, c.correct) for c in question.choices],
                    question.rationale, question.source))
            if hit.kind is HitKind.FLASHCARD:
                card, bank = repo.load_flashcard(s, hit.row_id)
                return ItemPreview(f"Flashcard · {bank}",
                                   markdown_to_html(card.front) + "<hr>"
                                   + markdown_to_html(card.back) + source_html(card.source))
        raise NotFoundError("Only questions and flashcards have a preview.")

