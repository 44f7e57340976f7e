"""Learners see topic names, never internal topic ids ("hipaa-basics", "psychotropic-classes").

A bank whose topic ids differ from their titles is studied through the real window: the deck
list, the card browser (table, topic filter, card info), a quiz and its results, and the
Progress readiness list. Every piece of text on screen is gathered and searched for the ids.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot
from tests.conftest import SAMPLE_BANK
from tests.ui.conftest import WindowFactory

from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.ui.main_window import SECTIONS
from mht_desktop.ui.views.card_browser import CardBrowser

IDS = {"safety": "unit-safety-basics", "privacy": "psychotropic-classes"}


def _bank(tmp_path: Path) -> Path:
    text = SAMPLE_BANK
    for old, new in IDS.items():
        text = text.replace(f'id = "{old}"', f'id = "{new}"').replace(
            f'topic = "{old}"', f'topic = "{new}"')
    path = tmp_path / "ids.mhtbank.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _model_texts(model: QAbstractItemModel, parent: QModelIndex) -> list[str]:
    texts = []
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            value = model.data(index, Qt.ItemDataRole.DisplayRole)
            if value is not None:
                texts.append(str(value))
            if column == 0:
                texts += _model_texts(model, index)
    return texts


def screen_texts(root: QWidget) -> list[str]:
    """Every text ``root`` and its visible children show: labels, buttons, lists, pages."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QTextBrowser):
            texts.append(widget.toPlainText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts += _model_texts(widget.model(), QModelIndex())
        texts.append(widget.toolTip())
    return texts


def ids_shown(root: QWidget) -> list[str]:
    found = []
    for text in screen_texts(root):
        found += [f"{topic_id!r} in {text[:80]!r}" for topic_id in IDS.values()
                  if re.search(rf"\b{re.escape(topic_id)}\b", text)]
    return found


def test_no_learner_facing_text_shows_a_topic_id(make_window: WindowFactory, qtbot: QtBot,
                                                  ctx: AppContext, tmp_path: Path) -> None:
    ctx.banks.import_file_now(_bank(tmp_path))
    window = make_window("Flashcards")
    flashcards = window.flashcards
    flashcards.deck_tree.expandAll()
    assert "Safety" in screen_texts(flashcards) or any(
        "Safety" in t for t in screen_texts(flashcards))
    assert ids_shown(flashcards) == []

    browser = CardBrowser(window.view_ctx, flashcards.service, window)
    qtbot.addWidget(browser)
    browser.show()
    assert {browser.model.data(browser.model.index(r, 1))
            for r in range(browser.model.rowCount())} == {"Safety", "Privacy"}
    assert {browser.topic_box.itemText(i) for i in range(browser.topic_box.count())} \
        >= {"Safety", "Privacy"}
    browser.table.setCurrentIndex(browser.model.index(0, 0))
    browser.show_info()
    assert "Topic: " in browser.info_dialog.findChild(QTextBrowser).toPlainText()
    assert ids_shown(browser) == [] and ids_shown(browser.info_dialog) == []
    browser.close()

    quiz = window.quiz
    window.nav.setCurrentRow(SECTIONS.index("Quiz"))
    quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=3))
    assert ids_shown(quiz) == []
    while quiz.attempt is not None:
        quiz.choose(0)
        quiz.enter()       # submit the answer
        quiz.enter()       # next question, or the results after the last
    text = quiz.results_page.results_view.toPlainText()
    assert "Topic: Safety" in text or "Topic: Privacy" in text
    assert ids_shown(quiz) == []

    window.nav.setCurrentRow(SECTIONS.index("Progress"))
    qtbot.wait(10)
    assert ids_shown(window.progress) == []


def test_the_search_finds_an_id_on_screen(qtbot: QtBot) -> None:
    label = QLabel("Topic: psychotropic-classes")
    qtbot.addWidget(label)
    label.show()
    assert ids_shown(label) != []
