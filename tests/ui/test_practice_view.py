"""The Practice section driven by keyboard, as a learner would, and Progress showing it.

One test runs on the real database lane (a worker thread), the rest on the immediate
runner so timing never matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.practice.conftest import SCENARIO

from mht_desktop.core.practice.drills import EndingKind, Rating
from mht_desktop.services.context import AppContext
from mht_desktop.ui.main_window import PRACTICE, PROGRESS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner, TaskRunner
from mht_desktop.ui.views.practice_view import ITEM_ROLE, PracticeView

DRILL = "adult-inpatient-phone-call"


def make_window(qtbot: QtBot, ctx: AppContext, tmp_path: Path, *,
                real_lane: bool = False) -> MainWindow:
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    tasks = TaskRunner() if real_lane else ImmediateTaskRunner()
    window = MainWindow(ctx, profile, tasks=tasks, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.show_section(PRACTICE)
    return window


def open_by_keyboard(qtbot: QtBot, view: PracticeView, item_id: str) -> None:
    tree = view.tree
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for c in range(group.childCount()):
            child = group.child(c)
            if child.data(0, ITEM_ROLE)[1] == item_id:
                tree.setFocus()
                tree.setCurrentItem(child)
                qtbot.keyClick(tree, Qt.Key.Key_Return)
                return
    raise AssertionError(f"{item_id} is not listed")


def play(qtbot: QtBot, view: PracticeView, keys: list[Qt.Key]) -> None:
    for key in keys:
        qtbot.keyClick(view.drill, key)


def test_drills_by_keyboard_to_the_best_and_a_poor_ending(qtbot: QtBot, ctx: AppContext,
                                                          tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    view = window.practice
    open_by_keyboard(qtbot, view, DRILL)
    drill = view.drill
    assert view.pages.currentWidget() is drill
    assert drill.meter.accessibleName() == "Escalation: Anxious, step 2 of 5"
    assert drill.help_label.text().startswith("Tell the nurse")
    assert drill.choice_buttons[0].text().startswith("1. ")
    assert all(b.accessibleName() for b in drill.choice_buttons if b.isVisible())
    play(qtbot, view, [Qt.Key.Key_1])
    assert drill.feedback_label.isVisible()
    assert drill.feedback_label.text().startswith("Best choice: Supportive approach")
    play(qtbot, view, [Qt.Key.Key_1, Qt.Key.Key_1])
    best = drill.state.debrief if drill.state else None
    assert best is not None and best.ending.kind is EndingKind.RESOLVED
    assert best.followed_best_path and best.ending.rating is Rating.BEST
    assert "Resolved by talking — the best outcome" in drill.debrief_view.toPlainText()

    qtbot.keyClick(drill.again_button, Qt.Key.Key_Space)  # play again, then badly
    assert drill.pages.currentIndex() == 0
    # A hand on his shoulder, threaten seclusion, tackle him alone.
    play(qtbot, view, [Qt.Key.Key_3, Qt.Key.Key_3, Qt.Key.Key_2])
    poor = drill.state.debrief if drill.state else None
    assert poor is not None and poor.ending.kind is EndingKind.HARM
    assert poor.hands_on_early and poor.score == 0.0
    text = drill.debrief_view.toPlainText()
    assert "You went hands-on before the person was a danger" in text
    assert "The best path" in text and "Best here:" in text


def test_the_escalation_meter_names_the_level_in_words(qtbot: QtBot, ctx: AppContext,
                                                       tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    view = window.practice
    open_by_keyboard(qtbot, view, DRILL)
    play(qtbot, view, [Qt.Key.Key_2])  # "Rules are rules" -> defensive
    meter = view.drill.meter
    assert meter.accessibleName() == "Escalation: Defensive, step 3 of 5"
    assert meter.cells[meter.level].text() == "▶ Defensive"
    assert meter.cells[meter.level].font().bold()
    others = [c for level, c in meter.cells.items() if level is not meter.level]
    assert not any(c.text().startswith("▶") or c.font().bold() for c in others)


def test_a_flagged_note_then_a_clean_one(qtbot: QtBot, ctx: AppContext,
                                         tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    view = window.practice
    open_by_keyboard(qtbot, view, "hallway-pacing")
    note = view.note
    qtbot.keyClicks(note.editor, "Pt was angry and aggressive in the hallway.")
    qtbot.keyClick(note.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert note.last is not None and not note.last.clean
    rules = {note.flag_list.item(i).text().split(" — ")[1].split(":")[0]
             for i in range(note.flag_list.count())}
    assert {"Opinion stated as fact “was angry”", "Judgemental label “aggressive”"} <= rules
    assert note.summary_label.text().startswith("✗")
    note.flag_list.setCurrentRow(0)
    assert note.exemplar_view.toPlainText().startswith("14:10 Pt walked")

    note.editor.clear()
    vignette = note.vignette
    assert vignette is not None
    note.editor.setPlainText(vignette.exemplar)
    qtbot.mouseClick(note.check_button, Qt.MouseButton.LeftButton)
    assert note.last is not None and note.last.clean
    assert note.summary_label.text().startswith("✓ No flags")
    assert note.yours_view.toPlainText() == vignette.exemplar


def test_a_disclosure_case_and_progress_shows_all_three(qtbot: QtBot, ctx: AppContext,
                                                         tmp_path: Path) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    view = window.practice
    open_by_keyboard(qtbot, view, DRILL)
    play(qtbot, view, [Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1])
    open_by_keyboard(qtbot, view, "hallway-pacing")
    qtbot.keyClicks(view.note.editor, "Pt refused to go to the quiet room.")
    qtbot.keyClick(view.note.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    open_by_keyboard(qtbot, view, "mother-on-the-phone")
    panel = view.disclosure
    from mht_desktop.core.practice.disclosure import Action, RecordField

    for action in (Action.TAKE_MESSAGE, Action.REFER_NURSE):
        box = panel.action_boxes[action]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()
    assert not panel.field_boxes[RecordField.PRESENCE].isChecked()
    qtbot.keyClick(panel.submit_button, Qt.Key.Key_Space)
    assert panel.result is not None and panel.result.perfect
    assert "✓ Every decision was right." in panel.feedback.toPlainText()
    assert "facility policy" in panel.feedback.toPlainText()

    # The list marks what was done; Progress counts all three kinds.
    assert any("✓ 1×" in view.tree.topLevelItem(0).child(i).text(0)
               for i in range(view.tree.topLevelItem(0).childCount()))
    window.show_section(PROGRESS)
    progress = window.progress
    assert progress.scroll_area.isVisible()
    box = progress.practice_box
    assert box.drills_label.text().startswith("De-escalation drills: 1 completed")
    assert "resolved by talking 1" in box.drills_label.text()
    assert box.notes_label.text().startswith("Notes checked: 1 (0 with no flags)")
    assert "judgemental label 1" in box.notes_label.text()
    assert box.cases_label.text() == "Disclosure cases: 1 (1 with every decision right)"


def test_on_the_real_lane_and_an_import_refused_then_accepted(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, ctx, tmp_path, real_lane=True)
    view = window.practice
    qtbot.waitUntil(lambda: view.tree.topLevelItemCount() == 3)
    shown: list[str] = []
    monkeypatch.setattr("mht_desktop.ui.practice_report_dialog.PracticeReportDialog.exec",
                        lambda self: shown.append(self.findChild(object, "problems")
                                                  .toPlainText()) or 0)
    bad = tmp_path / "bad.scenario.toml"
    bad.write_text(SCENARIO.replace('goto = "hurt"', 'goto = "nowhere"'), encoding="utf-8")
    window.import_paths([bad])
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "bad.scenario.toml:" in shown[0] and "'nowhere'" in shown[0]
    assert ctx.practice(None).catalogue().imported == frozenset()
    good = tmp_path / "good.scenario.toml"
    good.write_text(SCENARIO, encoding="utf-8")
    shipped = len(ctx.practice(None).catalogue().scenarios)
    window.import_paths([good])
    qtbot.waitUntil(lambda: view.tree.topLevelItem(0).text(0)
                    == f"De-escalation drills ({shipped + 1})", timeout=10000)
    open_by_keyboard(qtbot, view, "test-scenario")
    qtbot.waitUntil(lambda: view.drill.state is not None, timeout=10000)
    qtbot.keyClick(view.drill, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: view.drill.state is not None and view.drill.state.debrief
                    is not None, timeout=10000)
    assert view.drill.state is not None and view.drill.state.debrief is not None
    assert view.drill.state.debrief.ending.kind is EndingKind.RESOLVED
    window.tasks.wait()


@pytest.fixture
def keep_app_font(qapp: QApplication) -> Iterator[None]:
    """Text size is the application's font: give it back so later tests see the default."""
    font = QFont(qapp.font())
    yield
    qapp.setFont(font)


def _longest_choice_node(ctx: AppContext) -> tuple[str, list[Qt.Key]]:
    """The shipped scenario and the key path to the node whose choices are longest."""
    from mht_desktop.core.practice.drills import best_path

    best: tuple[int, str, list[Qt.Key]] = (0, "", [])
    for scenario in ctx.practice(None).catalogue().scenarios:
        keys: list[Qt.Key] = []
        for step in [None, *best_path(scenario)]:
            node = scenario.node(step.next_id if step else scenario.start)
            if step is not None:
                keys.append(Qt.Key(Qt.Key.Key_1 + step.choice_index))
            if node.ending is None:
                size = max(len(c.text) for c in node.choices)
                if size > best[0]:
                    best = (size, scenario.id, list(keys))
    return best[1], best[2]


def test_long_choices_wrap_inside_a_small_window_at_large_text(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path, keep_app_font: None) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    window.set_text_scale(1.5)
    window.resize(1024, 700)
    view = window.practice
    scenario_id, keys = _longest_choice_node(ctx)
    open_by_keyboard(qtbot, view, scenario_id)
    play(qtbot, view, keys)
    qtbot.wait(10)
    drill = view.drill
    longest = max((b for b in drill.choice_buttons if b.isVisible()),
                  key=lambda b: len(b.text()))
    assert len(longest.text()) > 90  # long enough that one line could not hold it
    line = longest.fontMetrics().height()
    # The text wraps onto several lines inside the button instead of widening it …
    assert longest.label.wordWrap() and longest.height() >= 2 * line
    assert longest.label.geometry().right() <= longest.width()
    scroll = drill.play_scroll
    assert not scroll.horizontalScrollBar().isVisible()  # nothing runs off to the right
    assert longest.mapTo(window, longest.rect().topRight()).x() <= window.width()
    # … and the section fits beside the sidebar in the window a first start opens on a
    # 1024-pixel screen (94 % of it), with every exercise page.
    from mht_desktop.ui.window_frame import SCREEN_SHARE

    room = int(1024 * SCREEN_SHARE) - window.nav.width()
    for page in (view.intro, view.note, view.disclosure, view.drill):
        view.pages.setCurrentWidget(page)
        assert view.minimumSizeHint().width() <= room, (type(page).__name__, room)
    # The keyboard still chooses, and the button is still a button.
    assert longest.accessibleName().startswith("Choice ")


def test_the_drill_title_and_words_grow_with_larger_text(qtbot: QtBot, ctx: AppContext,
                                                        tmp_path: Path,
                                                        keep_app_font: None) -> None:
    window = make_window(qtbot, ctx, tmp_path)
    window.set_text_scale(1.0)
    qtbot.wait(10)
    open_by_keyboard(qtbot, window.practice, DRILL)
    drill = window.practice.drill
    before = drill.title_label.font().pointSizeF(), drill.says_label.font().pointSizeF()
    window.set_text_scale(1.5)
    qtbot.wait(10)
    after = drill.title_label.font().pointSizeF(), drill.says_label.font().pointSizeF()
    assert after[0] > before[0] * 1.4 and after[1] > before[1] * 1.4
    assert after[0] > drill.font().pointSizeF() > 0 and drill.title_label.font().bold()
