"""The main window's menu bar: File, Edit, View and Help, with their shortcuts.

The menus only call the window's own methods, so every action is also reachable (and
tested) without a menu; this module says which actions exist and under which key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from mht_desktop.ui.backup_dialog import create_backup, restore_from_backup
from mht_desktop.ui.theme import ThemeMode

if TYPE_CHECKING:
    from mht_desktop.ui.main_window import MainWindow

THEME_LABELS = ((ThemeMode.SYSTEM, "Follow system"), (ThemeMode.LIGHT, "Light"),
                (ThemeMode.DARK, "Dark"))


@dataclass(frozen=True, slots=True)
class WindowMenus:
    """The actions the window changes after the menus are built.

    Attributes:
        undo: Edit › Undo, renamed after the step it would take back.
        themes: View › Theme's choices, one checked.
        data: Every action that needs the learner's data (disabled until it is open).
    """

    undo: QAction
    themes: dict[ThemeMode, QAction]
    data: list[QAction]


def _action(window: MainWindow, menu: QMenu, text: str, slot: Callable[..., object],
            shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(window: MainWindow, section_titles: tuple[str, ...]) -> WindowMenus:
    """Fill ``window``'s menu bar.

    Args:
        window: The main window whose methods the actions call.
        section_titles: The navigation's titles, in order (View › section, Ctrl+1…).

    Returns:
        The actions the window updates later.
    """
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    data = [
        _action(window, file_menu, "&Import…", window.import_dialog, "Ctrl+I"),
        _action(window, file_menu, "&Print progress report…", window.print_report, "Ctrl+P"),
        _action(window, file_menu, "&Export…", window.export_menu, "Ctrl+E"),
    ]
    file_menu.addSeparator()
    data.append(_action(window, file_menu, "Create &backup", lambda: create_backup(window)))
    data.append(_action(window, file_menu, "&Restore from backup…",
                        lambda: restore_from_backup(window)))
    file_menu.addSeparator()
    profile_menu = file_menu.addMenu("Learner &profile")
    data.append(_action(window, profile_menu, "&Switch…", window.switch_profile))
    data.append(_action(window, profile_menu, "&New…", window.new_profile))
    data.append(_action(window, profile_menu, "&Rename…", window.rename_profile))
    data.append(_action(window, profile_menu, "&Delete…", window.delete_profile))
    file_menu.addSeparator()
    data.append(_action(window, file_menu, "Connect to a program &server…",
                        window.connect_to_server))
    data.append(_action(window, file_menu, "&Disconnect from the server",
                        window.disconnect_from_server))
    file_menu.addSeparator()
    _action(window, file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    undo = _action(window, edit, "&Undo", window.undo, QKeySequence.StandardKey.Undo)
    data.append(undo)
    for action in data:
        action.setEnabled(False)  # until the learner's data is open

    view = bar.addMenu("&View")
    for i, name in enumerate(section_titles):
        _action(window, view, name, lambda _=False, row=i: window.nav.setCurrentRow(row),
                f"Ctrl+{i + 1}")
    view.addSeparator()
    theme_menu = view.addMenu("&Theme")
    group = QActionGroup(window)
    themes: dict[ThemeMode, QAction] = {}
    for mode, label in THEME_LABELS:
        action = QAction(label, window, checkable=True)
        action.triggered.connect(lambda _=False, m=mode: window.set_theme(m))
        group.addAction(action)
        theme_menu.addAction(action)
        themes[mode] = action
    _action(window, view, "&Larger text", lambda: window.step_text_size(1), "Ctrl+=")
    _action(window, view, "&Smaller text", lambda: window.step_text_size(-1), "Ctrl+-")
    _action(window, view, "&Reset text size", lambda: window.set_text_scale(1.0), "Ctrl+0")

    help_menu = bar.addMenu("&Help")
    _action(window, help_menu, "&User guide", lambda: window.show_guide("user"))
    _action(window, help_menu, "&Instructor guide", lambda: window.show_guide("instructor"))
    _action(window, help_menu, "&Keyboard shortcuts", window.show_shortcuts, "F1")
    _action(window, help_menu, "&About MHT Desktop", window.show_about)
    return WindowMenus(undo=undo, themes=themes, data=data)
