"""A push button whose text wraps onto as many lines as the width needs.

Why: a ``QPushButton`` draws its text on one line and grows as wide as the text, so a long
drill choice ("Step back, keep your hands visible and say you will get the nurse") pushed
the window wider than a 1024-pixel screen or was cut off. This button draws its text in a
word-wrapping plain-text label inside it and tells layouts its height for a given width,
so a choice takes two or three lines instead. The label ignores the mouse and takes no
focus: clicks, keys and the focus frame stay the button's.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from mht_desktop.ui.rich_text import plain_label


class WrappingButton(QPushButton):
    """A button that shows its text as typed, wrapped to its width.

    ``text()`` and ``setText()`` work as on any button; the text itself is drawn by a child
    label (``label``), never by the button, so it never widens the button.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.label = plain_label("", self)
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.label.setForegroundRole(QPalette.ColorRole.ButtonText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(text)

    def text(self) -> str:
        """The button's text (drawn by the label)."""
        return self._text

    def setText(self, text: str) -> None:
        """Show ``text`` as typed, wrapped."""
        self._text = text
        self.label.setText(text)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else -1

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.totalSizeHint() if layout is not None else super().sizeHint()
        return hint.expandedTo(QSize(0, super().sizeHint().height()))

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        if layout is None:
            return super().minimumSizeHint()
        return layout.totalMinimumSize().expandedTo(QSize(0, super().minimumSizeHint().height()))
