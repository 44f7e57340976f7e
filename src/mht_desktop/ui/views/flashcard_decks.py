"""The flashcards deck list: the exam plan, today's limits, the decks and what to do with them.

The flashcards view reads the overview on the DB lane and hands it here to show; the buttons
are wired by the view.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.cards import Deck
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.services.study import DeckOverview
from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.widgets.flow_layout import flow_row


class DeckPage(QWidget):
    """The decks with their new / learning / due counts, and the study buttons below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.plan_label = plain_label()
        self.plan_label.setWordWrap(True)
        self.plan_label.setObjectName("examPlan")
        layout.addWidget(self.plan_label)
        self.limits_label = plain_label()
        self.limits_label.setWordWrap(True)
        layout.addWidget(self.limits_label)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Decks")
        self.tree.setAccessibleDescription("Choose a deck and press Enter to study it")
        self.tree.setHeaderLabels(["Deck", "New", "Learning", "Due"])
        # The deck names take the spare width; the counts are as wide as their numbers.
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)
        # Enter or Space on the highlighted deck starts studying it, as a double-click does.
        self.start_keys = []
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            shortcut = QShortcut(QKeySequence(key), self.tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            self.start_keys.append(shortcut)
        self.study_all_button = QPushButton("Study all due")
        self.study_all_button.setDefault(True)
        self.study_deck_button = QPushButton("Study this deck")
        self.cram_button = QPushButton("Cram this deck")
        self.cram_button.setToolTip("Practise every card of the deck without changing any "
                                    "schedule (for the night before an exam).")
        self.browse_button = QPushButton("Browse cards…")
        self.exam_button = QPushButton("Exam date and limits…")
        self.memory_button = QPushButton("Retention and Optimize…")
        self.memory_button.setToolTip("Desired retention, your true retention, and FSRS "
                                      "fitted to your own reviews.")
        # The buttons wrap onto a second row when the window is narrow or the text large.
        self.buttons = flow_row([self.study_all_button, self.study_deck_button,
                                 self.cram_button, self.browse_button, self.exam_button,
                                 self.memory_button])
        layout.addWidget(self.buttons)

    def show_overview(self, overview: DeckOverview) -> LearnerSettings:
        """Fill the deck tree, the plan and the limits; return the learner's settings."""
        self.tree.clear()
        current: QTreeWidgetItem | None = None
        for deck in overview.decks:
            item = QTreeWidgetItem([deck.title, str(deck.new), str(deck.learning),
                                    str(deck.due)])
            item.setData(0, Qt.ItemDataRole.UserRole, Deck(deck.bank_id, deck.topic_id))
            for col in (1, 2, 3):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            if deck.topic_id is None:
                self.tree.addTopLevelItem(item)
                current = item
            elif current is not None:
                current.addChild(item)
        if overview.plan is not None:
            self.plan_label.setText(overview.plan.message())
            self.plan_label.show()
        else:
            self.plan_label.setText("Tip: set your exam date (Exam date and limits…) and we "
                                    "will tell you whether you are on track.")
        settings = overview.settings or LearnerSettings()
        self.limits_label.setText(
            f"Today you can still see {overview.new_limit_left} new card(s) "
            f"(limit {settings.new_per_day}) and {overview.review_limit_left} review(s) "
            f"(limit {settings.reviews_per_day}).")
        first = self.tree.topLevelItem(0)
        if first is not None and self.tree.currentItem() is None:
            self.tree.setCurrentItem(first)
        return settings

    def selected_deck(self) -> Deck:
        """The highlighted deck (all decks when none is)."""
        item = self.tree.currentItem()
        if item is None:
            return Deck()
        deck = item.data(0, Qt.ItemDataRole.UserRole)
        return deck if isinstance(deck, Deck) else Deck()

    def selected_title(self) -> str:
        """The highlighted deck's title as the list shows it."""
        item = self.tree.currentItem()
        return item.text(0) if item is not None else ""
