"""Every section at 1024×700, in both themes, at 100 %, 150 % and 200 % text size.

What a learner saw: empty-state explanations clipped top and bottom (a word-wrapped label
given its one-line height), rows of buttons that made a section scroll sideways at 1024 px,
a window that needed more than a small screen. Each is checked here on the real window:

- at 100 % and 150 % the window's minimum size fits 1024×700 and no section scrolls sideways;
- at every size, every label of an empty state shows all of its text: it is as tall as its
  wrapped text needs at its width (``heightForWidth``), as wide as its longest word, and lies
  inside its parent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot
from tests.ui.conftest import WindowFactory

from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.theme import ThemeMode
from mht_desktop.ui.widgets.empty_state import EmptyState

SMALL = (1024, 700)
THEMES = [ThemeMode.LIGHT, ThemeMode.DARK]
SCALES = [1.0, 1.5, 2.0]
# Every section's page reflows (wraps its rows, stacks its panels) at 1024 px rather than
# scrolling sideways, at 100 % and 150 % text.
REFLOWING = {"Flashcards", "Quiz", "Progress", "Question banks", "Guide", "Practice", "Class"}


def test_every_section_is_checked_for_reflow() -> None:
    assert set(SECTIONS) == REFLOWING  # a new section joins the check


def _open(window: MainWindow, qtbot: QtBot, theme: ThemeMode, scale: float) -> None:
    window.set_theme(theme)
    window.set_text_scale(scale)
    window.resize(*SMALL)
    qtbot.wait(10)


def _sections(window: MainWindow, qtbot: QtBot) -> Iterator[tuple[str, QWidget]]:
    """Show each section in turn (check it before asking for the next)."""
    for row, name in enumerate(SECTIONS):
        window.nav.setCurrentRow(row)
        qtbot.wait(10)  # layouts settle (and heights-for-width resolve) in the event loop
        QApplication.processEvents()
        yield name, window.stack.currentWidget()


def label_problems(label: QLabel) -> list[str]:
    """Why ``label`` does not show all of its text where it is (empty when it does)."""
    problems = []
    text = label.text().replace("\n", " ")[:40]
    need = label.minimumSizeHint()
    if label.wordWrap():
        tall = label.heightForWidth(label.width())
        if label.height() < tall:
            problems.append(f"{text!r}: {label.height()} px high, its text needs {tall}")
    elif label.width() < label.sizeHint().width():
        problems.append(f"{text!r}: {label.width()} px wide, its text needs "
                        f"{label.sizeHint().width()}")
    if label.width() < need.width():
        problems.append(f"{text!r}: narrower than its longest word ({need.width()} px)")
    parent = label.parentWidget()
    if parent is not None and not QRect(parent.rect()).contains(label.geometry()):
        problems.append(f"{text!r}: {label.geometry()} sticks out of its parent "
                        f"{parent.rect()}")
    return problems


def _empty_state_problems(section: QWidget) -> list[str]:
    problems = []
    for empty in section.findChildren(EmptyState):
        if not empty.isVisible():
            continue
        for label in empty.findChildren(QLabel):
            if label.isVisible() and label.text():
                problems += label_problems(label)
    return problems


def _sideways(window: MainWindow, section: QWidget) -> list[str]:
    """Scroll areas of the page (not item lists) that scroll sideways."""
    areas = [window.scroller, *section.findChildren(QScrollArea)]
    return [f"{area.objectName() or type(area).__name__}: {area.horizontalScrollBar().maximum()} "
            "px to scroll" for area in areas
            if area.isVisible() and area.horizontalScrollBar().maximum() > 0]


@pytest.mark.parametrize("scale", SCALES, ids=["100%", "150%", "200%"])
@pytest.mark.parametrize("theme", THEMES, ids=["light", "dark"])
def test_every_section_fits_and_no_empty_state_clips_its_text(
        make_window: WindowFactory, qtbot: QtBot, theme: ThemeMode, scale: float) -> None:
    window = make_window()
    _open(window, qtbot, theme, scale)
    clipped: dict[str, list[str]] = {}
    too_big: dict[str, tuple[int, int]] = {}
    sideways: dict[str, list[str]] = {}
    empty_seen = 0
    for name, section in _sections(window, qtbot):
        empty_seen += sum(e.isVisible() for e in section.findChildren(EmptyState))
        if problems := _empty_state_problems(section):
            clipped[name] = problems
        if scale <= 1.5:
            need = window.minimumSizeHint()
            if need.width() > SMALL[0] or need.height() > SMALL[1]:
                too_big[name] = (need.width(), need.height())
            if name in REFLOWING and (problems := _sideways(window, section)):
                sideways[name] = problems
    assert empty_seen >= 3  # a new learner: Flashcards, Progress, Practice at least
    assert clipped == {}
    assert too_big == {}
    assert sideways == {}


@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["100%", "150%"])
def test_with_a_bank_the_flashcards_and_quiz_pages_reflow_instead_of_scrolling_sideways(
        make_window: WindowFactory, qtbot: QtBot, ctx: AppContext, sample_bank_file: Path,
        scale: float) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    window = make_window()
    _open(window, qtbot, ThemeMode.LIGHT, scale)
    sideways = {}
    for name, section in _sections(window, qtbot):
        if name in REFLOWING and (problems := _sideways(window, section)):
            sideways[name] = problems
    assert sideways == {}
    # The flashcard buttons wrapped onto more than one row rather than widening the page.
    window.nav.setCurrentRow(SECTIONS.index("Flashcards"))
    qtbot.wait(10)
    assert window.flashcards.deck_page.isVisible()
    buttons = window.flashcards.decks.buttons.findChildren(QPushButton)
    rows = {b.geometry().top() for b in buttons if b.isVisible()}
    assert scale == 1.0 or len(rows) > 1


def test_the_checker_sees_a_clipped_label(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    label = QLabel("A long explanation that wraps over several lines " * 4, parent)
    label.setWordWrap(True)
    label.setGeometry(0, 0, 200, 20)   # one line's height for several lines of text
    parent.resize(300, 300)
    assert any("high" in p for p in label_problems(label))
    label.setGeometry(0, 0, 200, label.heightForWidth(200))
    assert label_problems(label) == []
    label.setGeometry(150, 0, 200, label.heightForWidth(200))   # half outside its parent
    assert any("sticks out" in p for p in label_problems(label))
