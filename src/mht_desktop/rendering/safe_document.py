"""A rich-text document that loads nothing it was not handed.

Qt's ``QTextDocument`` resolves ``<img src>``, ``background=`` and CSS ``url()`` by reading the
named file itself: a bank whose text reached a document with ``<img src="/dev/zero">`` in it
made Qt read forever and abort the window. Everything we draw is either text, an image we
add with :meth:`QTextDocument.addResource` (served before :meth:`loadResource` is asked) or a
report's chart, which draws itself (:mod:`.chart_objects`), so refusing every load costs
nothing we ship.

Refusing must still *answer* an image request: when ``loadResource`` returns nothing, Qt's
image handler falls back to ``QImage::load(name)`` and opens the file itself (a named pipe then
blocks the window for ever). So an image request gets a blank one-pixel image instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QImage, QTextDocument


class SafeTextDocument(QTextDocument):
    """A ``QTextDocument`` whose :meth:`loadResource` refuses every file and URL.

    Attributes:
        refused: The resources something asked for and did not get (tests read it).
    """

    def __init__(self, parent: QObject | None = None,
                 loader: Callable[[int, QUrl | str], Any] | None = None) -> None:
        super().__init__(parent)
        self.refused: list[str] = []
        self._loader = loader  # the browser's own guard, when it knows a folder we ship

    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        """Refuse: nothing we ship is loaded by name, so a name came from someone's text."""
        if self._loader is not None:
            return self._loader(type_, name)
        return refuse_resource(self.refused, type_, name)


def refuse_resource(refused: list[str], type_: int, name: QUrl | str) -> Any:
    """Record a refused resource and answer with something that loads nothing.

    Args:
        refused: Where to note the name (tests read it).
        type_: The ``QTextDocument.ResourceType`` asked for.
        name: The URL or path the HTML named.

    Returns:
        A blank image for image requests (so Qt does not open the file itself), else None.
    """
    refused.append(QUrl(name).toString())
    if int(type_) == int(QTextDocument.ResourceType.ImageResource.value):
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(0)
        return blank
    return None
