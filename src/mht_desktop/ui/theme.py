"""Light, dark or follow-the-system colours, and the text size."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 10


class ThemeMode(Enum):
    """What the View ▸ Theme menu offers."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(32, 34, 37), QColor(24, 26, 28), QColor(230, 230, 230)
    accent = QColor(94, 160, 255)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor(40, 42, 46))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor(45, 48, 52))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(50, 52, 56))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.Highlight, accent)
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(0, 0, 0))
        p.setColor(group, QPalette.ColorRole.Link, accent)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(120, 120, 120))
    return p


def _light_palette() -> QPalette:
    p = QPalette()
    accent = QColor(25, 103, 210)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, QColor(246, 247, 249))
        p.setColor(group, QPalette.ColorRole.WindowText, QColor(28, 30, 33))
        p.setColor(group, QPalette.ColorRole.Base, QColor(255, 255, 255))
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor(240, 242, 245))
        p.setColor(group, QPalette.ColorRole.Text, QColor(28, 30, 33))
        p.setColor(group, QPalette.ColorRole.Button, QColor(236, 238, 241))
        p.setColor(group, QPalette.ColorRole.ButtonText, QColor(28, 30, 33))
        p.setColor(group, QPalette.ColorRole.Highlight, accent)
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        p.setColor(group, QPalette.ColorRole.Link, accent)
    return p


def is_dark(mode: ThemeMode) -> bool:
    """Whether ``mode`` means dark colours right now."""
    if mode is ThemeMode.SYSTEM:
        hints = QGuiApplication.styleHints()
        return hints.colorScheme() == Qt.ColorScheme.Dark
    return mode is ThemeMode.DARK


def apply_theme(app: QApplication, mode: ThemeMode, text_scale: float = 1.0) -> None:
    """Apply colours and text size to the whole application."""
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if is_dark(mode) else _light_palette())
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * text_scale)
    app.setFont(font)


def palette_css(dark: bool) -> str:
    """CSS for HTML we render (guide, rationales) that matches the theme."""
    if dark:
        text, muted, border, code, accent = "#e6e6e6", "#a8a8a8", "#4a4d52", "#2b2e33", "#5ea0ff"
    else:
        text, muted, border, code, accent = "#1c1e21", "#5f6368", "#d0d4da", "#f0f2f5", "#1967d2"
    return (
        f"body {{ color: {text}; line-height: 150%; }}"
        f"h1, h2, h3 {{ color: {text}; margin-top: 14px; }}"
        f"a {{ color: {accent}; }}"
        f"table {{ border-collapse: collapse; margin: 8px 0; }}"
        f"th, td {{ border: 1px solid {border}; padding: 4px 8px; }}"
        f"th {{ background: {code}; }}"
        f"code {{ background: {code}; }}"
        f"blockquote {{ color: {muted}; margin-left: 12px; }}"
        f".muted {{ color: {muted}; }}"
        f".right {{ color: #2e9d52; font-weight: bold; }}"
        f".wrong {{ color: #d93025; font-weight: bold; }}"
    )
