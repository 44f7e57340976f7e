"""Widgets of the guide section: a browser that fetches nothing, rich-text list rows.

Shared by the reader, the search and bookmarks lists and the preview dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QListView,
    QListWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.rendering.safe_document import SafeTextDocument
from mht_desktop.services.guide import ItemPreview
from mht_desktop.ui.rich_text import SafeTextBrowser, escape

HTML_ROLE = Qt.ItemDataRole.UserRole + 1
DATA_ROLE = Qt.ItemDataRole.UserRole


class GuideBrowser(SafeTextBrowser):
    """A text browser that loads nothing and never follows links by itself.

    Chapters and bank text come from files anyone can edit; refusing every resource means no
    chapter can make the app read a local file or fetch from (or report to) the network.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)


class RichTextDelegate(QStyledItemDelegate):
    """Draws a list row from the HTML in ``HTML_ROLE`` (hits with highlighted words)."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self._view = view

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                  width: int) -> QTextDocument:
        doc = SafeTextDocument()
        doc.setDocumentMargin(4)
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(HTML_ROLE)  # html-safe: rows escape their text
                        or escape(str(index.data() or ""))))
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


def rich_list() -> QListWidget:
    """A list whose rows are drawn from the HTML in ``HTML_ROLE``, wrapped to the width."""
    widget = QListWidget()
    widget.setItemDelegate(RichTextDelegate(widget))
    widget.setWordWrap(True)
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    widget.setAlternatingRowColors(True)
    return widget



class PreviewDialog(QDialog):
    """A question or flashcard found by search, in a small window beside the chapter.

    Not modal: the learner can keep it open while reading.
    """

    def __init__(self, preview: ItemPreview, css: str, on_link: Callable[[QUrl], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(preview.title)
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        text = GuideBrowser()
        text.document().setDefaultStyleSheet(css)
        text.setHtml(preview.html)  # html-safe: rendered by the guide service
        text.anchorClicked.connect(on_link)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
