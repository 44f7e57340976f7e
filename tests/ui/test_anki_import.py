"""Importing an Anki package in the window: the history checkbox decides who keeps reviews."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from mht_desktop.services.context import AppContext
from mht_desktop.storage.models import ReviewLogRow
from mht_desktop.ui.dialogs import ReportDialog
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner

pytest.importorskip("anki.collection")


@pytest.mark.parametrize("keep", [True, False])
def test_import_dialog_offers_the_anki_history(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               keep: bool) -> None:
    from tests.formats.test_apkg import _build_anki_packages

    counts = _build_anki_packages(tmp_path)
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, profile, tasks=ImmediateTaskRunner(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(SECTIONS.index("Question banks"))
    shown: list[ReportDialog] = []

    def answer(dialog: ReportDialog) -> int:  # a person ticking (or not) and pressing Import
        shown.append(dialog)
        assert dialog.keep_history is not None
        assert f"({counts['reviews']} reviews)" in dialog.keep_history.text()
        dialog.keep_history.setChecked(keep)
        return int(ReportDialog.DialogCode.Accepted)

    monkeypatch.setattr(ReportDialog, "exec", answer)
    window.banks.import_path(tmp_path / "deck.apkg")
    assert len(shown) == 1
    assert window.banks.tree.topLevelItem(0).text(0) == "Psych"
    with ctx.db.session() as s:
        stored = s.query(ReviewLogRow).filter_by(profile_id=profile.id).count()
    assert stored == (counts["reviews"] if keep else 0)
    if keep:
        assert f"Kept {counts['reviews']} Anki reviews" in window.statusBar().currentMessage()
