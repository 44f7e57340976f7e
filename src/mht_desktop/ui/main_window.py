"""The main window: navigation to the sections, learner data, status bar, drag-and-drop.

Its menus are built in :mod:`~mht_desktop.ui.window_menus` and its screen fitting is in
:mod:`~mht_desktop.ui.window_frame`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.collector import settle_long_lived
from mht_desktop.core.profiles import Profile
from mht_desktop.ui import profile_actions
from mht_desktop.ui.backup_dialog import BackupSchedule
from mht_desktop.ui.changes_bus import ChangesBus
from mht_desktop.ui.dialog_service import Dialogs, QtDialogs
from mht_desktop.ui.rich_text import plain_label
from mht_desktop.ui.section_warmup import SectionWarmup, import_section_module
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
from mht_desktop.ui.window_frame import CurrentPageStack, LoadingPage, ScreenFittedWindow, app_icon
from mht_desktop.ui.window_menus import build_menus

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
TEXT_SCALES = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0)
NAV_POINT_SIZE = 11
NAV_PADDING = (9, 10)
# The other sections' modules are imported this long after the first one is on screen
# (ui/section_warmup.py): after start-up's own work, before most learners click elsewhere.
SECTION_WARMUP_DELAY_MS = 1000


def _as_int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


class MainWindow(ScreenFittedWindow):
    """The window a learner studies in.

    It can open as a shell, before the database is ready (``app_ctx`` and ``profile`` None),
    so that start-up shows a window at once; :meth:`attach` then fills it. Each section's view
    is built the first time it is shown, which keeps start-up time and memory low.
    """

    profile_changed = Signal(int)
    # The app should open again, on a server or on this computer (a ui.server_actions.Reopen).
    reopen_requested = Signal(object)

    def __init__(self, app_ctx: AppContext | None, profile: Profile | None, *,
                 tasks: TaskRunner, settings: QSettings, dialogs: Dialogs | None = None) -> None:
        super().__init__()
        self.dialogs: Dialogs = dialogs if dialogs is not None else QtDialogs()
        self.app_ctx: AppContext | None = None
        self.profile: Profile | None = None
        self.view_ctx: ViewContext | None = None
        self.section_warmup: SectionWarmup | None = None  # made once the data is open
        self.tasks = tasks
        self.tasks.default_error_handler = lambda exc: self.dialogs.error(self, exc)
        self.settings = settings
        # The local data folder (set by start-up; the server actions keep profiles there).
        self.local_data_dir: Path | None = None
        self.bus = ChangesBus(self)
        self._built: dict[int, SectionView] = {}
        self.backup_schedule: BackupSchedule | None = None
        self.setWindowTitle("MHT Desktop")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(20, 20))
        self.stack = CurrentPageStack()
        for entry in SECTIONS_REGISTRY:  # instructors' sections wait for attach() to show
            QListWidgetItem(entry.title, self.nav).setHidden(entry.instructors_only)
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
        menus = build_menus(self, SECTIONS)
        self.undo_action = menus.undo
        self._theme_actions = menus.themes
        self._data_actions = menus.data
        self._theme_actions[self.theme_mode()].setChecked(True)
        self._scale_navigation(self.text_scale())
        self.restore_geometry(self.settings)
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
        for row, entry in enumerate(SECTIONS_REGISTRY):  # the class view: instructors only
            self.nav.item(row).setHidden(not entry.listed_for(
                instructor_on_server=profile.is_instructor
                and (app_ctx.db.is_server or app_ctx.offline)))
        self.show_profile()
        self.apply_look()
        self._show_section(self.nav.currentRow())
        QTimer.singleShot(SECTION_WARMUP_DELAY_MS, self, self._warm_up_sections)

    def _warm_up_sections(self) -> None:
        """Import the sections not built yet while the learner reads this one."""
        self.section_warmup = SectionWarmup([
            f"mht_desktop.ui.views.{entry.module}" for row, entry in enumerate(SECTIONS_REGISTRY)
            if row not in self._built and not self.nav.item(row).isHidden()])
        self.section_warmup.start()

    # -- sections ------------------------------------------------------------------------
    def view_at(self, row: int) -> SectionView:
        """The view of section ``row``, built now if this is its first use."""
        view = self._built.get(row)
        if view is not None:
            return view
        if self.view_ctx is None:
            raise RuntimeError("The window has no learner data yet.")
        section = SECTIONS_REGISTRY[row]
        module = import_section_module(f"mht_desktop.ui.views.{section.module}")
        view = cast("SectionView", getattr(module, section.view_class)(self.view_ctx))
        self._built[row] = view
        view.undo_label_changed.connect(self._name_undo)
        placeholder = self.stack.widget(row)
        self.stack.insertWidget(row, view)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        settle_long_lived()  # the section lives as long as the window: see core/collector.py
        return view

    def section(self, key: str) -> SectionView:
        """The view of section ``key`` (see ui/sections.py), built now if not yet."""
        return self.view_at(section_index(key))

    def set_waiting_for_learner(self, waiting: bool) -> None:
        """Make the sections' loading pages say whether they wait for a learner's choice."""
        for i in range(self.stack.count()):
            page = self.stack.widget(i)
            if isinstance(page, LoadingPage):
                page.set_waiting_for_learner(waiting)

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

    def connect_to_server(self) -> None:
        """File › Connect to a program server…: this profile studies on a server."""
        from mht_desktop.ui import server_actions

        server_actions.connect_to_server(self)

    def disconnect_from_server(self) -> None:
        """File › Disconnect from the server: this profile studies on this computer again."""
        from mht_desktop.ui import server_actions

        server_actions.disconnect_from_server(self)

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
        from mht_desktop.ui import help_dialog  # reads shipped files: loaded on first use

        help_dialog.show_shortcuts(self)

    def show_guide(self, which: str) -> None:
        """The user or instructor guide, read inside the app."""
        from mht_desktop.ui import help_dialog  # reads shipped files: loaded on first use

        help_dialog.show_guide(self, which)

    def show_about(self) -> None:
        """Version, purpose and data location."""
        from mht_desktop.ui import help_dialog  # reads shipped files: loaded on first use

        where = (self.app_ctx.db.path or "memory") if self.app_ctx else "not open yet"
        help_dialog.show_about(self, str(where))

    # -- window state, drops -------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry(self.settings)
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
