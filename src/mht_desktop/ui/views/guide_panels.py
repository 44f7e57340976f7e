"""The guide sidebar's tabs: Contents, Search and Bookmarks.

They show what the guide view loaded on the DB lane and say, by signal, what the learner
picked; the view opens chapters and runs every service call.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.guide import Bookmark
from mht_desktop.services.guide import TocEntry
from mht_desktop.services.guide_search import SEARCH_LIMIT, HitKind, SearchHit
from mht_desktop.ui.rich_text import escape, plain_label, tooltip
from mht_desktop.ui.views.guide_widgets import DATA_ROLE, HTML_ROLE, rich_list

SEARCH_PROMPT = "Type words above and press Enter."


class SearchPanel(QWidget):
    """Search hits with their highlighted snippets."""

    hit_chosen = Signal(object)   # SearchHit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 2, 2)
        self.status = plain_label(SEARCH_PROMPT)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.results = rich_list()
        self.results.itemClicked.connect(self._on_item)
        self.results.itemActivated.connect(self._on_item)
        layout.addWidget(self.results, 1)
        self.hits: list[SearchHit] = []
        self.query = ""                   # the search the hits are for

    def clear(self) -> None:
        """No search: an empty list and the prompt."""
        self.hits, self.query = [], ""
        self.results.clear()
        self.status.setText(SEARCH_PROMPT)

    def show_hits(self, query: str, hits: list[SearchHit]) -> None:
        """List ``hits`` for ``query``, best first."""
        self.hits, self.query = hits, query
        self.results.clear()
        for i, hit in enumerate(hits):
            item = QListWidgetItem(f"{hit.where}\n{hit.snippet_text}")
            item.setData(HTML_ROLE,
                         f"<b>{escape(hit.where)}</b><br>{hit.snippet_html}")  # html-safe
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
        self.status.setText(text)

    def _on_item(self, item: QListWidgetItem) -> None:
        index = item.data(DATA_ROLE)
        if isinstance(index, int) and 0 <= index < len(self.hits):
            self.hit_chosen.emit(self.hits[index])


class BookmarksPanel(QWidget):
    """The learner's bookmarks and notes, with Add, Edit note and Delete."""

    bookmark_opened = Signal(object)   # Bookmark

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 2, 2)
        self.list = rich_list()
        self.list.itemClicked.connect(self._on_item)
        self.list.itemActivated.connect(self._on_item)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.add_button.setToolTip("Bookmark the section you are reading, with a note.")
        self.edit_button = QPushButton("Edit note…")
        self.delete_button = QPushButton("Delete")
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.bookmarks: list[Bookmark] = []

    def fill(self, bookmarks: list[Bookmark]) -> None:
        """Show ``bookmarks``, oldest first."""
        self.bookmarks = bookmarks
        self.list.clear()
        for bookmark in bookmarks:
            note = bookmark.note or "(no note)"
            item = QListWidgetItem(f"{bookmark.title}\n{note}")
            # Italics rather than a grey colour: it stays readable on a selected row.
            shown = escape(note) if bookmark.note else f"<i>{escape(note)}</i>"
            item.setData(HTML_ROLE, f"<b>{escape(bookmark.title)}</b><br>{shown}")  # html-safe
            item.setData(DATA_ROLE, bookmark.id)
            self.list.addItem(item)
        has = bool(bookmarks)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _find(self, item: QListWidgetItem | None) -> Bookmark | None:
        if item is None:
            return None
        return next((b for b in self.bookmarks if b.id == item.data(DATA_ROLE)), None)

    def selected(self) -> Bookmark | None:
        """The bookmark selected in the list, if any."""
        return self._find(self.list.currentItem())

    def _on_item(self, item: QListWidgetItem) -> None:
        bookmark = self._find(item)
        if bookmark is not None:
            self.bookmark_opened.emit(bookmark)


class ContentsTree(QTreeWidget):
    """The table of contents: chapters with a read mark, their sections beneath."""

    chosen = Signal(str, str)   # chapter id, anchor ("" for the chapter itself)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setWordWrap(True)
        self.itemClicked.connect(self._on_item)
        self.itemActivated.connect(self._on_item)

    def fill(self, entries: list[TocEntry]) -> None:
        """Show ``entries`` in reading order."""
        self.blockSignals(True)
        self.clear()
        for entry in entries:
            mark = "✓ " if entry.read else "    "
            item = QTreeWidgetItem([f"{mark}{entry.title}"])
            item.setData(0, DATA_ROLE, (entry.chapter_id, ""))
            item.setToolTip(0, tooltip(entry.summary or entry.title))
            for heading in entry.sections:
                child = QTreeWidgetItem([heading.title])
                child.setData(0, DATA_ROLE, (entry.chapter_id, heading.anchor))
                item.addChild(child)
            self.addTopLevelItem(item)
        self.blockSignals(False)

    def select(self, chapter_id: str, anchor: str) -> None:
        """Select the row of ``chapter_id`` (or of its section ``anchor``) without a signal."""
        self.blockSignals(True)
        try:
            for i in range(self.topLevelItemCount()):
                item = self.topLevelItem(i)
                if item is None or item.data(0, DATA_ROLE)[0] != chapter_id:
                    continue
                item.setExpanded(True)
                target = item
                for j in range(item.childCount()):
                    child = item.child(j)
                    if anchor and child is not None and child.data(0, DATA_ROLE)[1] == anchor:
                        target = child
                self.setCurrentItem(target)
                self.scrollToItem(target)
                break
        finally:
            self.blockSignals(False)

    def _on_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        chapter_id, anchor = item.data(0, DATA_ROLE)
        self.chosen.emit(chapter_id, anchor)
