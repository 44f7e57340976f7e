"""Where the guide reader is in a chapter: scroll fraction, sections, remembered places.

A chapter's layout grows after ``setHtml`` (images, wrapping at the final width), so a
place to scroll to is remembered and applied again each time the scroll range changes, until
the learner scrolls by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QTextBlock
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolBar,
    QWidget,
)

from mht_desktop.core.guide import Heading

HEADING_SLACK_PX = 12                    # a heading just below the top still counts as current


class ReaderPosition:
    """Scroll position and sections of the chapter shown in ``browser``."""

    def __init__(self, browser: QTextBrowser) -> None:
        self.browser = browser
        self.restoring = False           # True while scrolling on the learner's behalf
        self._pending_fraction: float | None = None
        self._pending_anchor: str | None = None
        self._pending_match: int | None = None   # a searched word to keep in view

    @property
    def steering_to_anchor(self) -> bool:
        """Whether a section is still being scrolled to."""
        return self._pending_anchor is not None

    def current_fraction(self) -> float:
        """How far down the chapter the reader is, 0..1."""
        bar = self.browser.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0

    def restore_fraction(self, fraction: float) -> None:
        """Scroll to ``fraction`` of the chapter (and keep it there while layout grows)."""
        self._pending_anchor = self._pending_match = None
        self._pending_fraction = fraction
        self.apply_pending()

    def scroll_to_anchor(self, anchor: str, headings: Sequence[Heading]) -> None:
        """Bring the section ``anchor`` to the top ("" for the chapter's top)."""
        if not anchor:
            self.restore_fraction(0.0)
            return
        self._pending_fraction = self._pending_match = None
        self._pending_anchor = anchor
        self.apply_pending(headings)

    def scroll_to_match(self, position: int, anchor: str, headings: Sequence[Heading]) -> None:
        """Bring section ``anchor`` to the top, or lower if the text at ``position`` needs it.

        The section's heading stays at the top when the match is on the first screen of it;
        a match further down is shown a third of the way down the view.
        """
        self._pending_fraction = None
        self._pending_anchor = anchor
        self._pending_match = position
        self.apply_pending(headings)

    def forget_pending(self) -> None:
        """The learner scrolled: stop steering towards a remembered place."""
        self._pending_fraction = self._pending_anchor = self._pending_match = None

    def apply_pending(self, headings: Sequence[Heading] = ()) -> None:
        """Scroll to the remembered place; re-run while the layout still grows."""
        bar = self.browser.verticalScrollBar()
        self.restoring = True
        try:
            if self._pending_anchor:
                top = self.anchor_tops(headings).get(self._pending_anchor)
                if top is None:
                    self.browser.scrollToAnchor(self._pending_anchor)
                else:
                    bar.setValue(int(top))
            elif self._pending_fraction is not None:
                bar.setValue(round(self._pending_fraction * bar.maximum()))
            elif self._pending_match is not None:
                bar.setValue(0)  # a hit on the chapter itself: start from its top
            if self._pending_match is not None:
                self._show_position(self._pending_match)
        finally:
            self.restoring = False

    def position_top(self, position: int) -> tuple[float, float]:
        """Top and height of the line holding document ``position`` (scroll-bar units)."""
        document = self.browser.document()
        block = document.findBlock(position)
        top = document.documentLayout().blockBoundingRect(block).top()
        layout = block.layout()
        line = layout.lineForTextPosition(position - block.position()) if layout else None
        if line is None or not line.isValid():
            return top, 0.0
        return top + line.y(), line.height()

    def _show_position(self, position: int) -> None:
        bar = self.browser.verticalScrollBar()
        top, height = self.position_top(position)
        view = self.browser.viewport().height()
        if top < bar.value() or top + height > bar.value() + view:
            bar.setValue(int(top - view / 3))

    def anchor_position(self, anchor: str, headings: Sequence[Heading]) -> int:
        """The document position where section ``anchor`` begins (0 if unknown)."""
        blocks = self._heading_blocks()
        if not anchor or len(blocks) != len(headings):
            return 0
        return next((block.position() for heading, block in zip(headings, blocks, strict=True)
                     if heading.anchor == anchor), 0)

    def _heading_blocks(self) -> list[QTextBlock]:
        blocks = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                blocks.append(block)
            block = block.next()
        return blocks

    def anchor_tops(self, headings: Sequence[Heading]) -> dict[str, float]:
        """Where each heading starts in the document (in scroll-bar units)."""
        if not headings:
            return {}
        blocks = self._heading_blocks()
        if len(blocks) != len(headings):
            return {}  # should not happen; callers fall back on Qt's own anchor lookup
        layout = self.browser.document().documentLayout()
        return {heading.anchor: layout.blockBoundingRect(block).top()
                for heading, block in zip(headings, blocks, strict=True)}

    def current_anchor(self, headings: Sequence[Heading]) -> str:
        """The section being read: the last heading at or above the top of the view."""
        top = self.browser.verticalScrollBar().value() + HEADING_SLACK_PX
        current = ""
        for anchor, y in sorted(self.anchor_tops(headings).items(), key=lambda kv: kv[1]):
            if y <= top:
                current = anchor
        return current


class ReaderToolbar(QWidget):
    """Previous and next chapter, where we are, text size, bookmark, read mark, print."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setToolTip("Previous chapter (Alt+Left)")
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Next chapter (Alt+Right)")
        self.position_label = QLabel()
        self.zoom_out_button = QPushButton("A−")
        self.zoom_out_button.setToolTip("Smaller text in the reader")
        self.zoom_in_button = QPushButton("A+")
        self.zoom_in_button.setToolTip("Larger text in the reader")
        for button in (self.zoom_out_button, self.zoom_in_button):
            button.setFixedWidth(44)
        self.bookmark_button = QPushButton("Bookmark…")
        self.bookmark_button.setToolTip("Bookmark this section, with a note")
        self.read_button = QPushButton("Mark as read")
        self.read_button.setCheckable(True)
        self.print_button = QPushButton("Print / export PDF…")
        self.print_menu = QMenu(self.print_button)
        self.print_button.setMenu(self.print_menu)
        # A tool bar, not a row of buttons: on a narrow window (a 1024-px laptop, larger text)
        # the buttons that do not fit move behind its » menu instead of forcing the window
        # wider than the screen.
        self.tool_bar = QToolBar("Reader", self)
        self.tool_bar.setObjectName("reader-toolbar")
        left: list[QWidget] = [self.prev_button, self.next_button, self.position_label]
        right: list[QWidget] = [self.zoom_out_button, self.zoom_in_button,
                                self.bookmark_button, self.read_button, self.print_button]
        for widget in left:
            self.tool_bar.addWidget(widget)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.tool_bar.addWidget(spacer)
        for widget in right:
            self.tool_bar.addWidget(widget)
        bar.addWidget(self.tool_bar)
