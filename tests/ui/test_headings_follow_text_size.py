"""Headings and big figures grow with View › Larger text, like the rest of the window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from mht_desktop.core.cards import CardState, Schedule, StudyCard
from mht_desktop.ui.main_window import MainWindow
from mht_desktop.ui.views.flashcard_review import card_html
from mht_desktop.ui.widgets.empty_state import EmptyState


def _headings(window: MainWindow) -> dict[str, float]:
    titles = [e.title_label for e in window.findChildren(EmptyState)]
    return {f"{label.objectName()}:{label.text()}": label.font().pointSizeF()
            for label in titles if isinstance(label, QLabel)}


def test_headings_scale_with_the_text_size(make_window: type, qtbot: QtBot) -> None:
    window = make_window()  # type: ignore[operator]
    window.set_text_scale(1.0)
    qtbot.wait(10)
    base = QApplication.font().pointSizeF()
    before = _headings(window)
    assert before and all(size > base for size in before.values())  # headings stand out
    try:
        window.set_text_scale(1.5)
        qtbot.wait(10)
        after = _headings(window)
        for name, size in before.items():
            assert after[name] == pytest.approx(size * 1.5, rel=0.02), name
    finally:
        window.set_text_scale(1.0)


def _card() -> StudyCard:
    return StudyCard(card_id=1, flashcard_id=1, bank_id="b", topic_id="t", front="Front",
                     back="Back", source="", tags=(),
                     schedule=Schedule(CardState.NEW, datetime(2026, 1, 1, tzinfo=UTC)))


def test_the_card_text_follows_the_text_size(make_window: type, qtbot: QtBot) -> None:
    window = make_window()  # type: ignore[operator]
    window.set_text_scale(1.0)
    small = card_html(_card(), "", back=False)
    try:
        window.set_text_scale(2.0)
        large = card_html(_card(), "", back=False)
    finally:
        window.set_text_scale(1.0)
    assert small != large and "font-size: 16.0pt" in small and "font-size: 32.0pt" in large
