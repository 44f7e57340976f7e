"""A friendly "nothing here yet — do this next" panel shown by empty views."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.theme import relative_font

# A readable line length for the explanation, in average characters.
LINE_CHARACTERS = 70


class EmptyState(QWidget):
    """A title, an explanation and an optional action button, centred.

    The labels fill a centred column instead of being centred by the layout: a layout that
    aligns a word-wrapped label gives it its one-line size hint and ignores the height the
    wrapped text needs, which clipped the explanation top and bottom. In the column the label
    gets the column's width and the height its wrapped text needs at that width.
    """

    def __init__(self, title: str, text: str, action_text: str = "",
                 on_action: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        self.column = QWidget()
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.column.setSizePolicy(policy)
        outer.addWidget(self.column, 8)
        outer.addStretch(1)
        layout = QVBoxLayout(self.column)
        layout.addStretch(1)
        self.title_label = plain_label(title)
        self.title_label.setObjectName("emptyTitle")
        relative_font(self.title_label, 1.5, bold=True)
        self.text_label = plain_label(text)
        for label in (self.title_label, self.text_label):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.button: QPushButton | None = None
        if action_text and on_action is not None:
            self.button = QPushButton(action_text)
            self.button.clicked.connect(on_action)
            layout.addSpacing(8)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self._fit_line_length()

    def _fit_line_length(self) -> None:
        # The column is at most a readable line wide, measured in the current font so it
        # grows with the text size.
        width = self.text_label.fontMetrics().averageCharWidth() * LINE_CHARACTERS
        self.column.setMaximumWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # larger or smaller text
            self._fit_line_length()

    def set_text(self, title: str, text: str) -> None:
        """Change what the panel says."""
        self.title_label.setText(title)
        self.text_label.setText(text)
