"""Question banks: what is loaded, import (button or drag-and-drop), export, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QStackedLayout,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.banks import BankFormat
from mht_desktop.core.changes import Changes
from mht_desktop.core.progress import CancelToken
from mht_desktop.services.banks import BankReport, ExportResult
from mht_desktop.storage.banks import BankSummary
from mht_desktop.ui.dialogs import ReportDialog
from mht_desktop.ui.rich_text import open_message, plain_label, tooltip
from mht_desktop.ui.views.base import SectionView, ViewContext
from mht_desktop.ui.widgets.empty_state import EmptyState

# Each file type of the import dialog, and the format it forces (None: detect from content).
IMPORT_FILTERS: dict[str, BankFormat | None] = {
    "Question banks (*.toml *.gift *.txt *.xml *.csv *.tsv *.aiken *.apkg *.colpkg)": None,
    "Anki package (*.apkg *.colpkg)": BankFormat.APKG,
    "MHT Desktop bank (*.mhtbank.toml *.toml)": BankFormat.NATIVE,
    "GIFT (*.gift *.txt)": BankFormat.GIFT,
    "Aiken (*.txt *.aiken)": BankFormat.AIKEN,
    "Moodle XML (*.xml)": BankFormat.MOODLE_XML,
    "CSV or TSV: questions template or flashcards (*.csv *.tsv *.txt)": BankFormat.CSV,
    "All files, format detected (*)": None,
}
EXPORT_FORMATS = {"MHT Desktop bank (*.mhtbank.toml)": (BankFormat.NATIVE, ".mhtbank.toml"),
                  "GIFT (*.gift)": (BankFormat.GIFT, ".gift"),
                  "Moodle XML (*.xml)": (BankFormat.MOODLE_XML, ".xml"),
                  "CSV questions template (*.csv)": (BankFormat.CSV, ".csv"),
                  "Anki notes, flashcards only (*.txt)": (BankFormat.ANKI_TSV, ".txt"),
                  "Anki deck package (*.apkg)": (BankFormat.APKG, ".apkg")}


class BanksView(SectionView):
    """Lists banks with items per topic; imports, exports, enables and removes them."""

    title = "Question banks"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.export_notice: QMessageBox | None = None  # the last "left out" warning shown
        self._stack = QStackedLayout(self)
        self.empty = EmptyState(
            "No question banks yet",
            "Banks hold the questions and flashcards you study. Import one your instructor "
            "gave you (MHT Desktop, GIFT, Aiken, Moodle XML or CSV), or drop the file on "
            "this window.", "Import a question bank…", self.import_dialog)
        page = QWidget()
        layout = QVBoxLayout(page)
        head = plain_label("Banks you can study from. Untick a bank to leave it out of "
                           "flashcards and quizzes; your progress on it is kept.")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Question banks and their topics")
        self.tree.setHeaderLabels(["Bank / topic", "Version", "Questions", "Flashcards",
                                   "Source file", "Imported", "Review status"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.tree)
        buttons = QHBoxLayout()
        self.import_button = QPushButton("Import…")
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.export_dialog)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self.remove_selected)
        for b in (self.import_button, self.export_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(page)
        self._page = page
        self._banks: list[BankSummary] = []
        self._filling = False

    def watches(self, changes: Changes) -> bool:
        return changes.banks

    def refresh(self) -> None:
        self.ctx.tasks.run(lambda: self.ctx.app.banks.list(), on_done=self._show,
                           on_error=self.show_error)

    def _show(self, banks: list[BankSummary]) -> None:
        self._banks = banks
        self._filling = True
        self.tree.clear()
        for bank in banks:
            item = QTreeWidgetItem([bank.title, bank.version, str(bank.questions),
                                    str(bank.flashcards), Path(bank.source_path).name,
                                    bank.imported_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                                    review_status(bank)])
            item.setData(0, Qt.ItemDataRole.UserRole, bank.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if bank.enabled
                               else Qt.CheckState.Unchecked)
            item.setToolTip(0, tooltip(f"{bank.id} — {bank.description}" if bank.description
                                      else bank.id))
            item.setToolTip(4, tooltip(bank.source_path))
            item.setToolTip(6, "When the bank's items must next be checked against their "
                               "sources (see mht-desktop bank audit).")
            for topic in bank.topics:
                child = QTreeWidgetItem([topic.title, "", str(topic.questions),
                                         str(topic.flashcards), "", "", ""])
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self._filling = False
        self._stack.setCurrentWidget(self._page if banks else self.empty)
        self._update_buttons()

    def _selected_bank(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return None if item is None else str(item.data(0, Qt.ItemDataRole.UserRole))

    def _update_buttons(self) -> None:
        has = self._selected_bank() is not None
        self.export_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or item.parent() is not None or column != 0:
            return
        bank_id = str(item.data(0, Qt.ItemDataRole.UserRole))
        enabled = item.checkState(0) == Qt.CheckState.Checked
        self.ctx.tasks.run(lambda: self.ctx.app.banks.set_enabled(bank_id, enabled),
                           on_done=self.ctx.bus.publish, on_error=self.show_error)

    # -- import --------------------------------------------------------------------------
    def import_dialog(self) -> None:
        """Ask for files and import them, in the format of the chosen file type if it names one."""
        files, chosen = QFileDialog.getOpenFileNames(self, "Import question banks", "",
                                                     ";;".join(IMPORT_FILTERS))
        fmt = IMPORT_FILTERS.get(chosen)
        for name in files:
            self.import_path(Path(name), fmt)

    def import_path(self, path: Path, fmt: BankFormat | None = None) -> None:
        """Check a file, show problems, confirm warnings, then import it with progress.

        Args:
            path: The file.
            fmt: Read it as this format (the file type chosen in the dialog); None detects it.
        """
        self.ctx.tasks.run(lambda: self.ctx.app.banks.validate_file(path, fmt),
                           on_done=lambda report: self._after_validation(path, report),
                           on_error=self.show_error, label=f"Checking {path.name}…",
                           parent=self)

    def _after_validation(self, path: Path, report: BankReport) -> None:
        if not report.valid:
            ReportDialog(report, ask_to_import=False, parent=self).exec()
            return
        learner: int | None = None
        if report.warnings or report.replaces_version is not None or report.history_reviews:
            dialog = ReportDialog(report, ask_to_import=True, parent=self)
            if dialog.exec() != ReportDialog.DialogCode.Accepted:
                return
            if dialog.keep_history is not None and dialog.keep_history.isChecked():
                learner = self.ctx.profile_id
        token = CancelToken()
        self.ctx.tasks.run(lambda: self.ctx.app.banks.import_file(path, report.format,
                                                                   cancel=token,
                                                                   history_profile=learner),
                           on_done=self._after_import, on_error=self.show_error,
                           label=f"Importing {path.name}…", parent=self, cancel=token)

    def _after_import(self, result: tuple[BankReport, Changes]) -> None:
        report, changes = result
        self.ctx.bus.publish(changes)
        if report.bank is not None:
            history = (f" Kept {report.history.reviews} Anki reviews on {report.history.cards} "
                       "cards." if report.history is not None else "")
            self.status(f"Imported “{report.bank.info.title}”: {len(report.bank.questions)} "
                        f"questions, {len(report.bank.flashcards)} flashcards.{history}")

    # -- export and remove ---------------------------------------------------------------
    def export_dialog(self) -> None:
        """Write the selected bank to a file in a chosen format."""
        bank_id = self._selected_bank()
        if bank_id is None:
            return
        name, chosen = QFileDialog.getSaveFileName(self, "Export question bank", bank_id,
                                                   ";;".join(EXPORT_FORMATS))
        if not name:
            return
        fmt, suffix = EXPORT_FORMATS.get(chosen, (BankFormat.NATIVE, ".mhtbank.toml"))
        out = Path(name) if name.endswith(suffix) else Path(name + suffix)
        self.export_to(bank_id, fmt, out)

    def export_to(self, bank_id: str, fmt: BankFormat, out: Path) -> None:
        """Write ``bank_id`` to ``out`` on the lane; say what the format could not hold."""
        self.ctx.tasks.run(lambda: self.ctx.app.banks.export(bank_id, fmt, out),
                           on_done=self._after_export, on_error=self.show_error)

    def _after_export(self, result: ExportResult) -> None:
        self.status(f"Exported to {result.path}")
        if not result.left_out:
            return
        # Window-modal, not blocking: the export is done, this only tells what it lacks.
        self.export_notice = open_message(
            self, "Export incomplete",
            f"Wrote {result.path.name}, but:\n\n"
            + "\n\n".join(f"• {note}." for note in result.left_out))

    def remove_selected(self) -> None:
        """Remove the selected bank after confirmation."""
        bank_id = self._selected_bank()
        if bank_id is None:
            return
        title = next((b.title for b in self._banks if b.id == bank_id), bank_id)
        if not self.ctx.dialogs.confirm(
                self, "Remove question bank",
                f"Remove “{title}”? Its questions and flashcards, and every learner's "
                "progress on them, will be deleted. A backup is taken first, so File ▸ "
                "Restore from backup can bring them back."):
            return
        self.ctx.tasks.run(lambda: self.ctx.app.banks.remove(bank_id),
                           on_done=self.ctx.bus.publish, on_error=self.show_error)


def review_status(bank: BankSummary) -> str:
    """The bank's content currency in a few words, for the Review status column."""
    if bank.past_review:
        return f"{bank.past_review} past review date"
    if bank.undated and bank.undated >= bank.questions + bank.flashcards:
        return "No review dates"
    parts = []
    if bank.next_review is not None:
        parts.append(f"Current · next check {bank.next_review:%b %Y}")
    if bank.undated:
        parts.append(f"{bank.undated} undated")
    return "; ".join(parts) or "Current"
