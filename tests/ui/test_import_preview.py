"""The import preview of a real GIFT export: its real problems are not buried under notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot
from tests.ui.conftest import WindowFactory

from mht_desktop.services.context import AppContext
from mht_desktop.ui.dialogs import ReportDialog
from mht_desktop.ui.rich_text import RichLabel

QUESTIONS = [
    ("Which vital sign is counted in breaths per minute?",
     "=Respiratory rate ~Pulse ~Blood pressure"),
    ("A typical resting adult pulse, in beats per minute, is about?",
     "=60 to 100 ~20 to 40 ~120 to 160"),
    ("Who sets whether an unlicensed technician may hand out medications?",
     "=State law and facility policy ~The patient ~Whoever is on shift"),
    ("What should a technician write in a note?", "=What was seen and heard ~A guess at the cause"),
    ("Which of these is protected health information?",
     "=A patient's name with a diagnosis ~The unit's phone number"),
    ("When a patient raises their voice, the first step is usually to?",
     "=Speak calmly and give space ~Raise your own voice ~Leave the unit"),
]


def _moodle_export(path: Path) -> Path:
    """A GIFT file as Moodle writes it: no feedback, no source, and one essay question."""
    blocks = ["// question: 0  name: Switch category to $course$/top/Vitals",
              "$CATEGORY: $course$/top/Vitals"]
    for i, (stem, answers) in enumerate(QUESTIONS, 1):
        blocks.append(f"::Q{i}::{stem} {{{answers}}}")
        if i == 3:
            blocks.append("::Reflect::Describe your first shift. {}")
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def test_the_gift_preview_lists_the_skipped_question_first_and_groups_the_notes(
        qtbot: QtBot, ctx: AppContext, make_window: WindowFactory, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window("Question banks")
    shown: list[tuple[str, list[str]]] = []

    def look(dialog: ReportDialog) -> int:  # the learner reads it and cancels
        head = dialog.findChild(RichLabel, "reportHead")
        details = dialog.findChild(QPlainTextEdit, "problems")
        assert head is not None and details is not None
        shown.append((head.text(), details.toPlainText().splitlines()))
        return int(ReportDialog.DialogCode.Rejected)

    monkeypatch.setattr(ReportDialog, "exec", look)
    window.banks.import_path(_moodle_export(tmp_path / "vitals.gift"))
    [(head, lines)] = shown
    count = len(QUESTIONS)
    assert f"with {2 * count + 1} warning(s)" in head
    assert len(lines) == 3
    assert "essay questions ({}) are not supported; skipped" in lines[0]
    assert lines[1].startswith(f"warning ×{count}: question has no rationale (")
    assert lines[2].startswith(f"warning ×{count}: question has no source (")
    assert lines[1].endswith(f"and {count - 3} more)")
    assert ctx.banks.list() == []  # cancelled: nothing imported
