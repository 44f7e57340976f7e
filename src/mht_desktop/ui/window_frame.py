"""The parts of the main window that are only a frame: its icon, page stack and screen fit.

Kept apart from :mod:`mht_desktop.ui.main_window` (sections, menus, learner data) because
none of this knows about learners or services: it keeps a window of any content on a small
laptop screen and restores it where the learner left it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from mht_desktop.ui.rich_text import plain_label

DEFAULT_SIZE = (1180, 780)
MIN_RESTORED_SIZE = (640, 480)
# A new window takes at most this share of the screen's free area, so it never opens past
# the edge of a small laptop screen (1024×700) or under a panel.
SCREEN_SHARE = 0.94
GEOMETRY_KEY = "window/geometry"


def size_within_screen(widget: QWidget | None, width: int, height: int) -> tuple[int, int]:
    """``width`` × ``height``, shrunk to :data:`SCREEN_SHARE` of the free area of the
    screen ``widget`` is on (the primary screen without one)."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return width, height
    area = screen.availableGeometry()
    return (min(width, int(area.width() * SCREEN_SHARE)),
            min(height, int(area.height() * SCREEN_SHARE)))


def app_icon() -> QIcon:
    """The application icon (shipped next to this module)."""
    return QIcon(str(Path(__file__).with_name("icons") / "mht-desktop.svg"))


class CurrentPageStack(QStackedWidget):
    """A stack whose size needs are those of the page shown, not of its largest page."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


class LoadingPage(QWidget):
    """What a section shows until the learner's data is open."""

    OPENING = "Opening your study data…"
    CHOOSING = "Your progress opens once you choose who is studying."

    def __init__(self) -> None:
        super().__init__()
        self.label = plain_label(self.OPENING)
        # Near the top, not in the middle: the first-run and learner dialogs open over the
        # middle of the window and would cover (and clip) a centred line.
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 48, 24, 24)
        layout.addWidget(self.label)
        self.setEnabled(False)  # drawn in the muted text colour

    def set_waiting_for_learner(self, waiting: bool) -> None:
        """Say that the data waits for a learner to be chosen, or that it is opening."""
        self.label.setText(self.CHOOSING if waiting else self.OPENING)


class ScreenFittedWindow(QMainWindow):
    """A main window that stays on its screen and reopens at the size it was left."""

    def available_area(self) -> QRect | None:
        """The free area of the screen the window is on (without panels and docks)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else None

    def fit_to_screen(self) -> None:
        """Keep the whole window on its screen: never wider or taller than the free area."""
        area = self.available_area()
        if area is None or self.isMaximized() or self.isFullScreen():
            return
        width, height = min(self.width(), area.width()), min(self.height(), area.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        if not area.contains(frame):
            x = max(area.left(), min(frame.left(), area.right() - frame.width() + 1))
            y = max(area.top(), min(frame.top(), area.bottom() - frame.height() + 1))
            self.move(x, y)

    def restore_geometry(self, settings: QSettings) -> None:
        """Reopen where the window was left; a first start opens centred, within the screen.

        Call it once the window's contents are laid out, since their minimum size takes part.
        """
        geometry = settings.value(GEOMETRY_KEY)
        area = self.available_area()
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(*size_within_screen(self, *DEFAULT_SIZE))  # within a small screen
            if area is not None:
                self.move(area.center() - self.rect().center())
        self.fit_to_screen()
        # A size saved on a smaller screen (or a squashed window) must not leave the next
        # start unusable: grow to a workable minimum, within the screen.
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = MIN_RESTORED_SIZE
        if screen is not None:
            width, height = min(width, screen.width()), min(height, screen.height())
        if self.width() < width or self.height() < height:
            self.resize(max(self.width(), width), max(self.height(), height))

    def save_geometry(self, settings: QSettings) -> None:
        """Remember the window's size and place for the next start."""
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
