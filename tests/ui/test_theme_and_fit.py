"""Colours a learner can read, a theme that switches completely, a window that fits.

WCAG 2.2 AA: 4.5:1 for text, 3:1 for controls and the focus ring, in both themes. Switching
theme repaints every widget with the new palette. The window never opens or grows past a
small (1024×700) screen, and text size scales the sidebar too.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from tests.ui.conftest import WindowFactory

from mht_desktop.ui.main_window import SECTIONS, TEXT_SCALES
from mht_desktop.ui.theme import (
    CONTRAST_PAIRS,
    DARK,
    LIGHT,
    ThemeMode,
    contrast_ratio,
)

SMALL_SCREEN = (1024, 700)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_colour_pair_we_use_meets_wcag_aa(theme: object) -> None:
    failures = []
    for fg, bg, minimum, what in CONTRAST_PAIRS:
        ratio = contrast_ratio(getattr(theme, fg), getattr(theme, bg))
        if ratio < minimum:
            failures.append(f"{what}: {fg} on {bg} is {ratio:.2f}:1, needs {minimum}:1")
    assert failures == []


def test_the_contrast_formula_is_wcag_s() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def _visit_all(window: QWidget, qtbot: QtBot) -> None:
    for row in range(len(SECTIONS)):
        window.nav.setCurrentRow(row)  # type: ignore[attr-defined]
        qtbot.wait(5)


@pytest.mark.parametrize("first,second", [(ThemeMode.DARK, ThemeMode.LIGHT),
                                          (ThemeMode.LIGHT, ThemeMode.DARK)])
def test_switching_theme_leaves_no_widget_with_the_old_palette(
        make_window: WindowFactory, qtbot: QtBot, first: ThemeMode,
        second: ThemeMode) -> None:
    window = make_window()
    window.set_theme(first)
    _visit_all(window, qtbot)
    window.set_theme(second)
    qtbot.wait(20)  # Qt delivers the palette change to widgets through the event loop
    expected = LIGHT if second is ThemeMode.LIGHT else DARK
    stale = []
    for widget in QApplication.allWidgets():
        if not widget.isVisible() or widget.window() is not window:
            continue
        palette = widget.palette()
        for role, colour in ((QPalette.ColorRole.Window, expected.window),
                             (QPalette.ColorRole.WindowText, expected.window_text)):
            if palette.color(QPalette.ColorGroup.Active, role).name() != colour:
                stale.append(f"{type(widget).__name__} {widget.objectName()!r} {role.name} "
                             f"{palette.color(QPalette.ColorGroup.Active, role).name()}")
    assert stale == []


def test_a_first_start_on_a_small_screen_opens_inside_it(
        make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window()
    area = window.available_area()
    assert area is not None
    frame = window.frameGeometry()
    assert area.contains(frame), (area, frame)
    assert window.width() <= area.width() and window.height() <= area.height()


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_no_section_needs_more_than_a_small_screen(make_window: WindowFactory,
                                                   qtbot: QtBot, scale: float) -> None:
    window = make_window()
    window.set_text_scale(scale)
    too_big = {}
    for row, name in enumerate(SECTIONS):
        window.nav.setCurrentRow(row)
        qtbot.wait(5)
        need = window.minimumSizeHint()
        if need.width() > SMALL_SCREEN[0] or need.height() > SMALL_SCREEN[1]:
            too_big[name] = (need.width(), need.height())
    assert too_big == {}


def test_larger_text_grows_the_sidebar_and_reset_shrinks_it_back(
        make_window: WindowFactory) -> None:
    window = make_window()
    window.set_text_scale(1.0)
    normal = window.nav.width(), window.nav.font().pointSizeF()
    width_before = window.width()
    window.set_text_scale(TEXT_SCALES[-1])
    assert TEXT_SCALES[-1] >= 2.0
    assert window.nav.width() > normal[0]
    area = window.available_area()
    assert area is not None and window.width() <= area.width()
    window.set_text_scale(1.0)
    assert window.nav.width() == normal[0]
    assert window.width() <= max(width_before, area.width())
