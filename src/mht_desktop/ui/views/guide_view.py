"""The career guide section: contents, search and bookmarks beside a chapter reader.

The reader is a :class:`QTextBrowser` that never fetches anything: chapters arrive as safe
HTML from :class:`~mht_desktop.services.guide.GuideService`, in-guide links are followed
here, and web links go to the system browser only when the learner clicks them. Reading
position, read marks, bookmarks and the text size are per learner and saved through the
service on the DB lane, like every other section.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QDesktopServices,
    QFont,
    QHideEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
    QTextBlock,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.guide import Bookmark, LinkKind, resolve_link
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.guide import (
    SEARCH_LIMIT,
    ZOOM_MAX,
    ZOOM_MIN,
    ChapterPage,
    GuideService,
    HitKind,
    ItemPreview,
    ReadingSummary,
    SearchHit,
    TocEntry,
    guide_css,
)
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.theme import palette_css
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.widgets.empty_state import EmptyState

OpenUrl = Callable[[QUrl], object]
AskText = Callable[[str, str, str], str | None]
Confirm = Callable[[str, str], bool]
AskPath = Callable[[str], str | None]

FLASHCARDS_ROW, QUIZ_ROW = 1, 2          # rows of the main window's navigation
QUICK_QUIZ_QUESTIONS = 10
ZOOM_FACTOR_PER_STEP = 0.1
END_SLACK_PX = 4                         # "at the end" tolerates a few pixels of rounding
HEADING_SLACK_PX = 12                    # a heading just below the top still counts as current
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
DATA_ROLE = Qt.ItemDataRole.UserRole


# -- small injectable helpers (tests replace them so no modal dialog can hang) -------------------


def ask_text_dialog(parent: QWidget) -> AskText:
    """A multi-line text prompt; None when cancelled."""
    def ask(title: str, label: str, text: str) -> str | None:
        value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
        return value if ok else None
    return ask


def confirm_dialog(parent: QWidget) -> Confirm:
    """A Yes/No question."""
    def confirm(title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes
    return confirm


def ask_pdf_path(parent: QWidget) -> AskPath:
    """A save dialog for a PDF file; None when cancelled."""
    def ask(suggested: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(parent, "Export chapter as PDF", suggested,
                                                    "PDF files (*.pdf)")
        return path or None
    return ask


# -- widgets -------------------------------------------------------------------------------------


class GuideBrowser(QTextBrowser):
    """A text browser that never loads remote content and never follows links by itself.

    Chapters and bank text come from files anyone can edit; refusing every non-local
    resource means no chapter can make the app fetch from (or report to) the network.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.refused: list[str] = []

    def loadResource(self, type_: int, url: QUrl | str) -> Any:
        url = QUrl(url)
        if url.isLocalFile() or (not url.scheme() and not url.host()):
            return super().loadResource(type_, url)
        self.refused.append(url.toString())
        return None


class RichTextDelegate(QStyledItemDelegate):
    """Draws a list row from the HTML in ``HTML_ROLE`` (hits with highlighted words)."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self._view = view

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                  width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(4)
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(HTML_ROLE) or html.escape(str(index.data() or ""))))
        doc.setTextWidth(max(width, 80))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = opt.rect
        doc = self._document(opt, index, rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(rect.translated(-rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self._view.viewport().width() - 4
        doc = self._document(option, index, width)
        return QSize(width, int(doc.size().height()) + 2)


def _rich_list() -> QListWidget:
    widget = QListWidget()
    widget.setItemDelegate(RichTextDelegate(widget))
    widget.setWordWrap(True)
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    widget.setAlternatingRowColors(True)
    return widget


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
        self.ask_text: AskText = ask_text_dialog(self)
        self.confirm: Confirm = confirm_dialog(self)
        self.ask_path: AskPath = ask_pdf_path(self)
        self.page: ChapterPage | None = None
        self.toc_entries: list[TocEntry] = []
        self.bookmark_list: list[Bookmark] = []
        self.hits: list[SearchHit] = []
        self.zoom_step = 0
        self.preview_dialog: QDialog | None = None
        self._rendered_dark: bool | None = None
        self._restoring = False
        self._pending_fraction: float | None = None
        self._pending_anchor: str | None = None

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
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search the guide, questions and flashcards…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self.run_search)
        layout.addWidget(self.search_box)
        self.tabs = QTabWidget()
        self.toc = QTreeWidget()
        self.toc.setHeaderHidden(True)
        self.toc.setWordWrap(True)
        self.toc.itemClicked.connect(self._on_toc_item)
        self.toc.itemActivated.connect(self._on_toc_item)
        self.tabs.addTab(self.toc, "Contents")
        self.tabs.addTab(self._build_search_tab(), "Search")
        self.tabs.addTab(self._build_bookmarks_tab(), "Bookmarks")
        layout.addWidget(self.tabs, 1)
        self.reading_label = QLabel()
        self.reading_label.setObjectName("readingSummary")
        layout.addWidget(self.reading_label)
        return side

    def _build_search_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(2, 4, 2, 2)
        self.search_status = QLabel("Type words above and press Enter.")
        self.search_status.setWordWrap(True)
        layout.addWidget(self.search_status)
        self.results = _rich_list()
        self.results.itemClicked.connect(self._on_result_item)
        self.results.itemActivated.connect(self._on_result_item)
        layout.addWidget(self.results, 1)
        return tab

    def _build_bookmarks_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(2, 4, 2, 2)
        self.bookmarks = _rich_list()
        self.bookmarks.itemClicked.connect(self._on_bookmark_item)
        self.bookmarks.itemActivated.connect(self._on_bookmark_item)
        layout.addWidget(self.bookmarks, 1)
        row = QHBoxLayout()
        self.add_bookmark_button = QPushButton("Add…")
        self.add_bookmark_button.setToolTip("Bookmark the section you are reading, with a note.")
        self.add_bookmark_button.clicked.connect(self.add_bookmark_here)
        self.edit_note_button = QPushButton("Edit note…")
        self.edit_note_button.clicked.connect(self.edit_selected_note)
        self.delete_bookmark_button = QPushButton("Delete")
        self.delete_bookmark_button.clicked.connect(self.delete_selected_bookmark)
        for button in (self.add_bookmark_button, self.edit_note_button,
                       self.delete_bookmark_button):
            row.addWidget(button)
        layout.addLayout(row)
        return tab

    def _build_reader(self) -> QWidget:
        reader = QWidget()
        layout = QVBoxLayout(reader)
        layout.setContentsMargins(0, 6, 6, 6)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setObjectName("guideProblems")
        self.problems_label.hide()
        layout.addWidget(self.problems_label)
        layout.addLayout(self._build_toolbar())
        self.browser = GuideBrowser()
        self.browser.setObjectName("chapterView")
        self.browser.anchorClicked.connect(self._on_link_clicked)
        self.browser.highlighted.connect(self._on_link_hovered)
        bar = self.browser.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(lambda *_: self._apply_pending_position())
        layout.addWidget(self.browser, 1)
        practice = QHBoxLayout()
        practice.addWidget(QLabel("Practise this chapter:"))
        self.flashcards_button = QPushButton("Flashcards")
        self.flashcards_button.clicked.connect(self.practise_flashcards)
        self.quiz_button = QPushButton(f"Quick quiz ({QUICK_QUIZ_QUESTIONS} questions)")
        self.quiz_button.clicked.connect(self.practise_quiz)
        practice.addWidget(self.flashcards_button)
        practice.addWidget(self.quiz_button)
        practice.addStretch(1)
        layout.addLayout(practice)
        for key, slot in (("Alt+Left", self.previous_chapter), ("Alt+Right", self.next_chapter)):
            shortcut = QShortcut(QKeySequence(key), self,
                                 context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        return reader

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setToolTip("Previous chapter (Alt+Left)")
        self.prev_button.clicked.connect(self.previous_chapter)
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Next chapter (Alt+Right)")
        self.next_button.clicked.connect(self.next_chapter)
        self.position_label = QLabel()
        self.zoom_out_button = QPushButton("A−")
        self.zoom_out_button.setToolTip("Smaller text in the reader")
        self.zoom_out_button.clicked.connect(lambda: self.set_zoom(self.zoom_step - 1))
        self.zoom_in_button = QPushButton("A+")
        self.zoom_in_button.setToolTip("Larger text in the reader")
        self.zoom_in_button.clicked.connect(lambda: self.set_zoom(self.zoom_step + 1))
        for button in (self.zoom_out_button, self.zoom_in_button):
            button.setFixedWidth(44)
        self.bookmark_button = QPushButton("Bookmark…")
        self.bookmark_button.setToolTip("Bookmark this section, with a note")
        self.bookmark_button.clicked.connect(self.add_bookmark_here)
        self.read_button = QPushButton("Mark as read")
        self.read_button.setCheckable(True)
        self.read_button.clicked.connect(self.mark_read)
        self.print_button = QPushButton("Print / export PDF…")
        menu = QMenu(self.print_button)
        menu.addAction("Print…", self.print_chapter)
        menu.addAction("Export PDF…", self.export_pdf)
        self.print_button.setMenu(menu)
        left: list[QWidget] = [self.prev_button, self.next_button, self.position_label]
        right: list[QWidget] = [self.zoom_out_button, self.zoom_in_button,
                                self.bookmark_button, self.read_button, self.print_button]
        for widget in left:
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in right:
            bar.addWidget(widget)
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
        self._fill_toc()
        self.bookmark_list = state.bookmarks
        self._fill_bookmarks()
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
            self._select_in_toc(state.page.chapter_id, self.current_anchor())

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

    def _fill_toc(self) -> None:
        self.toc.blockSignals(True)
        self.toc.clear()
        for entry in self.toc_entries:
            mark = "✓ " if entry.read else "    "
            item = QTreeWidgetItem([f"{mark}{entry.title}"])
            item.setData(0, DATA_ROLE, (entry.chapter_id, ""))
            item.setToolTip(0, entry.summary or entry.title)
            for heading in entry.sections:
                child = QTreeWidgetItem([heading.title])
                child.setData(0, DATA_ROLE, (entry.chapter_id, heading.anchor))
                item.addChild(child)
            self.toc.addTopLevelItem(item)
        self.toc.blockSignals(False)

    def _fill_bookmarks(self) -> None:
        self.bookmarks.clear()
        for bookmark in self.bookmark_list:
            note = bookmark.note or "(no note)"
            item = QListWidgetItem(f"{bookmark.title}\n{note}")
            # Italics rather than a grey colour: it stays readable on a selected row.
            shown = html.escape(note) if bookmark.note else f"<i>{html.escape(note)}</i>"
            item.setData(HTML_ROLE, f"<b>{html.escape(bookmark.title)}</b><br>{shown}")
            item.setData(DATA_ROLE, bookmark.id)
            self.bookmarks.addItem(item)
        has = bool(self.bookmark_list)
        self.edit_note_button.setEnabled(has)
        self.delete_bookmark_button.setEnabled(has)

    # -- opening chapters ------------------------------------------------------------------
    def open_chapter(self, chapter_id: str, anchor: str = "") -> None:
        """Show a chapter, at ``anchor`` or else where the learner left it."""
        if (self.page is not None and self.page.chapter_id == chapter_id
                and self._rendered_dark == self.ctx.dark):
            self.scroll_to_anchor(anchor)
            self._select_in_toc(chapter_id, anchor)
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
        self._restoring = True
        try:
            self.browser.document().setDefaultStyleSheet(palette_css(dark) + guide_css(dark))
            self.browser.setHtml(page.html)
        finally:
            self._restoring = False
        if anchor:
            self.scroll_to_anchor(anchor)
        else:
            self._restore_fraction(page.position if fraction is None else fraction)
        self._update_controls()
        self._select_in_toc(page.chapter_id, anchor)

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
            button.setToolTip(f"Topics: {topics}" if button.isEnabled() else
                              f"No enabled question bank covers this chapter's topics "
                              f"({topics}).")

    def _select_in_toc(self, chapter_id: str, anchor: str) -> None:
        self.toc.blockSignals(True)
        try:
            for i in range(self.toc.topLevelItemCount()):
                item = self.toc.topLevelItem(i)
                if item is None or item.data(0, DATA_ROLE)[0] != chapter_id:
                    continue
                item.setExpanded(True)
                target = item
                for j in range(item.childCount()):
                    child = item.child(j)
                    if anchor and child is not None and child.data(0, DATA_ROLE)[1] == anchor:
                        target = child
                self.toc.setCurrentItem(target)
                self.toc.scrollToItem(target)
                break
        finally:
            self.toc.blockSignals(False)

    def previous_chapter(self) -> None:
        """Open the chapter before this one."""
        if self.page is not None and self.page.previous_id:
            self.open_chapter(self.page.previous_id)

    def next_chapter(self) -> None:
        """Open the chapter after this one."""
        if self.page is not None and self.page.next_id:
            self.open_chapter(self.page.next_id)

    def _on_toc_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        chapter_id, anchor = item.data(0, DATA_ROLE)
        if self.page is not None and self.page.chapter_id == chapter_id and not anchor:
            self._restore_fraction(0.0)  # the chapter's own row: back to its top
            return
        self.open_chapter(chapter_id, anchor)

    # -- position, sections and read marks --------------------------------------------------
    def current_fraction(self) -> float:
        """How far down the chapter the reader is, 0..1."""
        bar = self.browser.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0

    def _restore_fraction(self, fraction: float) -> None:
        self._pending_anchor = None
        self._pending_fraction = fraction
        self._apply_pending_position()

    def scroll_to_anchor(self, anchor: str) -> None:
        """Bring the section ``anchor`` to the top ("" for the chapter's top)."""
        if not anchor:
            self._restore_fraction(0.0)
            return
        self._pending_fraction = None
        self._pending_anchor = anchor
        self._apply_pending_position()

    def _apply_pending_position(self) -> None:
        """Scroll to the remembered place; re-run while the layout still grows."""
        bar = self.browser.verticalScrollBar()
        self._restoring = True
        try:
            if self._pending_anchor:
                top = self._anchor_tops().get(self._pending_anchor)
                if top is None:
                    self.browser.scrollToAnchor(self._pending_anchor)
                else:
                    bar.setValue(int(top))
            elif self._pending_fraction is not None:
                bar.setValue(round(self._pending_fraction * bar.maximum()))
        finally:
            self._restoring = False

    def _heading_blocks(self) -> list[QTextBlock]:
        blocks = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                blocks.append(block)
            block = block.next()
        return blocks

    def _anchor_tops(self) -> dict[str, float]:
        """Where each heading starts in the document (in scroll-bar units)."""
        if self.page is None:
            return {}
        blocks = self._heading_blocks()
        if len(blocks) != len(self.page.headings):
            return {}  # should not happen; callers fall back on Qt's own anchor lookup
        layout = self.browser.document().documentLayout()
        return {heading.anchor: layout.blockBoundingRect(block).top()
                for heading, block in zip(self.page.headings, blocks, strict=True)}

    def current_anchor(self) -> str:
        """The section being read: the last heading at or above the top of the view."""
        if self.page is None:
            return ""
        top = self.browser.verticalScrollBar().value() + HEADING_SLACK_PX
        current = ""
        for anchor, y in sorted(self._anchor_tops().items(), key=lambda kv: kv[1]):
            if y <= top:
                current = anchor
        return current

    def _on_scrolled(self, value: int) -> None:
        if self._restoring:
            return
        # The learner scrolled: stop steering towards a remembered place.
        self._pending_fraction = self._pending_anchor = None
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
        if self.page is not None and self._pending_anchor is None:
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

    # -- search ---------------------------------------------------------------------------
    def run_search(self) -> None:
        """Search for the words in the search box and list the hits."""
        query = self.search_box.text().strip()
        self.tabs.setCurrentIndex(1)
        if not query:
            self.hits = []
            self.results.clear()
            self.search_status.setText("Type words above and press Enter.")
            return
        service = self.service
        self.ctx.tasks.run(lambda: service.search(query),
                           on_done=lambda hits: self._show_hits(query, hits),
                           on_error=self.show_error)

    def _show_hits(self, query: str, hits: list[SearchHit]) -> None:
        self.hits = hits
        self.results.clear()
        for i, hit in enumerate(hits):
            item = QListWidgetItem(f"{hit.where}\n{hit.snippet_text}")
            item.setData(HTML_ROLE, f"<b>{html.escape(hit.where)}</b><br>{hit.snippet_html}")
            item.setData(DATA_ROLE, i)
            item.setToolTip("Open in the guide" if hit.kind is HitKind.SECTION else "Show")
            self.results.addItem(item)
        count = len(hits)
        if not count:
            text = f"No matches for “{query}”."
        elif count >= SEARCH_LIMIT:
            text = f"The best {count} matches for “{query}”. Click one to open it."
        else:
            text = f"{count} match{'es' if count != 1 else ''} for “{query}”. Click one to open it."
        self.search_status.setText(text)

    def _on_result_item(self, item: QListWidgetItem) -> None:
        index = item.data(DATA_ROLE)
        if isinstance(index, int) and 0 <= index < len(self.hits):
            self.open_hit(self.hits[index])

    def open_hit(self, hit: SearchHit) -> None:
        """Open a section hit in the reader; show a question or flashcard in a small dialog."""
        if hit.kind is HitKind.SECTION:
            self.open_chapter(hit.chapter_id, hit.anchor)
            return
        service = self.service
        self.ctx.tasks.run(lambda: service.preview(hit), on_done=self._show_preview,
                           on_error=self.show_error)

    def _show_preview(self, preview: ItemPreview) -> None:
        if self.preview_dialog is not None:
            self.preview_dialog.close()
        dialog = QDialog(self)
        dialog.setWindowTitle(preview.title)
        dialog.resize(520, 420)
        layout = QVBoxLayout(dialog)
        text = GuideBrowser()
        text.document().setDefaultStyleSheet(palette_css(self.ctx.dark))
        text.setHtml(preview.html)
        text.anchorClicked.connect(self._on_link_clicked)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.close)
        layout.addWidget(buttons)
        # Not modal: the learner can keep it beside the chapter while reading.
        dialog.show()
        self.preview_dialog = dialog

    # -- bookmarks -------------------------------------------------------------------------
    def _selected_bookmark(self) -> Bookmark | None:
        item = self.bookmarks.currentItem()
        if item is None:
            return None
        return next((b for b in self.bookmark_list if b.id == item.data(DATA_ROLE)), None)

    def _on_bookmark_item(self, item: QListWidgetItem) -> None:
        bookmark = next((b for b in self.bookmark_list if b.id == item.data(DATA_ROLE)), None)
        if bookmark is not None:
            self.open_chapter(bookmark.chapter_id, bookmark.anchor)

    def add_bookmark_here(self) -> None:
        """Bookmark the section being read, asking for an optional note."""
        if self.page is None:
            return
        anchor = self.current_anchor()
        heading = next((h for h in self.page.headings if h.anchor == anchor), None)
        where = heading.title if heading else self.page.title
        note = self.ask_text("Add bookmark", f"Bookmark “{where}”.\nYour note (optional):", "")
        if note is None:
            return
        chapter_id, service = self.page.chapter_id, self.service

        def done(result: tuple[Bookmark, Changes]) -> None:
            self.tabs.setCurrentIndex(2)
            self.status("Bookmark added.", 3000)
            self.ctx.bus.publish(result[1])

        self.ctx.tasks.run(lambda: service.add_bookmark(chapter_id, anchor, note),
                           on_done=done, on_error=self.show_error)

    def edit_selected_note(self) -> None:
        """Change the note of the selected bookmark."""
        bookmark = self._selected_bookmark()
        if bookmark is None:
            return
        note = self.ask_text("Edit note", f"Note for “{bookmark.title}”:", bookmark.note)
        if note is None:
            return
        service = self.service
        self.ctx.tasks.run(lambda: service.edit_note(bookmark.id, note),
                           on_done=lambda result: self.ctx.bus.publish(result[1]),
                           on_error=self.show_error)

    def delete_selected_bookmark(self) -> None:
        """Delete the selected bookmark after confirmation."""
        bookmark = self._selected_bookmark()
        if bookmark is None or not self.confirm(
                "Delete bookmark", f"Delete the bookmark “{bookmark.title}” and its note?"):
            return
        service = self.service
        self.ctx.tasks.run(lambda: service.delete_bookmark(bookmark.id),
                           on_done=self.ctx.bus.publish, on_error=self.show_error)

    # -- practice ---------------------------------------------------------------------------
    def _main_window_part(self, name: str) -> Any:
        return getattr(self.window(), name, None)

    def practise_flashcards(self) -> None:
        """Switch to the Flashcards section."""
        nav = self._main_window_part("nav")
        if nav is not None:
            nav.setCurrentRow(FLASHCARDS_ROW)

    def practise_quiz(self) -> None:
        """Start a short tutor-mode quiz on this chapter's topics."""
        nav, quiz = self._main_window_part("nav"), self._main_window_part("quiz")
        if self.page is None or nav is None or quiz is None:
            return
        nav.setCurrentRow(QUIZ_ROW)
        quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=QUICK_QUIZ_QUESTIONS,
                              topics=self.page.topics))

    # -- printing ----------------------------------------------------------------------------
    def _print_document(self) -> QTextDocument:
        # Paper is white whatever the screen theme, so print with the light colours.
        doc = QTextDocument(self)
        doc.setDefaultStyleSheet(palette_css(False) + guide_css(False))
        doc.setHtml(self.page.html if self.page else "")
        return doc

    def print_chapter(self) -> None:
        """Print the open chapter."""
        if self.page is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.page.title)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._print_document().print_(printer)

    def export_pdf(self, path: str | None = None) -> str | None:
        """Save the open chapter as a PDF (asking where when ``path`` is not given)."""
        if self.page is None:
            return None
        path = path or self.ask_path(str(Path.home() / f"{self.page.chapter_id}.pdf"))
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        printer.setDocName(self.page.title)
        self._print_document().print_(printer)
        self.status(f"Saved {path}", 6000)
        return path
