"""Light, dark or follow-the-system colours, and the text size.

Both palettes are complete — every colour role in the active, inactive and disabled groups —
so switching theme while the app runs leaves nothing from the other palette behind, and
disabled controls in the dark theme are dark, not light blocks. Fusion draws the outline of a
check box or radio button from the window colour made darker, which is invisible on a dark
window; :class:`ThemedStyle` draws those indicators and the keyboard-focus ring itself, with
colours that meet WCAG 2.2 AA (3:1 for controls and focus, 4.5:1 for text: see
:data:`CONTRAST_PAIRS`, checked by ``tests/ui/test_theme_contrast.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

BASE_POINT_SIZE = 10
Role = QPalette.ColorRole
Group = QPalette.ColorGroup


class ThemeMode(Enum):
    """What the View ▸ Theme menu offers."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Colours:
    """One theme's colours, by what they are for."""

    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    link: str
    placeholder: str
    muted: str
    disabled_text: str
    disabled_button: str
    control_border: str   # check box and radio outlines, input frames
    focus: str            # the keyboard-focus ring
    tooltip_base: str
    tooltip_text: str
    right: str            # "correct" text
    wrong: str            # "wrong" text
    mark: str = "#ffe08a"         # behind words a search found (the guide reader)
    mark_text: str = "#1c1e21"    # those words


LIGHT = Colours(
    window="#f6f7f9", window_text="#1c1e21", base="#ffffff", alternate_base="#f0f2f5",
    text="#1c1e21", button="#eceef1", button_text="#1c1e21", highlight="#1967d2",
    highlighted_text="#ffffff", link="#1558b0", placeholder="#5f6368", muted="#5f6368",
    disabled_text="#8a8f96", disabled_button="#e3e5e8", control_border="#6b7079",
    focus="#1967d2", tooltip_base="#ffffff", tooltip_text="#1c1e21", right="#1e7e3e",
    wrong="#c5221f")

DARK = Colours(
    window="#202225", window_text="#e6e6e6", base="#181a1c", alternate_base="#282a2e",
    text="#e6e6e6", button="#2d3034", button_text="#e6e6e6", highlight="#5ea0ff",
    highlighted_text="#000000", link="#8ab8ff", placeholder="#a8abb0", muted="#b0b3b8",
    disabled_text="#7d8187", disabled_button="#26282b", control_border="#9aa0a6",
    focus="#8ab8ff", tooltip_base="#323438", tooltip_text="#e6e6e6", right="#6fcf8e",
    wrong="#ff8a80", mark="#7a5c00", mark_text="#ffffff")

# (foreground, background, minimum ratio, what it is): the pairs WCAG 2.2 AA asks about.
CONTRAST_PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("window_text", "window", 4.5, "labels on the window"),
    ("text", "base", 4.5, "text in lists and fields"),
    ("text", "alternate_base", 4.5, "text on alternate rows"),
    ("button_text", "button", 4.5, "button labels"),
    ("highlighted_text", "highlight", 4.5, "selected items"),
    ("link", "base", 4.5, "links"),
    ("placeholder", "base", 4.5, "placeholder text"),
    ("muted", "window", 4.5, "secondary text"),
    ("tooltip_text", "tooltip_base", 4.5, "tool tips"),
    ("right", "base", 4.5, "'correct' text"),
    ("wrong", "base", 4.5, "'wrong' text"),
    ("mark_text", "mark", 4.5, "words a search found, marked in the guide"),
    ("control_border", "window", 3.0, "check box and radio outlines on the window"),
    ("control_border", "base", 3.0, "check box and radio outlines in lists"),
    ("focus", "window", 3.0, "focus ring on the window"),
    ("focus", "base", 3.0, "focus ring in lists"),
    ("highlight", "window", 3.0, "the selected item's block against the window"),
)


def colours(dark: bool) -> Colours:
    """The colours of the dark or the light theme."""
    return DARK if dark else LIGHT


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    roles = {
        Role.Window: c.window, Role.WindowText: c.window_text, Role.Base: c.base,
        Role.AlternateBase: c.alternate_base, Role.Text: c.text, Role.Button: c.button,
        Role.ButtonText: c.button_text, Role.BrightText: c.wrong, Role.Highlight: c.highlight,
        Role.HighlightedText: c.highlighted_text, Role.Link: c.link, Role.LinkVisited: c.link,
        Role.PlaceholderText: c.placeholder, Role.ToolTipBase: c.tooltip_base,
        Role.ToolTipText: c.tooltip_text, Role.Light: c.button, Role.Midlight: c.button,
        Role.Mid: c.control_border, Role.Dark: c.control_border, Role.Shadow: c.control_border,
        Role.Accent: c.highlight,
    }
    for group in (Group.Active, Group.Inactive, Group.Disabled):
        for role, value in roles.items():
            p.setColor(group, role, QColor(value))
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.PlaceholderText):
        p.setColor(Group.Disabled, role, QColor(c.disabled_text))
    p.setColor(Group.Disabled, Role.Button, QColor(c.disabled_button))
    p.setColor(Group.Disabled, Role.Base, QColor(c.window))
    p.setColor(Group.Disabled, Role.Highlight, QColor(c.disabled_text))
    return p


class ThemedStyle(QProxyStyle):
    """Fusion, with check boxes, radio buttons and the focus ring drawn to be seen."""

    def __init__(self, dark: bool) -> None:
        super().__init__("Fusion")
        self.colours = colours(dark)

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element in (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
                       QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck):
            self._check_box(option, painter)
        elif element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            self._radio(option, painter)
        elif element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            self._focus_ring(option, painter)
        else:
            super().drawPrimitive(element, option, painter, widget)

    def _pens(self, option: QStyleOption) -> tuple[QColor, QColor, QColor]:
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        c = self.colours
        border = QColor(c.control_border if enabled else c.disabled_text)
        fill = QColor(c.base if enabled else c.window)
        mark = QColor(c.highlight if enabled else c.disabled_text)
        return border, fill, mark

    def _check_box(self, option: QStyleOption, painter: QPainter) -> None:
        border, fill, mark = self._pens(option)
        rect = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        on = bool(option.state & QStyle.StateFlag.State_On)
        partial = bool(option.state & QStyle.StateFlag.State_NoChange)
        painter.setPen(QPen(mark if (on or partial) else border, 1.5))
        painter.setBrush(mark if on else fill)
        painter.drawRoundedRect(rect, 2.5, 2.5)
        if on:
            # The tick is the mark's opposite colour, so "checked" is a shape, not only a fill.
            painter.setPen(QPen(QColor(self.colours.highlighted_text), 2.0))
            w, h, x, y = rect.width(), rect.height(), rect.x(), rect.y()
            painter.drawPolyline([QPointF(x + w * 0.22, y + h * 0.52),
                                  QPointF(x + w * 0.42, y + h * 0.72),
                                  QPointF(x + w * 0.78, y + h * 0.30)])
        elif partial:
            painter.setPen(QPen(mark, 2.0))
            mid = rect.center().y()
            painter.drawLine(QPointF(rect.x() + 3, mid), QPointF(rect.right() - 3, mid))
        painter.restore()

    def _radio(self, option: QStyleOption, painter: QPainter) -> None:
        border, fill, mark = self._pens(option)
        rect = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        on = bool(option.state & QStyle.StateFlag.State_On)
        painter.setPen(QPen(mark if on else border, 1.5))
        painter.setBrush(fill)
        painter.drawEllipse(rect)
        if on:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(mark)
            inset = rect.width() * 0.27
            painter.drawEllipse(rect.adjusted(inset, inset, -inset, -inset))
        painter.restore()

    def _focus_ring(self, option: QStyleOption, painter: QPainter) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(self.colours.focus), 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(option.rect).adjusted(1, 1, -1, -1), 3, 3)
        painter.restore()


def is_dark(mode: ThemeMode) -> bool:
    """Whether ``mode`` means dark colours right now."""
    if mode is ThemeMode.SYSTEM:
        hints = QGuiApplication.styleHints()
        return hints.colorScheme() == Qt.ColorScheme.Dark
    return mode is ThemeMode.DARK


def apply_theme(app: QApplication, mode: ThemeMode, text_scale: float = 1.0) -> None:
    """Apply colours and text size to the whole application.

    A new style instance makes Qt re-polish every widget, style-sheeted ones included, so
    nothing keeps the colours of the theme it was built in.
    """
    dark = is_dark(mode)
    app.setStyle(ThemedStyle(dark))
    palette = _palette(colours(dark))
    app.setPalette(palette)
    # Desktop platform themes (X11, Windows) give menus a palette of their own, which would
    # keep a light menu bar on a dark window.
    for class_name in ("QMenuBar", "QMenu", "QToolTip"):
        app.setPalette(palette, class_name)  # type: ignore[arg-type]  # takes str at run time
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * text_scale)
    app.setFont(font)
    _resize_relative_fonts(app)


# A font set on a widget stops following the application's, so a heading sized once at
# start-up would stay small after View › Larger text. Such widgets carry their factor in this
# property, and apply_theme re-sizes them whenever it changes the application font. (Qt's own
# ApplicationFontChange event skips widgets under a style sheet, so it cannot be relied on.)
_FONT_FACTOR = "mhtFontFactor"


def relative_font(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    """Give ``widget`` a font ``factor`` times the application's, now and after text-size
    changes (headings, big figures)."""
    font = QFont(widget.font())
    if bold:
        font.setBold(True)
    font.setPointSizeF(QApplication.font().pointSizeF() * factor)
    widget.setFont(font)
    widget.setProperty(_FONT_FACTOR, factor)


def _resize_relative_fonts(app: QApplication) -> None:
    size = app.font().pointSizeF()
    for widget in app.allWidgets():
        factor = widget.property(_FONT_FACTOR)
        if isinstance(factor, float):
            font = QFont(widget.font())
            font.setPointSizeF(size * factor)
            widget.setFont(font)


def palette_css(dark: bool) -> str:
    """CSS for HTML we render (guide, rationales) that matches the theme."""
    c = colours(dark)
    return (
        f"body {{ color: {c.text}; line-height: 150%; }}"
        f"h1, h2, h3 {{ color: {c.text}; margin-top: 14px; }}"
        f"a {{ color: {c.link}; }}"
        f"table {{ border-collapse: collapse; margin: 8px 0; }}"
        f"th, td {{ border: 1px solid {c.control_border}; padding: 4px 8px; }}"
        f"th {{ background: {c.alternate_base}; }}"
        f"code {{ background: {c.alternate_base}; }}"
        f"blockquote {{ color: {c.muted}; margin-left: 12px; }}"
        f".muted {{ color: {c.muted}; }}"
        f".right {{ color: {c.right}; font-weight: bold; }}"
        f".wrong {{ color: {c.wrong}; font-weight: bold; }}"
    )


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of an ``#rrggbb`` colour."""
    def channel(value: int) -> float:
        s = value / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)
