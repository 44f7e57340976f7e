"""The disclosure screen: a request, a mock record, what to share and what to do, feedback.

Each record field is a checkbox ("share this"), each action another; Submit scores the
decision on the lane (which stores it) and shows, field by field, whether it was right, why,
and whose rule decides — with ✓ and ✗ in the text, so colour is never the only sign.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mht_desktop.core.changes import Changes
from mht_desktop.core.practice.disclosure import (
    Action,
    DisclosureCase,
    DisclosureResult,
    Expect,
    RecordField,
)
from mht_desktop.ui.rich_text import SafeTextBrowser, escape, plain_label
from mht_desktop.ui.theme import relative_font
from mht_desktop.ui.views.base import ViewContext

_EXPECT_WORDS = {Expect.SHARE: "share", Expect.WITHHOLD: "do not share",
                 Expect.EITHER: "either is fine", Expect.DO: "do it", Expect.AVOID: "don't"}


def _plain(text: str = "") -> QLabel:
    label = plain_label(text)
    label.setWordWrap(True)
    return label


class DisclosurePanel(QWidget):
    """Work one disclosure case."""

    submitted = Signal(object)  # the DisclosureResult

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case: DisclosureCase | None = None
        self.field_boxes: dict[RecordField, QCheckBox] = {}
        self.action_boxes: dict[Action, QCheckBox] = {}
        self.result: DisclosureResult | None = None
        outer = QVBoxLayout(self)
        self.title_label = _plain()
        relative_font(self.title_label, 1.3, bold=True)
        outer.addWidget(self.title_label)
        self.request_label = _plain()
        self.request_label.setAccessibleName("The request")
        outer.addWidget(self.request_label)
        self.context_label = _plain()
        self.context_label.setAccessibleName("What you know")
        outer.addWidget(self.context_label)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.body_layout = QHBoxLayout(body)
        self.record_box = QGroupBox("The record — tick what you would share")
        self.record_layout = QVBoxLayout(self.record_box)
        self.action_box = QGroupBox("What you would do")
        self.action_layout = QVBoxLayout(self.action_box)
        self.body_layout.addWidget(self.record_box, 3)
        self.body_layout.addWidget(self.action_box, 2)
        scroll.setWidget(body)
        outer.addWidget(scroll, 2)
        row = QHBoxLayout()
        self.submit_button = QPushButton("&Submit decision")
        self.submit_button.setAccessibleName("Submit decision")
        self.submit_button.clicked.connect(self.submit)
        row.addWidget(self.submit_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.feedback = SafeTextBrowser()  # instructor files: loads no resource
        self.feedback.setAccessibleName("Feedback on each decision")
        outer.addWidget(self.feedback, 2)

    def open(self, case: DisclosureCase) -> None:
        """Show ``case`` with nothing ticked."""
        self.case = case
        self.result = None
        self.title_label.setText(f"{case.title} — {case.requester.label}")
        self.request_label.setText(case.request)
        self.context_label.setText(case.context)
        for layout, boxes in ((self.record_layout, self.field_boxes),
                              (self.action_layout, self.action_boxes)):
            while layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            boxes.clear()
        for key in case.fields:
            box = QCheckBox(f"Share: {key.field.label} — {key.content}")
            box.setAccessibleName(f"Share {key.field.label}")
            self.record_layout.addWidget(box)
            self.field_boxes[key.field] = box
        self.record_layout.addStretch(1)
        for action_key in case.actions:
            box = QCheckBox(action_key.action.label)
            box.setAccessibleName(action_key.action.label)
            self.action_layout.addWidget(box)
            self.action_boxes[action_key.action] = box
        self.action_layout.addStretch(1)
        for box in (*self.field_boxes.values(), *self.action_boxes.values()):
            box.setEnabled(True)
        self.submit_button.setEnabled(True)
        self.feedback.setHtml("<p>Decide what to share, if anything, and what to do. Then "
                              "submit.</p>")
        first = next(iter(self.field_boxes.values()), None)
        if first is not None:
            first.setFocus()

    def submit(self) -> None:
        """Score the decision on the lane."""
        if self.case is None or self.result is not None:
            return
        shared = {f for f, box in self.field_boxes.items() if box.isChecked()}
        actions = {a for a, box in self.action_boxes.items() if box.isChecked()}
        service = self.ctx.app.practice(self.ctx.profile_id)
        case_id = self.case.id
        self.ctx.tasks.run(lambda: service.submit_disclosure(case_id, shared, actions),
                           on_done=self._on_submitted,
                           on_error=lambda exc: self.feedback.setPlainText(str(exc)))

    def _on_submitted(self, outcome: tuple[DisclosureResult, Changes]) -> None:
        result, changes = outcome
        self.result = result
        self.ctx.bus.publish(changes)
        for box in (*self.field_boxes.values(), *self.action_boxes.values()):
            box.setEnabled(False)
        self.submit_button.setEnabled(False)
        self.feedback.setHtml(result_html(result))  # html-safe: result_html escapes
        self.feedback.setFocus()
        self.submitted.emit(result)


def result_html(result: DisclosureResult) -> str:
    """Per-field and per-action feedback as HTML (file text escaped)."""
    head = ("✓ Every decision was right." if result.perfect else
            f"✗ {sum(not v.correct for v in result.verdicts)} decision(s) to rethink.")
    parts = [f"<h3>{round(result.score * 100)}% — {escape(head)}</h3><ul>"]
    for v in result.verdicts:
        mark = "✓" if v.correct else "✗"
        did = "shared" if v.chosen else "not shared"
        if v in result.actions:
            did = "done" if v.chosen else "not done"
        parts.append(f"<li><b>{escape(mark)} {escape(v.what)}</b> — you: {escape(did)}; "
                     f"right call: {escape(_EXPECT_WORDS[v.expect])}. {escape(v.why)} "
                     f"<span class='muted'>[{escape(v.rule.code)}, "
                     f"{escape(v.rule.authority.value)}]</span></li>")
    parts.append(f"</ul><p>{escape(result.case.debrief)}</p><p class='muted'>Sources: "
                 f"{escape('; '.join(result.case.sources))}</p>")
    return "".join(parts)
