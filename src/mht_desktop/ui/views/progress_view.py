"""Progress section (being built)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.widgets.empty_state import EmptyState


class ProgressView(SectionView):
    """Progress."""

    title = "Progress"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.empty = EmptyState("Progress", "Coming in this release.")
        layout.addWidget(self.empty)
