"""The Practice section: de-escalation drills, documentation practice, disclosure decisions.

A list of exercises on the left, grouped by kind and marked with what the learner has done;
the chosen exercise on the right. The list and every action go through the database lane.
Instructors' scenario, vignette and case files come in by the Import button, File › Import
or drag-and-drop, and are checked whole first (see docs/practice-formats.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.practice.disclosure import DisclosureCase
from mht_desktop.core.practice.drills import Scenario
from mht_desktop.core.practice.progress import ExerciseKind
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.services.practice import Catalogue, PracticeReport
from mht_desktop.ui.rich_text import tooltip
from mht_desktop.ui.theme import relative_font
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.views.practice_disclosure import DisclosurePanel
from mht_desktop.ui.views.practice_drill import DrillPanel
from mht_desktop.ui.views.practice_note import NotePanel
from mht_desktop.ui.widgets.empty_state import EmptyState

ITEM_ROLE = Qt.ItemDataRole.UserRole
IMPORT_FILTER = ("Practice files (*.toml);;Scenarios (*.scenario.toml);;"
                 "Vignettes (*.vignettes.toml);;Disclosure cases (*.cases.toml);;All files (*)")
FREE_NOTE = "free-note"


@dataclass(frozen=True, slots=True)
class _Listing:
    catalogue: Catalogue
    done: Counter[tuple[ExerciseKind, str]]


class PracticeView(SectionView):
    """Pick an exercise and work it."""

    title = "Practice"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.catalogue: Catalogue | None = None
        outer = QHBoxLayout(self)
        split = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Practice")
        relative_font(heading, 1.4, bold=True)
        left_layout.addWidget(heading)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Exercises")
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        left_layout.addWidget(self.tree, 1)
        # Short, so the list can stay narrow with large text; the tooltip says the rest.
        self.import_button = QPushButton("Import…")
        self.import_button.setAccessibleName("Import practice file")
        self.import_button.setToolTip("Import a practice file: an instructor's scenario, "
                                      "vignette or case file")
        self.import_button.clicked.connect(self.import_dialog)
        left_layout.addWidget(self.import_button)
        split.addWidget(left)

        self.pages = QStackedWidget()
        self.intro = EmptyState(
            "Practise what you do on the unit",
            "De-escalation drills: talk a person down, one choice at a time (keys 1–4). "
            "Documentation: write the note for a shift event and have it checked for "
            "objectivity. Disclosure: decide what to share when someone asks about a patient. "
            "Choose an exercise on the left and press Enter.")
        self.drill = DrillPanel(ctx)
        self.note = NotePanel(ctx)
        self.disclosure = DisclosurePanel(ctx)
        for page in (self.intro, self.drill, self.note, self.disclosure):
            self.pages.addWidget(page)
        self.pages.currentChanged.connect(self._on_pages_current_changed)
        self._on_pages_current_changed(0)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 800])  # the exercise gets the room on a small screen
        outer.addWidget(split)

    def _on_pages_current_changed(self, index: int) -> None:
        # A stack is as wide as its widest page; only the page on screen should count, so a
        # drill is not squeezed by the note editor's minimum width.
        for i in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            page = self.pages.widget(i)
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.pages.updateGeometry()

    def watches(self, changes: Changes) -> bool:
        return changes.practice or changes.profiles

    def refresh(self) -> None:
        service = self.ctx.app.practice(self.ctx.profile_id)

        def work() -> _Listing:
            done: Counter[tuple[ExerciseKind, str]] = Counter(
                (r.kind, r.item_id) for r in service.history())
            return _Listing(service.catalogue(), done)

        self.ctx.tasks.run(work, on_done=self._show, on_error=self.show_error)

    def _show(self, listing: _Listing) -> None:
        self.catalogue = catalogue = listing.catalogue
        current = self.tree.currentItem()
        keep = current.data(0, ITEM_ROLE) if current is not None else None
        self.tree.clear()
        groups = (
            ("De-escalation drills", ExerciseKind.DRILL, catalogue.scenarios),
            ("Documentation", ExerciseKind.NOTE, catalogue.vignettes),
            ("Disclosure decisions", ExerciseKind.DISCLOSURE, catalogue.cases))
        chosen: QTreeWidgetItem | None = None
        for heading, kind, items in groups:
            group = QTreeWidgetItem([f"{heading} ({len(items)})"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for item in items:
                times = listing.done[(kind, item.id)]
                mark = f"  ✓ {times}×" if times else ""
                where = _subtitle(item)
                child = QTreeWidgetItem([f"{item.title}{mark}"])
                done = f" — done {times} time(s)" if times else ""
                child.setToolTip(0, tooltip(f"{where}{done}"))
                child.setData(0, ITEM_ROLE, (kind.value, item.id))
                group.addChild(child)
                if keep == (kind.value, item.id):
                    chosen = child
            if kind is ExerciseKind.NOTE:
                free = QTreeWidgetItem(["Free note (check any note)"])
                free.setData(0, ITEM_ROLE, (kind.value, FREE_NOTE))
                group.addChild(free)
            group.setExpanded(True)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, ITEM_ROLE)
        if data:
            self.open_exercise(ExerciseKind(data[0]), data[1])

    def open_exercise(self, kind: ExerciseKind, item_id: str) -> None:
        """Open a drill, vignette or case by id (a free note with ``FREE_NOTE``)."""
        if self.catalogue is None:
            return
        if kind is ExerciseKind.NOTE and item_id == FREE_NOTE:
            self.pages.setCurrentWidget(self.note)
            self.note.open(None)
            return
        groups: dict[ExerciseKind, tuple[Scenario, ...] | tuple[Vignette, ...]
                     | tuple[DisclosureCase, ...]] = {
                         ExerciseKind.DRILL: self.catalogue.scenarios,
                  ExerciseKind.NOTE: self.catalogue.vignettes,
                  ExerciseKind.DISCLOSURE: self.catalogue.cases}
        item = _by_id(groups[kind], item_id)
        if isinstance(item, Scenario):
            self.pages.setCurrentWidget(self.drill)
            self.drill.open(item)
        elif isinstance(item, Vignette):
            self.pages.setCurrentWidget(self.note)
            self.note.open(item)
        elif isinstance(item, DisclosureCase):
            self.pages.setCurrentWidget(self.disclosure)
            self.disclosure.open(item)
        else:
            self.status(f"That exercise ({item_id}) is no longer available.")

    # -- import ------------------------------------------------------------------------------
    def import_dialog(self) -> None:
        """Ask for practice files and import them."""
        files = self.ctx.dialogs.ask_open_paths(self, "Import practice files", "",
                                                IMPORT_FILTER)
        for name in files:
            self.import_path(Path(name))

    def import_path(self, path: Path) -> None:
        """Check and import one file (all or nothing), then say what happened."""
        service = self.ctx.app.practice(self.ctx.profile_id)
        self.ctx.tasks.run(lambda: service.import_file(path), on_done=self._after_import,
                           on_error=self.show_error, label=f"Importing {path.name}…",
                           parent=self)

    def _after_import(self, result: tuple[PracticeReport, Changes]) -> None:
        from mht_desktop.ui.practice_report_dialog import PracticeReportDialog

        report, changes = result
        self.ctx.bus.publish(changes)
        if report.imported and report.kind is not None:
            self.status(f"Imported {Path(report.file).name}: {len(report.items)} "
                        f"{report.kind.plural}.")
            if not report.warnings:
                return
        PracticeReportDialog(report, parent=self).exec()


def _subtitle(item: Scenario | Vignette | DisclosureCase) -> str:
    if isinstance(item, Scenario):
        return item.setting.label
    if isinstance(item, Vignette):
        return item.format.label
    return item.requester.label


def _by_id(items: tuple[Scenario, ...] | tuple[Vignette, ...] | tuple[DisclosureCase, ...],
           item_id: str) -> Scenario | Vignette | DisclosureCase | None:
    return next((i for i in items if i.id == item_id), None)

