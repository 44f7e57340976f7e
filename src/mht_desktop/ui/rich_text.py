"""Where bank and user text meets Qt rich text: labels, tooltips, message boxes, browsers.

Qt guesses: a ``QLabel``, a tooltip or a ``QMessageBox`` shows its text as HTML whenever the
text *looks* like HTML (``Qt::mightBeRichText``), and a rich-text document then loads every
``<img src>`` it names, from any local path. A bank title of ``<img src="/dev/zero">`` once made
the window read forever and abort. So, in every view:

- text that carries no markup of ours goes into a :func:`plain_label` or a plain
  :func:`show_message` box (Qt never guesses);
- text that goes *inside* our markup is escaped with
  :func:`~mht_desktop.services.text.escape_html` (re-exported here as :func:`escape`);
- tooltips are built by :func:`tooltip`;
- HTML views are :class:`SafeTextBrowser` (a :class:`SafeTextDocument` that loads nothing),
  and our own rich labels are :class:`RichLabel`, which refuses markup naming a resource.

``tests/ui/test_rich_text_sinks.py`` reads the UI source and fails on a rich-text sink that
bypasses these helpers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser, QWidget

from mht_desktop.core.escaping import escape_html
from mht_desktop.rendering.safe_document import SafeTextDocument, refuse_resource

__all__ = ["RichLabel", "SafeTextBrowser", "SafeTextDocument", "ask", "escape", "open_message",
           "plain_label", "show_message", "tooltip"]

escape = escape_html

# Markup that makes Qt fetch something: images, backgrounds, style sheets, CSS url().
# Only inside a tag: escaped bank text has no "<", so it never matches.
_RESOURCE_MARKUP = re.compile(
    r"<\s*(img|link|style)\b|<[^>]*(\bsrc\s*=|\bbackground\s*=|\burl\s*\()", re.IGNORECASE)

Button = QMessageBox.StandardButton


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that always shows ``text`` as typed (Qt never reads it as HTML)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


class RichLabel(QLabel):
    """A label for our own markup, with any bank text inside it escaped.

    A label's document cannot be replaced, so this guards the markup instead: HTML that names
    a resource (``<img>``, ``background=``, ``url(``…) is shown as plain text and never laid
    out, so a slip in escaping shows odd characters rather than reading a file.
    """

    def __init__(self, html: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(False)
        self.setText(html)

    def setText(self, html: str) -> None:
        """Show ``html`` (ours, with bank text escaped); markup naming a resource is refused."""
        if _RESOURCE_MARKUP.search(html):
            self.setTextFormat(Qt.TextFormat.PlainText)
        else:
            self.setTextFormat(Qt.TextFormat.RichText)
        super().setText(html)


class SafeTextBrowser(QTextBrowser):
    """A read-only HTML view that loads no file, image or URL, whatever its HTML names.

    Attributes:
        refused: Every resource the HTML asked for (the document's and the browser's own).
    """

    def __init__(self, parent: QWidget | None = None, *, shipped: Path | None = None) -> None:
        super().__init__(parent)
        # Regular files inside ``shipped`` (a folder we ship, e.g. the help guides' images)
        # may load; nothing else does.
        self._shipped = shipped.resolve() if shipped is not None else None
        self._safe_document = SafeTextDocument(self, self.loadResource)
        self._safe_document.setDefaultFont(self.font())
        self.setDocument(self._safe_document)
        self.setOpenExternalLinks(False)
        self.refused = self._safe_document.refused

    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        """Refuse (``setSource`` and link clicks come here instead of the document)."""
        url = QUrl(name)
        if self._shipped is not None and (url.isLocalFile() or not url.scheme()):
            path = (self._shipped / (url.toLocalFile() or url.path())).resolve()
            if path.is_relative_to(self._shipped) and path.is_file():
                return path.read_bytes()
        return refuse_resource(self.refused, type_, name)


def tooltip(text: str) -> str:
    """A tooltip showing ``text`` as typed, wrapped to a readable width.

    Qt guesses whether a tooltip is HTML; wrapping escaped text in a paragraph makes the
    guess always "yes, and there is no markup from the bank in it".
    """
    if not text:
        return ""
    body = escape_html(text).replace("\n", "<br>")
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def show_message(parent: QWidget | None, title: str, text: str, *,
            icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
            buttons: Button = Button.Ok, default: Button = Button.NoButton) -> Button:
    """Show a modal message box whose text is plain (never read as HTML); return the answer."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return Button(box.exec())


def open_message(parent: QWidget, title: str, text: str, *,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """Open a window-modal message box with plain text and return at once (nothing waits).

    For news about work already done (an export that left things out): the learner reads it
    when they like, and no code path blocks on it.
    """
    box = QMessageBox(icon, title, text, Button.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()
    return box


def ask(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    """A Yes/No question with plain text; the default is No unless ``default_yes``."""
    answer = show_message(parent, title, text, icon=QMessageBox.Icon.Question,
                     buttons=Button.Yes | Button.No,
                     default=Button.Yes if default_yes else Button.No)
    return answer == Button.Yes
