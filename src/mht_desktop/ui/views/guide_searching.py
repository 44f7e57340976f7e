"""The guide's search: run a query on the DB lane, list the hits, open the one picked.

A section hit opens its chapter at the section, with the words searched for highlighted
and the first of them brought into view (a reader who searched for "restraint" should not
have to hunt for it in the section). Question and flashcard hits open a small preview.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QLineEdit, QTextEdit

from mht_desktop.services.guide import ItemPreview
from mht_desktop.services.guide_search import HitKind, SearchHit, query_words, term_pattern
from mht_desktop.ui.theme import colours, palette_css
from mht_desktop.ui.views.guide_panels import SearchPanel
from mht_desktop.ui.views.guide_widgets import PreviewDialog

if TYPE_CHECKING:
    from mht_desktop.ui.views.guide_view import GuideView

SEARCH_TAB = 1
# A highlight over text already laid out: a cursor and a format, no markup at all.
ExtraSelection = QTextEdit.ExtraSelection


def find_words(document: QTextDocument, words: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of every word in ``document`` that begins with one of ``words``.

    The search matches the start of a word ("restrain" finds "restraints"), so the whole
    word is marked, as the hit's snippet marks it.
    """
    words = [w for w in words if w]
    if not words:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(term_pattern(w) for w in words) + r")\w*",
                         re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(document.toPlainText())]


class GuideSearch:
    """The search box, the Search tab and what happens when a hit is opened."""

    def __init__(self, view: GuideView) -> None:
        self.view = view
        self.box = QLineEdit()
        self.box.setAccessibleName("Search the guide, questions and flashcards")
        self.box.setPlaceholderText("Search the guide, questions and flashcards…")
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self.run)
        self.panel = SearchPanel()
        self.panel.hit_chosen.connect(self.open_hit)
        self.preview_dialog: PreviewDialog | None = None
        self.words: list[str] = []        # of the hit opened last; highlighted in the chapter
        self.matches: list[tuple[int, int]] = []

    def run(self) -> None:
        """Search for the words in the search box and list the hits."""
        view, query = self.view, self.box.text().strip()
        view.tabs.setCurrentIndex(SEARCH_TAB)
        if not query:
            self.panel.clear()
            return
        service = view.service
        view.ctx.tasks.run(lambda: service.search(query),
                           on_done=lambda hits: self.panel.show_hits(query, hits),
                           on_error=view.show_error)

    def open_hit(self, hit: SearchHit) -> None:
        """Open a section hit in the reader; show a question or flashcard in a small dialog."""
        view = self.view
        if hit.kind is HitKind.SECTION:
            view.open_chapter(hit.chapter_id, hit.anchor, words=query_words(self.panel.query))
            return
        service = view.service
        view.ctx.tasks.run(lambda: service.preview(hit), on_done=self._show_preview,
                           on_error=view.show_error)

    def _show_preview(self, preview: ItemPreview) -> None:
        if self.preview_dialog is not None:
            self.preview_dialog.close()
        view = self.view
        self.preview_dialog = PreviewDialog(preview, palette_css(view.ctx.dark),
                                            view._on_link_clicked, view)
        self.preview_dialog.show()

    # -- highlighting in the chapter --------------------------------------------------------
    def highlight(self, section_start: int) -> int | None:
        """Mark the searched words in the chapter shown; where the first one in the section is.

        Args:
            section_start: Document position where the opened section begins.

        Returns:
            The document position of the first match at or after ``section_start`` (or the
            first match of the chapter), or None when nothing is highlighted.
        """
        browser = self.view.browser
        self.matches = find_words(browser.document(), self.words)
        c = colours(self.view.ctx.dark)
        mark = QTextCharFormat()
        mark.setBackground(QColor(c.mark))
        mark.setForeground(QColor(c.mark_text))
        selections = []
        for start, end in self.matches:
            selection = ExtraSelection()
            cursor = QTextCursor(browser.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = mark
            selections.append(selection)
        browser.setExtraSelections(selections)
        if not self.matches:
            return None
        return next((s for s, _e in self.matches if s >= section_start), self.matches[0][0])

    def clear_highlight(self) -> None:
        """Forget the searched words (the learner opened a chapter another way)."""
        self.words, self.matches = [], []
        self.view.browser.setExtraSelections([])
