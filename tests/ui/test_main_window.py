from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner


def make_window(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> MainWindow:
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, profile, tasks=ImmediateTaskRunner(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_visits_every_section(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == list(SECTIONS)
    # Only the section on screen is built; each of the others is built on its first visit.
    assert [type(v).__name__ for v in window.views] == ["GuideView"]
    for row in range(len(SECTIONS)):
        window.nav.setCurrentRow(row)
        view = window.view_at(row)
        assert window.stack.currentWidget() is view
        assert view.isVisible()
    assert [type(v).__name__ for v in window.views] == [
        "GuideView", "FlashcardsView", "QuizView", "PracticeView", "ProgressView", "BanksView",
        "ClassView"]
    assert window.stack.count() == len(SECTIONS)
    assert window.windowTitle() == "MHT Desktop — Ana"
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Help"]


def test_banks_view_empty_state_then_lists_an_import(qtbot: QtBot, ctx: AppContext,
                                                     tmp_path: Path,
                                                     sample_bank_file: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    window.nav.setCurrentRow(SECTIONS.index("Question banks"))
    assert window.banks.empty.isVisible()
    _report, changes = ctx.banks.import_file_now(sample_bank_file)
    window.publish(changes)
    assert not window.banks.empty.isVisible()
    assert window.banks.tree.topLevelItem(0).text(0) == "Sample bank"
    assert window.banks.tree.topLevelItem(0).childCount() == 2


def test_geometry_and_section_are_remembered(qtbot: QtBot, ctx: AppContext,
                                             tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    window.resize(700, 500)
    expected = window.size()  # at least the window's minimum width
    window.nav.setCurrentRow(3)
    window.close()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    again = MainWindow(ctx, ctx.profiles.list()[0], tasks=ImmediateTaskRunner(),
                       settings=settings)
    qtbot.addWidget(again)
    # The offscreen screen is only 800 px wide, so compare what fits on it.
    assert again.size().height() == expected.height() == 500
    assert again.nav.currentRow() == 3


def test_theme_and_text_size_are_per_profile(qtbot: QtBot, ctx: AppContext,
                                             tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    from mht_desktop.ui.theme import ThemeMode

    window.set_theme(ThemeMode.DARK)
    window.step_text_size(1)
    assert window.view_ctx.dark and window.text_scale() == 1.15
    other, _ = ctx.profiles.create("Ben")
    window.use_profile(other)
    assert window.theme_mode() is ThemeMode.SYSTEM and window.text_scale() == 1.0


def test_a_squashed_window_comes_back_usable(qtbot: QtBot, ctx: AppContext,
                                             tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    window.resize(700, 150)
    window.close()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    again = MainWindow(ctx, ctx.profiles.list()[0], tasks=ImmediateTaskRunner(),
                       settings=settings)
    qtbot.addWidget(again)
    assert again.height() >= 480 and again.width() >= 640
