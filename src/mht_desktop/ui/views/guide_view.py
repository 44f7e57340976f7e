"""The career guide section: contents, search and bookmarks beside a chapter reader.

The reader is a :class:`QTextBrowser` that never fetches anything: chapters arrive as safe
HTML from :class:`~mht_desktop.services.guide.GuideService`, in-guide links are followed
here, and web links go to the system browser only when the learner clicks them. Reading
position, read marks, bookmarks and the text size are per learner and saved through the
service on the DB lane, like every other section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QHideEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.guide import Bookmark, Heading, LinkKind, resolve_link
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.guide import (
    ZOOM_MAX,
    ZOOM_MIN,
    ChapterPage,
    GuideService,
    ReadingSummary,
    TocEntry,
)
from mht_desktop.services.guide_html import guide_css
from mht_desktop.services.guide_search import SearchHit
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.rich_text import plain_label, tooltip
from mht_desktop.ui.sections import FLASHCARDS
from mht_desktop.ui.theme import palette_css
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.views.guide_bookmarks import GuideBookmarks
from mht_desktop.ui.views.guide_panels import ContentsTree
from mht_desktop.ui.views.guide_print import print_chapter, save_chapter_pdf
from mht_desktop.ui.views.guide_reader import ReaderPosition, ReaderToolbar
from mht_desktop.ui.views.guide_searching import GuideSearch
from mht_desktop.ui.views.guide_widgets import GuideBrowser, PreviewDialog
from mht_desktop.ui.widgets.empty_state import EmptyState
from mht_desktop.ui.widgets.flow_layout import flow_row

OpenUrl = Callable[[QUrl], object]

QUICK_QUIZ_QUESTIONS = 10
ZOOM_FACTOR_PER_STEP = 0.1
END_SLACK_PX = 4                         # "at the end" tolerates a few pixels of rounding


@dataclass(frozen=True, slots=True)
class _State:
    """What a refresh loads on the DB lane."""

    toc: list[TocEntry]
    bookmarks: list[Bookmark]
    summary: ReadingSummary
    zoom: int
    problems: tuple[str, ...]
    page: ChapterPage | None


# -- the view ------------------------------------------------------------------------------------


class GuideView(SectionView):
    """Table of contents, search and bookmarks on the left; the chapter on the right."""

    title = "Guide"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None, *,
                 service: GuideService | None = None, open_url: OpenUrl | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = service if service is not None else ctx.app.guide(ctx.profile_id)
        self.open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self.page: ChapterPage | None = None
        self.toc_entries: list[TocEntry] = []
        self.zoom_step = 0
        self._rendered_dark: bool | None = None
        self.searcher = GuideSearch(self)
        self.bookmarker = GuideBookmarks(self)

        self._stack = QStackedLayout(self)
        self.empty = EmptyState("No guide chapters found", "")
        self._stack.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._build_sidebar())
        self.splitter.addWidget(self._build_reader())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 800])
        self._stack.addWidget(self.splitter)

    # -- building ------------------------------------------------------------------------
    def _build_sidebar(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(6, 6, 0, 6)
        self.search_box = self.searcher.box
        layout.addWidget(self.search_box)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Contents, search results and bookmarks")
        self.toc = ContentsTree()
        self.toc.setAccessibleName("Chapters and sections")
        self.toc.chosen.connect(self._on_toc_item)
        self.tabs.addTab(self.toc, "Contents")
        self.tabs.addTab(self._build_search_tab(), "Search")
        self.tabs.addTab(self._build_bookmarks_tab(), "Bookmarks")
        layout.addWidget(self.tabs, 1)
        self.reading_label = plain_label()
        self.reading_label.setObjectName("readingSummary")
        layout.addWidget(self.reading_label)
        return side

    def _build_search_tab(self) -> QWidget:
        self.search_panel = self.searcher.panel
        self.results = self.search_panel.results
        self.search_status = self.search_panel.status
        return self.search_panel

    def _build_bookmarks_tab(self) -> QWidget:
        panel = self.bookmarks_panel = self.bookmarker.panel
        self.bookmarks = panel.list
        self.add_bookmark_button = panel.add_button
        self.edit_note_button = panel.edit_button
        self.delete_bookmark_button = panel.delete_button
        return panel

    def _build_reader(self) -> QWidget:
        reader = QWidget()
        layout = QVBoxLayout(reader)
        layout.setContentsMargins(0, 6, 6, 6)
        self.problems_label = plain_label()
        self.problems_label.setWordWrap(True)
        self.problems_label.setObjectName("guideProblems")
        self.problems_label.hide()
        layout.addWidget(self.problems_label)
        layout.addWidget(self._build_toolbar())
        self.browser = GuideBrowser()
        self.browser.setAccessibleName("Chapter text")
        self.browser.setObjectName("chapterView")
        self.browser.anchorClicked.connect(self._on_link_clicked)
        self.browser.highlighted.connect(self._on_link_hovered)
        self.position = ReaderPosition(self.browser)
        bar = self.browser.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(lambda *_: self.position.apply_pending(self._headings()))
        layout.addWidget(self.browser, 1)
        self.flashcards_button = QPushButton("Flashcards")
        self.flashcards_button.clicked.connect(self.practise_flashcards)
        self.quiz_button = QPushButton(f"Quick quiz ({QUICK_QUIZ_QUESTIONS} questions)")
        self.quiz_button.clicked.connect(self.practise_quiz)
        # Wraps under the label at large text instead of widening the reader (and the window).
        layout.addWidget(flow_row([QLabel("Practise this chapter:"), self.flashcards_button,
                                   self.quiz_button]))
        for key, slot in (("Alt+Left", self.previous_chapter), ("Alt+Right", self.next_chapter)):
            shortcut = QShortcut(QKeySequence(key), self,
                                 context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        return reader

    def _build_toolbar(self) -> ReaderToolbar:
        bar = ReaderToolbar()
        bar.prev_button.clicked.connect(self.previous_chapter)
        bar.next_button.clicked.connect(self.next_chapter)
        bar.zoom_out_button.clicked.connect(lambda: self.set_zoom(self.zoom_step - 1))
        bar.zoom_in_button.clicked.connect(lambda: self.set_zoom(self.zoom_step + 1))
        bar.bookmark_button.clicked.connect(self.bookmarker.add_here)
        bar.read_button.clicked.connect(self.mark_read)
        bar.print_menu.addAction("Print…", self.print_chapter)
        bar.print_menu.addAction("Export PDF…", self.export_pdf)
        self.prev_button, self.next_button = bar.prev_button, bar.next_button
        self.position_label, self.read_button = bar.position_label, bar.read_button
        self.zoom_out_button, self.zoom_in_button = bar.zoom_out_button, bar.zoom_in_button
        self.bookmark_button, self.print_button = bar.bookmark_button, bar.print_button
        return bar

    # -- refreshing ----------------------------------------------------------------------
    def watches(self, changes: Changes) -> bool:
        # Banks change what search finds and how much practice a chapter has.
        return changes.reading or changes.banks or changes.profiles

    def set_profile(self, profile_id: int) -> None:
        self.save_position()
        self.service = self.ctx.app.guide(profile_id)
        self.page = None
        super().set_profile(profile_id)

    def refresh(self) -> None:
        service = self.service
        current = self.page.chapter_id if self.page else None

        def work() -> _State:
            toc = service.toc()
            ids = {entry.chapter_id for entry in toc}
            page = service.page(current) if current in ids else None
            return _State(toc, service.bookmarks(), service.summary(), service.zoom(),
                          service.problems, page)

        self.ctx.tasks.run(work, on_done=self._show_state, on_error=self.show_error)

    def _show_state(self, state: _State) -> None:
        self._show_problems(state.problems)
        if not state.toc:
            self.page = None
            self.empty.set_text("No guide chapters found",
                                f"Put Markdown chapters (for example 01-intro.md) in "
                                f"{self.service.folder} and they will appear here.")
            self._stack.setCurrentWidget(self.empty)
            return
        self._stack.setCurrentWidget(self.splitter)
        self.toc_entries = state.toc
        self.toc.fill(self.toc_entries)
        self.bookmarks_panel.fill(state.bookmarks)
        self.reading_label.setText(
            f"{state.summary.read} of {state.summary.total} chapters read")
        self._apply_zoom(state.zoom)
        if state.page is None:
            self.open_chapter(self._resume_chapter())
        elif self._rendered_dark != self.ctx.dark:
            self._show_page(state.page, fraction=self.current_fraction())
        else:
            self.page = state.page  # read mark and practice counts may have changed
            self._update_controls()
            self.toc.select(state.page.chapter_id, self.current_anchor())

    def _show_problems(self, problems: tuple[str, ...]) -> None:
        self.problems_label.setVisible(bool(problems))
        self.problems_label.setText(
            "Some guide files could not be used and are left out:\n" + "\n".join(problems))

    def _resume_chapter(self) -> str:
        """The chapter read most recently, or the first one."""
        latest = self.toc_entries[0]
        for entry in self.toc_entries:
            if entry.updated_at is not None and (
                    latest.updated_at is None or entry.updated_at > latest.updated_at):
                latest = entry
        return latest.chapter_id

    # -- opening chapters ------------------------------------------------------------------
    def open_chapter(self, chapter_id: str, anchor: str = "", *,
                     words: Sequence[str] = ()) -> None:
        """Show a chapter, at ``anchor`` or else where the learner left it.

        Args:
            chapter_id: The chapter.
            anchor: The section to bring to the top ("" for the remembered place).
            words: Searched-for words to highlight, the first of them in the section brought
                into view (a search hit); other ways of opening a chapter clear them.
        """
        self.searcher.words = list(words)
        if (self.page is not None and self.page.chapter_id == chapter_id
                and self._rendered_dark == self.ctx.dark):
            self._arrive(anchor)
            self.toc.select(chapter_id, anchor)
            return
        self.save_position()
        service = self.service
        self.ctx.tasks.run(lambda: service.page(chapter_id),
                           on_done=lambda page: self._show_page(page, anchor=anchor),
                           on_error=self.show_error)

    def _show_page(self, page: ChapterPage, *, anchor: str = "",
                   fraction: float | None = None) -> None:
        self.page = page
        dark = self.ctx.dark
        self._rendered_dark = dark
        self.position.restoring = True
        try:
            self.browser.document().setDefaultStyleSheet(palette_css(dark) + guide_css(dark))
            self.browser.setHtml(page.html)  # html-safe: rendered by the guide service
        finally:
            self.position.restoring = False
        if anchor or self.searcher.words:
            self._arrive(anchor)
        else:
            self.browser.setExtraSelections([])
            self._restore_fraction(page.position if fraction is None else fraction)
        self._update_controls()
        self.toc.select(page.chapter_id, anchor)

    def _arrive(self, anchor: str) -> None:
        """Scroll to ``anchor``; with searched words, mark them and show the first one."""
        headings = self._headings()
        match = self.searcher.highlight(self.position.anchor_position(anchor, headings))
        if match is None:
            self.scroll_to_anchor(anchor)
        else:
            self.position.scroll_to_match(match, anchor, headings)

    def _update_controls(self) -> None:
        page = self.page
        if page is None:
            return
        self.prev_button.setEnabled(page.previous_id is not None)
        self.next_button.setEnabled(page.next_id is not None)
        self.position_label.setText(f"Chapter {page.index + 1} of {page.total}")
        self.read_button.setChecked(page.read)
        self.read_button.setText("✓ Read" if page.read else "Mark as read")
        self.read_button.setToolTip("Click to mark as unread" if page.read else
                                    "Chapters are also marked read when you scroll to the end")
        topics = ", ".join(page.topics) or "none"
        self.flashcards_button.setText(f"Flashcards ({page.flashcards})")
        self.flashcards_button.setEnabled(page.flashcards > 0)
        self.quiz_button.setEnabled(page.questions > 0)
        for button in (self.flashcards_button, self.quiz_button):
            button.setToolTip(tooltip(f"Topics: {topics}" if button.isEnabled() else
                                      f"No enabled question bank covers this chapter's "
                                      f"topics ({topics})."))

    def previous_chapter(self) -> None:
        """Open the chapter before this one."""
        if self.page is not None and self.page.previous_id:
            self.open_chapter(self.page.previous_id)

    def next_chapter(self) -> None:
        """Open the chapter after this one."""
        if self.page is not None and self.page.next_id:
            self.open_chapter(self.page.next_id)

    def _on_toc_item(self, chapter_id: str, anchor: str) -> None:
        if self.page is not None and self.page.chapter_id == chapter_id and not anchor:
            self.searcher.clear_highlight()
            self._restore_fraction(0.0)  # the chapter's own row: back to its top
            return
        self.open_chapter(chapter_id, anchor)

    # -- position, sections and read marks --------------------------------------------------
    def _headings(self) -> tuple[Heading, ...]:
        return self.page.headings if self.page is not None else ()

    def current_fraction(self) -> float:
        """How far down the chapter the reader is, 0..1."""
        return self.position.current_fraction()

    def _restore_fraction(self, fraction: float) -> None:
        self.position.restore_fraction(fraction)

    def scroll_to_anchor(self, anchor: str) -> None:
        """Bring the section ``anchor`` to the top ("" for the chapter's top)."""
        self.position.scroll_to_anchor(anchor, self._headings())

    def current_anchor(self) -> str:
        """The section being read: the last heading at or above the top of the view."""
        return self.position.current_anchor(self._headings())

    def _on_scrolled(self, value: int) -> None:
        if self.position.restoring:
            return
        self.position.forget_pending()
        bar = self.browser.verticalScrollBar()
        if (self.page is not None and not self.page.read and bar.maximum() > 0
                and value >= bar.maximum() - END_SLACK_PX):
            self.mark_read(True)

    def save_position(self) -> None:
        """Remember where the learner is in the open chapter."""
        if self.page is None:
            return
        chapter_id, fraction, service = self.page.chapter_id, self.current_fraction(), self.service
        # Not published: nothing else shows scroll positions, and a refresh would be wasted.
        self.ctx.tasks.run(lambda: service.set_position(chapter_id, fraction),
                           on_error=self.show_error)

    def mark_read(self, read: bool = True) -> None:
        """Mark the open chapter read (or unread)."""
        if self.page is None:
            return
        chapter_id, service = self.page.chapter_id, self.service
        self.page = replace(self.page, read=read)  # at once, so scrolling cannot repeat it
        self._update_controls()

        def done(changes: Changes) -> None:
            self.status("Chapter marked as read." if read else "Chapter marked as unread.", 3000)
            self.ctx.bus.publish(changes)

        self.ctx.tasks.run(lambda: service.mark_read(chapter_id, read), on_done=done,
                           on_error=self.show_error)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_position()
        super().hideEvent(event)

    def about_to_close(self) -> None:
        """Save the reading position before the window closes."""
        self.save_position()

    # -- text size -----------------------------------------------------------------------
    def set_zoom(self, step: int) -> None:
        """Change and remember the reader's text size."""
        step = max(ZOOM_MIN, min(ZOOM_MAX, step))
        if step == self.zoom_step:
            return
        self._apply_zoom(step)
        service = self.service
        self.ctx.tasks.run(lambda: service.set_zoom(step), on_error=self.show_error)

    def _apply_zoom(self, step: int) -> None:
        fraction = self.current_fraction()
        self.zoom_step = step
        font = QFont(QApplication.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * (1 + ZOOM_FACTOR_PER_STEP * step)))
        self.browser.setFont(font)
        self.zoom_out_button.setEnabled(step > ZOOM_MIN)
        self.zoom_in_button.setEnabled(step < ZOOM_MAX)
        if self.page is not None and not self.position.steering_to_anchor:
            self._restore_fraction(fraction)

    # -- links ---------------------------------------------------------------------------
    def _on_link_clicked(self, url: QUrl) -> None:
        current = self.page.chapter_id if self.page else ""
        link = resolve_link(url.toString(), current)
        if link.kind is LinkKind.EXTERNAL:
            self.open_url(QUrl(link.url))
            self.status(f"Opened {link.url} in your web browser.", 4000)
        elif link.kind is LinkKind.CHAPTER and any(
                e.chapter_id == link.chapter_id for e in self.toc_entries):
            self.open_chapter(link.chapter_id, link.anchor)
        else:
            self.status(f"This link cannot be opened from the guide: {url.toString()}", 6000)

    def _on_link_hovered(self, url: QUrl) -> None:
        if url.isEmpty():
            return
        link = resolve_link(url.toString(), "")
        if link.kind is LinkKind.EXTERNAL:
            self.status(f"{link.url} — opens in your web browser", 3000)

    # -- search and bookmarks (guide_searching, guide_bookmarks) ----------------------------
    @property
    def preview_dialog(self) -> PreviewDialog | None:
        """The question or flashcard opened from search last, if any."""
        return self.searcher.preview_dialog

    def run_search(self) -> None:
        """Search for the words in the search box and list the hits."""
        self.searcher.run()

    def open_hit(self, hit: SearchHit) -> None:
        """Open a hit: its section in the reader, or a question or flashcard preview."""
        self.searcher.open_hit(hit)

    # -- practice ---------------------------------------------------------------------------
    def practise_flashcards(self) -> None:
        """Switch to the Flashcards section."""
        self.ctx.nav.show_section(FLASHCARDS)

    def practise_quiz(self) -> None:
        """Start a short tutor-mode quiz on this chapter's topics."""
        from mht_desktop.ui.views.quiz_view import start_quiz  # imported when first needed

        if self.page is not None:
            start_quiz(self.ctx.nav, QuizConfig(mode=QuizMode.TUTOR, count=QUICK_QUIZ_QUESTIONS,
                                                topics=self.page.topics))

    # -- printing ----------------------------------------------------------------------------
    def print_chapter(self) -> None:
        """Print the open chapter."""
        if self.page is not None:
            print_chapter(self, self.page.title, self.page.html)

    def export_pdf(self, path: str | None = None) -> str | None:
        """Save the open chapter as a PDF (asking where when ``path`` is not given)."""
        if self.page is None:
            return None
        path = path or self.ctx.dialogs.ask_save_path(
            self, "Export chapter as PDF", str(Path.home() / f"{self.page.chapter_id}.pdf"),
            "PDF files (*.pdf)")
        if not path:
            return None
        path = save_chapter_pdf(path, self.page.title, self.page.html)
        self.status(f"Saved {path}", 6000)
        return path
