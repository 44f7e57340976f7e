"""Study settings for the memory model: desired retention, true retention and "Optimize".

Everything that reads or writes the database, and the fitting itself, runs on the task
runner; the dialog only shows what comes back. Fitted parameters are applied only when they
beat the defaults and the learner presses "Apply".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.scheduling.optimizer import MIN_REVIEWS
from mht_desktop.services.memory_model import OptimizeReport, Retention
from mht_desktop.ui.rich_text import RichLabel, escape, plain_label
from mht_desktop.ui.views.base import ViewContext


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


class MemoryModelDialog(QDialog):
    """Desired retention beside true retention; Optimize, compare, apply."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Memory model (FSRS)")
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.model = ctx.app.memory_model(ctx.profile_id)
        self.report: OptimizeReport | None = None
        layout = QVBoxLayout(self)

        form = QFormLayout()
        self.retention_spin = QDoubleSpinBox()
        self.retention_spin.setRange(70.0, 99.0)
        self.retention_spin.setDecimals(0)
        self.retention_spin.setSuffix(" %")
        self.retention_spin.setToolTip("The chance of remembering a card when it comes due. "
                                       "Higher means more reviews.")
        form.addRow("Desired retention:", self.retention_spin)
        layout.addLayout(form)

        true_box = QGroupBox("Your true retention (mature cards: 21+ days between reviews)")
        grid = QGridLayout(true_box)
        self.true_labels: list[QLabel] = []
        for column, title in enumerate(("Last 7 days", "Last 30 days", "Last 365 days")):
            grid.addWidget(RichLabel(f"<b>{escape(title)}</b>"), 0, column)
            label = plain_label("…")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, 1, column)
            self.true_labels.append(label)
        layout.addWidget(true_box)

        fit_box = QGroupBox("Parameters fitted to your reviews")
        fit_layout = QVBoxLayout(fit_box)
        self.in_use_label = plain_label()
        self.in_use_label.setWordWrap(True)
        fit_layout.addWidget(self.in_use_label)
        # Rich text for the bold review count; every other value in it is escaped.
        self.result_label = RichLabel(escape(
            f"Optimize fits FSRS to your own review history (it needs at least {MIN_REVIEWS} "
            "reviews) and compares the fit with the defaults on the same reviews."))
        self.result_label.setWordWrap(True)
        self.result_label.setObjectName("optimizeResult")
        fit_layout.addWidget(self.result_label)
        # The comparison as a grid of labels (a rich-text table inside a label is measured
        # too short and loses its last row).
        self.comparison = QWidget()
        table = QGridLayout(self.comparison)
        table.setContentsMargins(0, 0, 0, 0)
        self.cells: dict[tuple[str, str], QLabel] = {}
        for column, heading in enumerate(("", "Log-loss", "RMSE (bins)"), start=0):
            table.addWidget(RichLabel(f"<b>{escape(heading)}</b>"), 0, column)
        for row_index, name in enumerate(("Defaults", "Fitted"), start=1):
            table.addWidget(plain_label(name), row_index, 0)
            for column, measure in enumerate(("log_loss", "rmse"), start=1):
                cell = plain_label("—")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                table.addWidget(cell, row_index, column)
                self.cells[name, measure] = cell
        table.setColumnStretch(3, 1)
        fit_layout.addWidget(self.comparison)
        # The verdict on its own line, wrapped.
        self.verdict_label = plain_label()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setObjectName("optimizeVerdict")
        fit_layout.addWidget(self.verdict_label)
        row = QHBoxLayout()
        self.optimize_button = QPushButton("Optimize")
        self.optimize_button.clicked.connect(self.optimize)
        self.apply_button = QPushButton("Apply fitted parameters")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.reset_button = QPushButton("Use defaults")
        self.reset_button.clicked.connect(self.reset)
        for button in (self.optimize_button, self.apply_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        fit_layout.addLayout(row)
        layout.addWidget(fit_box)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.load()

    # -- reading -------------------------------------------------------------------------
    def load(self) -> None:
        """Read the settings and true retention (on the lane)."""
        self.ctx.tasks.run(self.model.retention, on_done=self._show_retention,
                           on_error=self._show_error)

    def _show_retention(self, retention: Retention) -> None:
        self.retention_spin.setValue(round(retention.desired * 100))
        for label, period in zip(self.true_labels, retention.periods, strict=True):
            label.setText(f"{_percent(period.rate)}  ({period.passed} of {period.total})")
        self.in_use_label.setText(
            "In use: parameters fitted to your reviews." if retention.fitted_parameters
            else "In use: FSRS's default parameters.")
        self.reset_button.setEnabled(retention.fitted_parameters)

    # -- optimizing ----------------------------------------------------------------------
    def optimize(self) -> None:
        """Fit on the task runner; the dialog stays responsive."""
        self.optimize_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.result_label.setText(escape("Optimizing…"))
        self.verdict_label.clear()
        self.ctx.tasks.run(self.model.optimize, on_done=self._show_fit,
                           on_error=self._show_error, label="Optimizing FSRS…", parent=self)

    def _show_fit(self, report: OptimizeReport) -> None:
        self.report = report
        self.optimize_button.setEnabled(True)
        fit = report.fit
        if fit is None:
            self.result_label.setText(escape(report.message))
            self.adjustSize()
            return
        self.result_label.setText(
            f"Fitted on <b>{int(fit.reviews):,}</b> reviews of {int(fit.cards):,} cards "
            f"in {float(fit.seconds):.1f} s (at least {int(report.minimum)} needed).")
        for name, evaluation in (("Defaults", fit.defaults), ("Fitted", fit.fitted)):
            self.cells[name, "log_loss"].setText(f"{evaluation.log_loss:.4f}")
            self.cells[name, "rmse"].setText(f"{evaluation.rmse_bins:.4f}")

        self.verdict_label.setText(f"{report.message} Lower is better for both"
                                   + ("; press Apply to schedule with them." if fit.improves
                                      else "."))
        self.adjustSize()  # the verdict adds lines: grow rather than squash the rows
        self.apply_button.setEnabled(fit.improves)

    def apply(self) -> None:
        """Use the fitted parameters (only offered when they beat the defaults)."""
        if self.report is None or self.report.fit is None:
            return
        fit = self.report.fit
        self.apply_button.setEnabled(False)
        self.ctx.tasks.run(lambda: self.model.apply(fit), on_done=self._changed,
                           on_error=self._show_error)

    def reset(self) -> None:
        """Go back to FSRS's defaults."""
        self.ctx.tasks.run(self.model.reset, on_done=self._changed, on_error=self._show_error)

    def save(self) -> None:
        """Store the desired retention and close."""
        value = self.retention_spin.value() / 100

        def store() -> Changes:
            _, changes = self.ctx.app.profiles.update_settings(self.ctx.profile_id,
                                                               desired_retention=value)
            return changes

        self.ctx.tasks.run(store, on_done=self._saved, on_error=self._show_error)

    def _saved(self, changes: Changes) -> None:
        self._publish(changes)
        self.accept()

    def _changed(self, changes: Changes) -> None:
        self._publish(changes)
        self.load()

    def _publish(self, changes: Changes) -> None:
        self.ctx.bus.publish(changes)

    def _show_error(self, exc: BaseException) -> None:
        self.optimize_button.setEnabled(True)
        self.result_label.setText(escape(f"Could not finish: {exc}"))
