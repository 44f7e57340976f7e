"""A friendly "nothing here yet — do this next" panel shown by empty views."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from mht_desktop.ui.rich_text import plain_label


class EmptyState(QWidget):
    """A title, an explanation and an optional action button, centred."""

    def __init__(self, title: str, text: str, action_text: str = "",
                 on_action: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title_label = plain_label(title)
        self.title_label.setObjectName("emptyTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.text_label = plain_label(text)
        self.text_label.setWordWrap(True)
        self.text_label.setMinimumWidth(420)
        self.text_label.setMaximumWidth(560)
        for label in (self.title_label, self.text_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button: QPushButton | None = None
        if action_text and on_action is not None:
            self.button = QPushButton(action_text)
            self.button.clicked.connect(on_action)
            layout.addSpacing(8)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def set_text(self, title: str, text: str) -> None:
        """Change what the panel says."""
        self.title_label.setText(title)
        self.text_label.setText(text)
