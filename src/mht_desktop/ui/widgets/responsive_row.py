"""A row of panels that stacks them one above the other when the row is too narrow.

Side-by-side panels need the sum of their widths; at 1024 px with larger text that made a
section wider than the window, so it scrolled sideways. This row asks only for its widest
panel's width and, whenever it is narrower than all of them together, lays them out top to
bottom instead (the page then scrolls down, the way a reader expects).
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QWidget


class ResponsiveRow(QWidget):
    """Panels side by side when they fit, stacked when they do not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self._panels: list[QWidget] = []

    def add(self, panel: QWidget, stretch: int = 0) -> None:
        """Add ``panel`` after the others (``stretch`` shares out spare width)."""
        self._panels.append(panel)
        self.box.addWidget(panel, stretch)

    @property
    def stacked(self) -> bool:
        """Whether the panels are one above the other."""
        return self.box.direction() == QBoxLayout.Direction.TopToBottom

    def _side_by_side_width(self) -> int:
        shown = [p for p in self._panels if not p.isHidden()]
        return sum(max(p.minimumSizeHint().width(), p.minimumWidth()) for p in shown) \
            + self.box.spacing() * max(len(shown) - 1, 0)

    def minimumSizeHint(self) -> QSize:
        # Only the widest panel: narrower than the sum, the panels stack.
        width = max((max(p.minimumSizeHint().width(), p.minimumWidth())
                     for p in self._panels if not p.isHidden()), default=0)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        direction = (QBoxLayout.Direction.LeftToRight
                     if event.size().width() >= self._side_by_side_width()
                     else QBoxLayout.Direction.TopToBottom)
        if direction != self.box.direction():
            self.box.setDirection(direction)
            self.updateGeometry()
        super().resizeEvent(event)
