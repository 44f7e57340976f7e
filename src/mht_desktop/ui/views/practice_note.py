"""The documentation screen: a vignette, an editor, the checker's flags and the exemplar.

The learner reads what happened, writes the note, and presses Check (Ctrl+Return). Each
flag says where it is, what rule it breaks and what to write instead; choosing a flag puts
the cursor on the words. After a check the learner's note and the exemplar sit side by
side. The check runs on the database lane, which stores it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.practice.note_checker import Flag, NoteFormat
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.services.practice import NoteCheck
from mht_desktop.ui.rich_text import SafeTextBrowser, escape, plain_label
from mht_desktop.ui.theme import relative_font
from mht_desktop.ui.views.base import ViewContext

FLAG_ROLE = Qt.ItemDataRole.UserRole


class NoteEditor(QPlainTextEdit):
    """The note editor: Ctrl+Return asks for a check (Tab leaves the editor)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class NotePanel(QWidget):
    """Write a note for a vignette (or a free note) and check it."""

    checked = Signal(object)  # the NoteCheck

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.vignette: Vignette | None = None
        self.last: NoteCheck | None = None
        outer = QVBoxLayout(self)
        self.title_label = plain_label()
        self.title_label.setWordWrap(True)
        relative_font(self.title_label, 1.3, bold=True)
        outer.addWidget(self.title_label)

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.observation = SafeTextBrowser()  # instructor files: loads no resource
        self.observation.setAccessibleName("What happened on the shift")
        top_layout.addWidget(self.observation, 1)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        format_label = QLabel("&Format:")
        self.format_box = QComboBox()
        for fmt in NoteFormat:
            self.format_box.addItem(fmt.label, fmt)
        self.format_box.setAccessibleName("Note format")
        # The format names are long; let the box shrink on a small screen (the list still
        # shows them whole).
        self.format_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.format_box.setMinimumContentsLength(12)
        format_label.setBuddy(self.format_box)
        row.addWidget(format_label)
        row.addWidget(self.format_box, 1)
        editor_layout.addLayout(row)
        self.editor = NoteEditor()
        self.editor.submitted.connect(self.check)
        self.editor.setAccessibleName("Your note")
        self.editor.setPlaceholderText("Write your note here. Ctrl+Return checks it.")
        self.editor.setTabChangesFocus(True)
        editor_layout.addWidget(self.editor, 1)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("&Check note")
        self.check_button.setAccessibleName("Check note")
        self.check_button.setToolTip("Run the objectivity checker (Ctrl+Return)")
        self.check_button.clicked.connect(self.check)
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        editor_layout.addLayout(buttons)
        top_layout.addWidget(editor_box, 1)
        split.addWidget(top)

        bottom = QWidget()
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        flags_box = QGroupBox("Flags")
        flags_layout = QVBoxLayout(flags_box)
        self.summary_label = plain_label("Write the note, then check it.")
        self.summary_label.setWordWrap(True)
        flags_layout.addWidget(self.summary_label)
        self.flag_list = QListWidget()
        self.flag_list.setAccessibleName("Flags: choose one to go to the words")
        self.flag_list.setWordWrap(True)
        self.flag_list.currentItemChanged.connect(self._on_flag_list_current_item_changed)
        self.flag_list.itemActivated.connect(lambda *_: self.editor.setFocus())
        flags_layout.addWidget(self.flag_list)
        bottom_layout.addWidget(flags_box, 1)
        compare_box = QGroupBox("Your note beside the exemplar")
        compare_layout = QHBoxLayout(compare_box)
        self.yours_view = QPlainTextEdit()
        self.yours_view.setReadOnly(True)
        self.yours_view.setAccessibleName("Your note as checked")
        self.exemplar_view = QPlainTextEdit()
        self.exemplar_view.setReadOnly(True)
        self.exemplar_view.setAccessibleName("Exemplar note")
        compare_layout.addWidget(self.yours_view)
        compare_layout.addWidget(self.exemplar_view)
        bottom_layout.addWidget(compare_box, 2)
        split.addWidget(bottom)
        split.setSizes([380, 300])
        outer.addWidget(split, 1)

    def open(self, vignette: Vignette | None) -> None:
        """Show ``vignette`` (None: a free note, checked without a vignette)."""
        self.vignette = vignette
        self.last = None
        self.editor.clear()
        self.flag_list.clear()
        self.yours_view.clear()
        self.exemplar_view.clear()
        self.summary_label.setText("Write the note, then check it.")
        if vignette is None:
            self.title_label.setText("Free note")
            self.observation.setHtml(
                "<p>Paste or write any note to check it for labels, opinions, missing times, "
                "unquoted risk statements, do-not-use abbreviations, missing parts of the "
                "format and unmarked late entries.</p>")
        else:
            self.title_label.setText(vignette.title)
            self.observation.setHtml(vignette_html(vignette))  # html-safe: escapes
            self.format_box.setCurrentIndex(self.format_box.findData(vignette.format))
        self.editor.setFocus()

    @property
    def note_format(self) -> NoteFormat:
        """The format chosen."""
        fmt = self.format_box.currentData()
        return fmt if isinstance(fmt, NoteFormat) else NoteFormat.NARRATIVE

    def check(self) -> None:
        """Check the note on the lane (which stores the attempt)."""
        text = self.editor.toPlainText()
        if not text.strip():
            self.summary_label.setText("The note is empty: write something to check.")
            return
        service = self.ctx.app.practice(self.ctx.profile_id)
        fmt = self.note_format
        vignette_id = self.vignette.id if self.vignette else None
        self.ctx.tasks.run(lambda: service.check_note(text, fmt, vignette_id=vignette_id),
                           on_done=self._on_checked, on_error=self._on_error)

    def _on_error(self, exc: BaseException) -> None:
        self.summary_label.setText(f"The note could not be checked: {exc}")

    def _on_checked(self, result: tuple[NoteCheck, Changes]) -> None:
        check, changes = result
        self.last = check
        self.ctx.bus.publish(changes)
        self.flag_list.clear()
        for flag in check.flags:
            shown = f" “{flag.text}”" if flag.text else ""
            item = QListWidgetItem(f"Line {flag.line}, column {flag.column} — "
                                   f"{flag.rule.label}{shown}: {flag.message} "
                                   f"Instead: {flag.instead} [{flag.source}]")
            item.setData(FLAG_ROLE, flag)
            self.flag_list.addItem(item)
        if check.clean:
            self.summary_label.setText("✓ No flags: the note is objective, timed and complete "
                                       "by the checker's rules. Compare it with the exemplar.")
        else:
            rules = sorted({f.rule.label for f in check.flags})
            self.summary_label.setText(f"✗ {len(check.flags)} flag(s): {', '.join(rules)}. "
                                       "Choose a flag to go to the words.")
        self.yours_view.setPlainText(check.text)
        self.exemplar_view.setPlainText(check.vignette.exemplar if check.vignette else
                                        "(A free note has no exemplar.)")
        self.checked.emit(check)

    def _on_flag_list_current_item_changed(self, item: QListWidgetItem | None,
                                           _previous: QListWidgetItem | None) -> None:
        flag = item.data(FLAG_ROLE) if item is not None else None
        if not isinstance(flag, Flag):
            return
        block = self.editor.document().findBlockByNumber(flag.line - 1)
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=flag.column - 1)
        if flag.text:
            cursor.movePosition(QTextCursor.MoveOperation.Right,
                                QTextCursor.MoveMode.KeepAnchor, len(flag.text))
        self.editor.setTextCursor(cursor)


def vignette_html(vignette: Vignette) -> str:
    """What happened, the time it is now (for a late entry), the task and the sources."""
    observation = escape(vignette.observation).replace("\n", "<br>")
    return (f"<h3>What happened</h3><p>{observation}</p>"  # html-safe: escaped above
            + (f"<p><b>It is now {escape(vignette.written_at)}.</b></p>"
               if vignette.written_at else "")
            + f"<h3>Your task</h3><p>{escape(vignette.prompt)}</p>"
            f"<p class='muted'>Sources: {escape('; '.join(vignette.sources))}</p>")
