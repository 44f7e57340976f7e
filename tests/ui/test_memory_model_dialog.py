"""The study settings' memory-model dialog: true retention, Optimize on the lane, Apply."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.scheduling.test_optimizer import _learner_with_history

from mht_desktop.services.context import AppContext
from mht_desktop.ui.changes_bus import ChangesBus
from mht_desktop.ui.memory_model_dialog import MemoryModelDialog
from mht_desktop.ui.task_runner import ImmediateTaskRunner
from mht_desktop.ui.views.base import ViewContext


def _dialog(qtbot: QtBot, app: AppContext, profile_id: int) -> MemoryModelDialog:
    view_ctx = ViewContext(app=app, tasks=ImmediateTaskRunner(), bus=ChangesBus(),
                           profile_id=profile_id)
    dialog = MemoryModelDialog(view_ctx)
    qtbot.addWidget(dialog)
    return dialog


def test_optimize_compares_then_applies_on_request(qtbot: QtBot, tmp_path: Path) -> None:
    app, profile_id = _learner_with_history(tmp_path / "learner")
    dialog = _dialog(qtbot, app, profile_id)
    assert dialog.retention_spin.value() == 90
    assert dialog.in_use_label.text() == "In use: FSRS's default parameters."
    assert not dialog.apply_button.isEnabled() and not dialog.reset_button.isEnabled()
    qtbot.mouseClick(dialog.optimize_button, Qt.MouseButton.LeftButton)
    text = dialog.result_label.text()
    assert "Fitted on <b>3,200</b> reviews of 400 cards" in text
    fit = dialog.report.fit if dialog.report else None
    assert fit is not None
    assert dialog.cells["Defaults", "log_loss"].text() == f"{fit.defaults.log_loss:.4f}"
    assert dialog.cells["Fitted", "rmse"].text() == f"{fit.fitted.rmse_bins:.4f}"
    assert "predict your answers better" in dialog.verdict_label.text()
    assert dialog.apply_button.isEnabled()
    assert not app.profiles.settings(profile_id).fsrs_parameters  # nothing until Apply
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert len(app.profiles.settings(profile_id).fsrs_parameters) == 21
    assert dialog.in_use_label.text() == "In use: parameters fitted to your reviews."
    assert dialog.reset_button.isEnabled()
    app.close()


def test_too_little_history_says_how_much_is_needed(qtbot: QtBot, ctx: AppContext) -> None:
    profile, _ = ctx.profiles.create("Ana")
    dialog = _dialog(qtbot, ctx, profile.id)
    assert [label.text() for label in dialog.true_labels] == ["—  (0 of 0)"] * 3
    dialog.retention_spin.setValue(85)
    qtbot.mouseClick(dialog.optimize_button, Qt.MouseButton.LeftButton)
    assert "at least 400" in dialog.result_label.text()
    assert not dialog.apply_button.isEnabled()
    dialog.save()
    assert ctx.profiles.settings(profile.id).desired_retention == 0.85
