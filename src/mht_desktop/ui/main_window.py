"""The main window: navigation to the five sections, menus, status bar, drag-and-drop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mht_desktop import __version__
from mht_desktop.core.changes import Changes
from mht_desktop.core.profiles import Profile
from mht_desktop.ui import profile_actions
from mht_desktop.ui.backup_dialog import BackupSchedule, create_backup, restore_from_backup
from mht_desktop.ui.changes_bus import ChangesBus
from mht_desktop.ui.dialog_service import Dialogs, QtDialogs
from mht_desktop.ui.imports import import_and_forget_source
from mht_desktop.ui.rich_text import SafeTextBrowser, plain_label, show_message
from mht_desktop.ui.sections import (
    BANKS,
    FLASHCARDS,
    GUIDE,
    PRACTICE,
    PROGRESS,
    QUIZ,
    SECTIONS_REGISTRY,
    section_index,
)
from mht_desktop.ui.task_runner import TaskRunner
from mht_desktop.ui.theme import ThemeMode, apply_theme, is_dark

# The window opens before the data layer is imported (SQLAlchemy alone takes longer than a
# bare Qt window), so the views and services are imported when a section is first shown.
if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext
    from mht_desktop.ui.backup_dialog import BackupSchedule
    from mht_desktop.ui.views.banks_view import BanksView
    from mht_desktop.ui.views.base import SectionView, ViewContext
    from mht_desktop.ui.views.flashcards_view import FlashcardsView
    from mht_desktop.ui.views.guide_view import GuideView
    from mht_desktop.ui.views.practice_view import PracticeView
    from mht_desktop.ui.views.progress_view import ProgressView
    from mht_desktop.ui.views.quiz_view import QuizView

# The navigation's titles, in order (the sections themselves are registered in ui/sections.py).
SECTIONS = tuple(section.title for section in SECTIONS_REGISTRY)
LAST_PROFILE_KEY = "session/last_profile"
DEFAULT_SIZE = (1180, 780)
MIN_RESTORED_SIZE = (640, 480)
# A new window takes at most this share of the screen's free area, so it never opens past
# the edge of a small laptop screen (1024×700) or under a panel.
SCREEN_SHARE = 0.94
TEXT_SCALES = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0)
NAV_POINT_SIZE = 11
NAV_PADDING = (9, 10)


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


def _as_int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def app_icon() -> QIcon:
    """The application icon (shipped next to this module)."""
    return QIcon(str(Path(__file__).with_name("icons") / "mht-desktop.svg"))


class LoadingPage(QWidget):
    """What a section shows until the learner's data is open."""

    def __init__(self) -> None:
        super().__init__()
        label = plain_label("Opening your study data…")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)
        self.setEnabled(False)  # drawn in the muted text colour


class MainWindow(QMainWindow):
    """The window a learner studies in.

    It can open as a shell, before the database is ready (``app_ctx`` and ``profile`` None),
    so that start-up shows a window at once; :meth:`attach` then fills it. Each section's view
    is built the first time it is shown, which keeps start-up time and memory low.
    """

    profile_changed = Signal(int)

    def __init__(self, app_ctx: AppContext | None, profile: Profile | None, *,
                 tasks: TaskRunner, settings: QSettings, dialogs: Dialogs | None = None) -> None:
        super().__init__()
        self.dialogs: Dialogs = dialogs if dialogs is not None else QtDialogs()
        self.app_ctx: AppContext | None = None
        self.profile: Profile | None = None
        self.view_ctx: ViewContext | None = None
        self.tasks = tasks
        self.tasks.default_error_handler = lambda exc: self.dialogs.error(self, exc)
        self.settings = settings
        self.bus = ChangesBus(self)
        self._built: dict[int, SectionView] = {}
        self._data_actions: list[QAction] = []
        self.backup_schedule: BackupSchedule | None = None
        self.setWindowTitle("MHT Desktop")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(20, 20))
        self.stack = CurrentPageStack()
        for name in SECTIONS:
            QListWidgetItem(name, self.nav)
            self.stack.addWidget(LoadingPage())
        self.nav.currentRowChanged.connect(self._show_section)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        # The sections scroll inside the window rather than forcing it wider or taller than the
        # screen: at 150-200 % text, or on a 1024x700 laptop, a section larger than the window
        # gets scroll bars and the window still fits.
        self.scroller = QScrollArea()
        self.scroller.setObjectName("sectionScroller")
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(self.stack)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a stop for Tab
        layout.addWidget(self.scroller, 1)
        self.setCentralWidget(central)

        self.profile_label = plain_label()
        self.statusBar().addPermanentWidget(self.profile_label)
        self.tasks.busy_changed.connect(self._on_tasks_busy_changed)
        self._build_menus()
        self._restore_geometry()
        section = _as_int(self.settings.value("window/section", 0))
        self.nav.setCurrentRow(section if 0 <= section < len(SECTIONS) else 0)
        if app_ctx is not None and profile is not None:
            self.attach(app_ctx, profile)

    @property
    def attached(self) -> bool:
        """Whether the learner's data is open in this window."""
        return self.view_ctx is not None

    def attach(self, app_ctx: AppContext, profile: Profile) -> None:
        """Open ``profile``'s data in the window (once, after the database is ready)."""
        from mht_desktop.ui.views.base import ViewContext

        self.app_ctx = app_ctx
        self.profile = profile
        self.view_ctx = ViewContext(app=app_ctx, tasks=self.tasks, bus=self.bus,
                                    profile_id=profile.id, dark=False, nav=self,
                                    dialogs=self.dialogs)
        for action in self._data_actions:
            action.setEnabled(True)
        self.backup_schedule = BackupSchedule(self, self.tasks, app_ctx)
        self.show_profile()
        self.apply_look()
        self._show_section(self.nav.currentRow())

    # -- sections ------------------------------------------------------------------------
    def view_at(self, row: int) -> SectionView:
        """The view of section ``row``, built now if this is its first use."""
        view = self._built.get(row)
        if view is not None:
            return view
        if self.view_ctx is None:
            raise RuntimeError("The window has no learner data yet.")
        section = SECTIONS_REGISTRY[row]
        module = import_and_forget_source(f"mht_desktop.ui.views.{section.module}")
        view = cast("SectionView", getattr(module, section.view_class)(self.view_ctx))
        self._built[row] = view
        view.undo_label_changed.connect(self._name_undo)
        placeholder = self.stack.widget(row)
        self.stack.insertWidget(row, view)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return view

    def section(self, key: str) -> SectionView:
        """The view of section ``key`` (see ui/sections.py), built now if not yet."""
        return self.view_at(section_index(key))

    def show_section(self, key: str) -> SectionView | None:
        """Switch to section ``key``; its view, or None before the learner's data is open.

        This is the window's side of :class:`~mht_desktop.ui.sections.Navigation`.
        """
        self.nav.setCurrentRow(section_index(key))
        return self.section(key) if self.attached else None

    def _show_section(self, row: int) -> None:
        if row < 0:
            return
        if self.attached:
            self.stack.setCurrentWidget(self.view_at(row))
        else:
            self.stack.setCurrentIndex(row)
        self._name_undo()

    @property
    def views(self) -> list[SectionView]:
        """The sections built so far, in navigation order."""
        return [self._built[row] for row in sorted(self._built)]

    @property
    def guide(self) -> GuideView:
        """The career guide section."""
        return cast("GuideView", self.section(GUIDE))

    @property
    def flashcards(self) -> FlashcardsView:
        """The flashcards section."""
        return cast("FlashcardsView", self.section(FLASHCARDS))

    @property
    def quiz(self) -> QuizView:
        """The quiz and exam section."""
        return cast("QuizView", self.section(QUIZ))

    @property
    def practice(self) -> PracticeView:
        """The practice section (drills, notes, disclosure)."""
        return cast("PracticeView", self.section(PRACTICE))

    @property
    def progress(self) -> ProgressView:
        """The progress section."""
        return cast("ProgressView", self.section(PROGRESS))

    @property
    def banks(self) -> BanksView:
        """The question banks section."""
        return cast("BanksView", self.section(BANKS))

    # -- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        data = self._data_actions
        data.append(self._action(file_menu, "&Import…", self.import_dialog, "Ctrl+I"))
        data.append(self._action(file_menu, "&Print progress report…", self.print_report,
                                 "Ctrl+P"))
        data.append(self._action(file_menu, "&Export…", self.export_menu, "Ctrl+E"))
        file_menu.addSeparator()
        data.append(self._action(file_menu, "Create &backup", lambda: create_backup(self)))
        data.append(self._action(file_menu, "&Restore from backup…",
                                 lambda: restore_from_backup(self)))
        file_menu.addSeparator()
        profile_menu = file_menu.addMenu("Learner &profile")
        data.append(self._action(profile_menu, "&Switch…", self.switch_profile))
        data.append(self._action(profile_menu, "&New…", self.new_profile))
        data.append(self._action(profile_menu, "&Rename…", self.rename_profile))
        data.append(self._action(profile_menu, "&Delete…", self.delete_profile))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        data.append(self.undo_action)
        for action in data:
            action.setEnabled(False)  # until the learner's data is open

        view = bar.addMenu("&View")
        for i, name in enumerate(SECTIONS):
            self._action(view, name, lambda _=False, row=i: self.nav.setCurrentRow(row),
                         f"Ctrl+{i + 1}")
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        group = QActionGroup(self)
        self._theme_actions: dict[ThemeMode, QAction] = {}
        for mode, label in ((ThemeMode.SYSTEM, "Follow system"), (ThemeMode.LIGHT, "Light"),
                            (ThemeMode.DARK, "Dark")):
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _=False, m=mode: self.set_theme(m))
            group.addAction(action)
            theme_menu.addAction(action)
            self._theme_actions[mode] = action
        self._theme_actions[self.theme_mode()].setChecked(True)
        self._action(view, "&Larger text", lambda: self.step_text_size(1), "Ctrl+=")
        self._action(view, "&Smaller text", lambda: self.step_text_size(-1), "Ctrl+-")
        self._action(view, "&Reset text size", lambda: self.set_text_scale(1.0), "Ctrl+0")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&User guide", lambda: self.show_guide("user"))
        self._action(help_menu, "&Instructor guide", lambda: self.show_guide("instructor"))
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About MHT Desktop", self.show_about)

    def _action(self, menu: QMenu, text: str, slot: Callable[..., object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- theme and text size ---------------------------------------------------------------
    def _key(self, name: str) -> str:
        # Before the data is open, use the last learner's look so the first paint is right.
        profile_id = self.profile.id if self.profile is not None else \
            _as_int(self.settings.value(LAST_PROFILE_KEY, 0))
        return f"profile-{profile_id}/{name}"

    def theme_mode(self) -> ThemeMode:
        """The theme this learner chose."""
        try:
            return ThemeMode(str(self.settings.value(self._key("theme"), "system")))
        except ValueError:
            return ThemeMode.SYSTEM

    def text_scale(self) -> float:
        """The text size this learner chose, as a factor."""
        try:
            return float(str(self.settings.value(self._key("text_scale"), 1.0)))
        except (TypeError, ValueError):
            return 1.0

    def set_theme(self, mode: ThemeMode) -> None:
        """Change and remember the colour theme."""
        self.settings.setValue(self._key("theme"), mode.value)
        self.apply_look()

    def set_text_scale(self, scale: float) -> None:
        """Change and remember the text size."""
        self.settings.setValue(self._key("text_scale"), scale)
        self.apply_look()

    def step_text_size(self, step: int) -> None:
        """One step larger or smaller."""
        scale = self.text_scale()
        index = min(range(len(TEXT_SCALES)), key=lambda i: abs(TEXT_SCALES[i] - scale))
        index = max(0, min(len(TEXT_SCALES) - 1, index + step))
        self.set_text_scale(TEXT_SCALES[index])

    def apply_look(self) -> None:
        """Apply this learner's theme and text size, and redraw themed content."""
        app = QApplication.instance()
        mode = self.theme_mode()
        if isinstance(app, QApplication):
            apply_theme(app, mode, self.text_scale())
        self._theme_actions[mode].setChecked(True)
        if self.view_ctx is not None:
            self.view_ctx.dark = is_dark(mode)
        self._scale_navigation(self.text_scale())
        for view in self.views:
            view.mark_stale()
        self.fit_to_screen()

    def _scale_navigation(self, scale: float) -> None:
        """Size the sidebar's text with the rest, and its width to its longest title."""
        points = NAV_POINT_SIZE * scale
        pad_v, pad_h = (round(p * scale) for p in NAV_PADDING)
        self.nav.setStyleSheet(f"QListWidget#navigation {{ font-size: {points:.1f}pt; }}"
                               f"QListWidget#navigation::item {{ padding: {pad_v}px {pad_h}px; }}")
        font = QFont(self.nav.font())
        font.setPointSizeF(points)
        metrics = QFontMetrics(font)
        longest = max((metrics.horizontalAdvance(self.nav.item(i).text())
                       for i in range(self.nav.count())), default=120)
        self.nav.setFixedWidth(longest + 2 * pad_h + 28)

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

    # -- profiles ------------------------------------------------------------------------
    def show_profile(self) -> None:
        """Show who is studying in the title and status bar, and remember them."""
        if self.profile is None:
            return
        self.setWindowTitle(f"MHT Desktop — {self.profile.name}")
        self.profile_label.setText(f"Learner: {self.profile.name}")
        self.settings.setValue(LAST_PROFILE_KEY, self.profile.id)

    def data(self) -> tuple[AppContext, Profile]:
        # Actions that need data are disabled until attach(), so this only guards misuse.
        if self.app_ctx is None or self.profile is None:
            raise RuntimeError("The window has no learner data yet.")
        return self.app_ctx, self.profile

    def use_profile(self, profile: Profile) -> None:
        """Switch every view to ``profile``."""
        app_ctx, _ = self.data()
        self.profile = profile
        self.tasks.run(lambda: app_ctx.profiles.mark_used(profile.id))
        for view in self.views:
            view.set_profile(profile.id)
        self.show_profile()
        self.apply_look()
        self.profile_changed.emit(profile.id)

    def switch_profile(self) -> None:
        """Pick another learner (or create one)."""
        profile_actions.switch_profile(self)

    def new_profile(self) -> None:
        """Create a learner and switch to them."""
        profile_actions.new_profile(self)

    def rename_profile(self) -> None:
        """Rename the current learner."""
        profile_actions.rename_profile(self)

    def delete_profile(self) -> None:
        """Delete the current learner after confirmation, then pick another."""
        profile_actions.delete_profile(self)

    # -- file actions --------------------------------------------------------------------
    def print_report(self) -> None:
        """Open the progress section's report preview."""
        self.show_section(PROGRESS)
        self.progress.open_report()

    def export_menu(self) -> None:
        """Export a bank (from the banks section) or a progress file (from Progress)."""
        if self.nav.currentRow() == section_index(BANKS):
            self.banks.export_dialog()
        else:
            self.progress.export_progress()

    def _name_undo(self) -> None:
        """Edit › Undo names the step it would take back in the section shown."""
        if not hasattr(self, "undo_action"):
            return
        label = getattr(self.stack.currentWidget(), "undo_label", None)
        self.undo_action.setText(f"&{label}" if isinstance(label, str) else "&Undo")

    def import_dialog(self) -> None:
        """File › Import: question banks, and scenario, vignette or case files."""
        from mht_desktop.ui.views.banks_view import IMPORT_FILTERS

        files = self.dialogs.ask_open_paths(
            self, "Import question banks or practice files", "",
            "Banks and practice files (*.toml *.gift *.txt *.xml *.csv *.tsv *.aiken);;"
            + ";;".join(IMPORT_FILTERS))
        self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: list[Path]) -> None:
        """Send practice files to Practice and everything else to Question banks."""
        from mht_desktop.services.practice import is_practice_file

        for path in paths:
            if is_practice_file(path):
                self.show_section(PRACTICE)
                self.practice.import_path(path)
            else:
                self.show_section(BANKS)
                self.banks.import_path(path)

    def undo(self) -> None:
        """Undo the last undoable step in the current section."""
        handler = getattr(self.stack.currentWidget(), "undo", None)
        if callable(handler):
            handler()
        else:
            self.statusBar().showMessage("Nothing to undo here.", 3000)

    # -- help ----------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        """Show every keyboard shortcut."""
        from mht_desktop.ui.dialogs import shortcuts_html

        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        dialog.resize(520, 560)
        layout = QVBoxLayout(dialog)
        text = SafeTextBrowser()
        text.setAccessibleName("Keyboard shortcuts")
        text.setHtml(shortcuts_html())  # html-safe: escapes its rows
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.exec()

    def show_guide(self, which: str) -> None:
        """The user or instructor guide, read inside the app."""
        from mht_desktop.ui.help_dialog import show_guide

        show_guide(self, which)

    def show_about(self) -> None:
        """Version, purpose and data location."""
        where = (self.app_ctx.db.path or "memory") if self.app_ctx else "not open yet"
        show_message(
            self, "About MHT Desktop",
            f"MHT Desktop {__version__}\n\nA study app for mental health technicians: career "
            "guide, spaced-repetition flashcards, practice exams and progress reports.\n\n"
            "Study content follows federal rules unless a question names a state or facility "
            "policy. Always follow your facility's policies and your supervisor.\n\n"
            f"Your data: {where}", icon=QMessageBox.Icon.Information)

    # -- window state, drops -------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        area = self.available_area()
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            width, height = DEFAULT_SIZE
            if area is not None:  # a first start on a small screen opens within it
                width = min(width, int(area.width() * SCREEN_SHARE))
                height = min(height, int(area.height() * SCREEN_SHARE))
            self.resize(width, height)
            if area is not None:
                self.move(area.center() - self.rect().center())
        self._scale_navigation(self.text_scale())
        self.fit_to_screen()
        # A size saved on a smaller screen (or a squashed window) must not leave the next
        # start unusable: grow to a workable minimum, within the screen.
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = MIN_RESTORED_SIZE
        if screen is not None:
            width, height = min(width, screen.width()), min(height, screen.height())
        if self.width() < width or self.height() < height:
            self.resize(max(self.width(), width), max(self.height(), height))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/section", self.nav.currentRow())
        self.settings.sync()
        for view in self.views:
            closer = getattr(view, "about_to_close", None)
            if callable(closer):
                closer()
        if self.backup_schedule is not None:
            self.backup_schedule.on_close()
        self.tasks.wait(10000)
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths or not self.attached:
            return
        event.acceptProposedAction()
        self.import_paths(paths)

    def _on_tasks_busy_changed(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage("Working…")
        elif self.statusBar().currentMessage() == "Working…":
            self.statusBar().clearMessage()

    def publish(self, changes: Changes) -> None:
        """Let every view know what changed."""
        self.bus.publish(changes)
