from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCharts import QCategoryAxis, QChart
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.progress_history import Learner, add_history, new_learner, take_quiz
from tests.services.test_quiz_service import _bank
from tests.ui.conftest import ScriptedDialogs, WindowFactory

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.periods import PeriodKind
from mht_desktop.core.quiz import QuizMode
from mht_desktop.core.readiness import NOT_ENOUGH, Confidence, percent, readiness_text
from mht_desktop.rendering.pages import Paper
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.services.study import StudyService


@pytest.fixture
def history(ctx: AppContext, clock: FixedClock, sample_bank_file: Path) -> Learner:
    return add_history(new_learner(ctx, clock, sample_bank_file))


def test_empty_state_before_any_study(qtbot: QtBot, make_window: WindowFactory,
                                      dialogs: ScriptedDialogs, ctx: AppContext,
                                      tmp_path: Path) -> None:
    profile, _ = ctx.profiles.create("Ana")
    window = make_window("Progress", profile=ctx.profiles.get(profile.id))
    view = window.progress
    assert view.empty.isVisible() and not view.scroll_area.isVisible()
    assert "No progress yet" in view.empty.title_label.text()
    assert view.class_button.isEnabled()  # instructors need it without any study of their own
    assert view.empty.button is not None
    qtbot.mouseClick(view.empty.button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.quiz


def test_figures_appear_after_activity(qtbot: QtBot, make_window: WindowFactory,
                                       dialogs: ScriptedDialogs, history: Learner,
                                       tmp_path: Path) -> None:
    window = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id))
    view = window.progress
    expected = history.ctx.stats(history.profile_id).dashboard(PeriodKind.DAYS_30)
    assert view.scroll_area.isVisible() and not view.empty.isVisible()
    thin = expected.overall.confidence in (Confidence.NONE, Confidence.LOW)
    assert view.overall_tile.value_label.text() == (
        "—" if thin else percent(expected.overall.readiness))
    assert "Quiz accuracy (60%)" in view.overall_tile.toolTip()
    assert view.streak_tile.value_label.text() == "3"
    assert view.due_tile.value_label.text() == str(expected.due_today)
    assert view.exam_tile.value_label.text() == "—"
    assert set(view.topic_bars) == {"privacy", "safety"}
    privacy = next(t for t in expected.topics if t.topic_id == "privacy")
    assert view.topic_bars["privacy"].text() == readiness_text(privacy)
    assert "60%" in view.topic_bars["privacy"].toolTip()  # the formula, in the tooltip
    assert view.forecast_view.chart().title() == "Cards due — next 30 days"
    assert len(view.score_view.chart().series()) == 5  # practice, exam, their dots, pass
    assert view.heatmap.cells[-1][1] == 4  # today: one review and three answers
    assert "Current streak 3" in view.streak_label.text()


def test_period_filter_and_refresh_on_changes(qtbot: QtBot, make_window: WindowFactory,
                                              dialogs: ScriptedDialogs, history: Learner,
                                              tmp_path: Path) -> None:
    view = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id)).progress
    assert view.dashboard is not None and len(view.dashboard.daily) == 30
    assert "last 30 days: 3 reviews" in view.period_tile.caption_label.text()
    view.set_period(PeriodKind.ALL)
    assert view.dashboard.period.kind is PeriodKind.ALL
    assert "all time: 4 reviews" in view.period_tile.caption_label.text()
    view.period_box.setCurrentIndex(view.period_box.findData(PeriodKind.DAYS_90))
    assert view.dashboard.period.kind is PeriodKind.DAYS_90
    take_quiz(history, history.clock.current,
              QuizConfig(mode=QuizMode.TUTOR, count=1, topics=("safety",), seed=3),
              wrong=set(), seconds=5)
    view.ctx.bus.publish(Changes(quizzes=True))  # what the quiz view publishes
    assert view.dashboard.totals.answers == 6


def test_dark_theme_charts(qtbot: QtBot, make_window: WindowFactory, dialogs: ScriptedDialogs,
                           history: Learner, tmp_path: Path) -> None:
    window = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id))
    window.view_ctx.dark = True
    window.progress.mark_stale()
    assert window.progress.activity_view.chart().theme() is QChart.ChartTheme.ChartThemeDark
    assert window.progress.heatmap.dark


def test_practise_now_starts_a_smart_quiz_on_the_weak_topic(
        make_window: WindowFactory, qtbot: QtBot, ctx: AppContext, clock: FixedClock,
        tmp_path: Path) -> None:
    ctx.banks.import_file_now(_bank(tmp_path, per_topic=6))
    profile, _ = ctx.profiles.create("Ana")
    learner = Learner(ctx, clock, profile.id, StudyService(ctx.db, clock, profile.id),
                      ctx.quiz(profile.id), {})
    take_quiz(learner, clock.current, QuizConfig(mode=QuizMode.TUTOR, count=6,
                                                 topics=("alpha",), seed=1),
              wrong={f"q{n:04d}" for n in range(1, 7)}, seconds=5)
    take_quiz(learner, clock.current, QuizConfig(mode=QuizMode.TUTOR, count=6,
                                                 topics=("beta",), seed=1),
              wrong=set(), seconds=5)
    window = make_window("Progress", profile=ctx.profiles.get(profile.id))
    view = window.progress
    assert list(view.practise_buttons) == ["alpha", "beta"]  # weakest first
    started: list[str] = []
    view.practice_requested.connect(started.append)
    qtbot.mouseClick(view.practise_buttons["alpha"], Qt.MouseButton.LeftButton)
    assert started == ["alpha"]
    assert window.stack.currentWidget() is window.quiz
    attempt = window.quiz.attempt
    assert attempt is not None and attempt.mode is QuizMode.SMART
    assert len(attempt.items) == 6  # ten asked for, six questions in the topic
    assert {item.question.topic for item in attempt.items} == {"alpha"}


def test_print_preview_and_pdf_export(qtbot: QtBot, make_window: WindowFactory,
                                      dialogs: ScriptedDialogs, history: Learner,
                                      tmp_path: Path) -> None:
    view = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id)).progress
    out = tmp_path / "report.pdf"
    dialogs.answer_save_path(str(out))
    view.open_report()
    dialog = view.report_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    assert [dialog.paper_box.itemData(i) for i in range(dialog.paper_box.count())] == [
        Paper.LETTER, Paper.A4]
    dialog.paper_box.setCurrentIndex(dialog.paper_box.findData(Paper.A4))
    dialog.export_action.trigger()
    assert dialog.exported == out and out.stat().st_size > 0
    dialog.close()


def test_export_progress_file(qtbot: QtBot, make_window: WindowFactory, dialogs: ScriptedDialogs,
                              history: Learner, tmp_path: Path) -> None:
    view = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id)).progress
    out = tmp_path / "ana.json"
    dialogs.answer_save_path(str(out))
    view.export_progress()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["learner"]["name"] == "Ana" and data["period"]["label"] == "Last 30 days"
    before = out.stat().st_mtime_ns, sorted(tmp_path.iterdir())
    dialogs.answer_save_path(None)  # cancelled: nothing is written, nothing else happens
    view.export_progress()
    assert dialogs.titles("save") == ["Export progress", "Export progress"]
    assert (out.stat().st_mtime_ns, sorted(tmp_path.iterdir())) == before
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_class_summary_dialog(qtbot: QtBot, make_window: WindowFactory, dialogs: ScriptedDialogs,
                              history: Learner, tmp_path: Path) -> None:
    view = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id)).progress
    ana = tmp_path / "ana.json"
    dialogs.answer_save_path(str(ana))
    view.export_progress()
    data = json.loads(ana.read_text(encoding="utf-8"))
    data["learner"]["name"] = "Ben"
    ben = tmp_path / "ben.json"
    ben.write_text(json.dumps(data), encoding="utf-8")
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**data, "version": 3}), encoding="utf-8")
    view.open_class_summary()
    dialog = view.class_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.pdf_button.isEnabled()
    dialogs.answer_open_paths([str(ana), str(ben), str(newer)])
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Topic", "Ana", "Ben", "Class mean"]
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "Privacy", "Safety", "Overall"]
    assert dialog.error_label.isVisible() and "newer.json" in dialog.error_label.text()
    out = tmp_path / "class.pdf"
    dialogs.answer_save_path(str(out))
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert out.stat().st_size > 0
    table.selectColumn(2)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert [f.learner for f in dialog.files] == ["Ana"]
    dialog.close()


def test_file_menu_actions_reach_the_progress_view(qtbot: QtBot, make_window: WindowFactory,
                                                   dialogs: ScriptedDialogs, history: Learner,
                                                   tmp_path: Path) -> None:
    window = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id))
    out = tmp_path / "menu.json"
    dialogs.answer_save_path(str(out))
    window.export_menu()
    assert out.exists()
    window.print_report()
    assert window.progress.report_dialog is not None
    qtbot.addWidget(window.progress.report_dialog)
    window.progress.report_dialog.close()


def test_class_summary_shows_each_trainees_practice(qtbot: QtBot, make_window: WindowFactory,
                                                     dialogs: ScriptedDialogs,
                                                     history: Learner, tmp_path: Path) -> None:
    import unicodedata

    from pypdf import PdfReader

    from mht_desktop.core.practice.disclosure import Action
    from mht_desktop.core.practice.drills import best_path
    from mht_desktop.core.practice.note_checker import NoteFormat

    practice = history.ctx.practice(history.profile_id)
    scenario = practice.scenario("ed-nine-hour-wait")
    state, _ = practice.start_drill(scenario.id)
    for step in best_path(scenario):  # the best ending
        state, _ = practice.choose(state.attempt_id, step.node_id, step.choice_index)
    assert state.debrief is not None and state.debrief.followed_best_path
    state, _ = practice.start_drill(scenario.id)
    state, _ = practice.choose(state.attempt_id, "leaving", 1)  # "You're on a hold"
    state, _ = practice.choose(state.attempt_id, "arguing", 1)  # blocks the doors
    state, _ = practice.choose(state.attempt_id, "pushing", 2)  # a lone tackle
    assert state.debrief is not None and state.debrief.ending.kind.value == "harm"
    practice.check_note("Pt was hostile and manipulative.", NoteFormat.NARRATIVE)
    practice.check_note("14:30 Patient said “I want to go home.” Walked to his room and sat on "
                        "the bed.\n- A. Tech, MHT", NoteFormat.NARRATIVE)
    practice.submit_disclosure("mother-on-the-phone", set(),
                               {Action.TAKE_MESSAGE, Action.REFER_NURSE})

    view = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id)).progress
    ana = tmp_path / "ana.json"
    dialogs.answer_save_path(str(ana))
    view.export_progress()
    old = json.loads(ana.read_text(encoding="utf-8"))  # a version 1 file has no practice
    old.pop("practice")
    old["version"] = 1
    old["learner"]["name"] = "Ben"
    ben = tmp_path / "ben.json"
    ben.write_text(json.dumps(old), encoding="utf-8")
    view.open_class_summary()
    dialog = view.class_dialog
    assert dialog is not None
    dialogs.answer_open_paths([str(ana), str(ben)])
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    bar = dialog.tabs.tabBar()
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_Right)  # the Practice tab, by keyboard
    assert dialog.tabs.currentWidget() is dialog.practice_table
    table = dialog.practice_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, len(headers))]
            for r in range(table.rowCount())}
    cells = dict(zip(headers[1:], rows["Ana"], strict=True))
    assert cells["Drills"] == "2" and cells["Resolved by talking"] == "1"
    assert cells["Best path"] == "1"
    assert cells["Notes checked"] == "2" and cells["Notes with no flags"] == "1"
    assert cells["Disclosure cases"] == "1"
    assert rows["Ben"] == ["—"] * (len(headers) - 1)

    out = tmp_path / "class.pdf"
    dialogs.answer_save_path(str(out))
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    # Narrow columns wrap their headings mid-word, so compare with the spaces taken out.
    text = "".join("".join(unicodedata.normalize("NFKC", page.extract_text()).split())
                   for page in PdfReader(out).pages)
    for heading in ("Practice", "Resolvedbytalking", "Disclosurecases",
                    "Ana21150%211.511100%"):
        assert heading in text, heading
    table.selectRow(1)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert [f.learner for f in dialog.files] == ["Ana"]
    dialog.close()


def test_figures_say_how_sure_they_are_and_have_a_text_alternative(
        qtbot: QtBot, make_window: WindowFactory, history: Learner) -> None:
    window = make_window("Progress", profile=history.ctx.profiles.get(history.profile_id))
    view = window.progress
    dashboard = view.dashboard
    assert dashboard is not None
    # A topic with a handful of answers reads "not enough answers yet", with an empty bar,
    # never a confident "100%".
    thin = [t for t in dashboard.topics if t.readiness is not None and not t.enough_data]
    assert thin
    for topic in thin:
        bar = view.topic_bars[topic.topic_id]
        assert bar.text() == NOT_ENOUGH and bar.value() == 0
    # Study time in minutes when under an hour, as the chart's axis counts it.
    minutes = dashboard.totals.minutes
    assert view.period_tile.value_label.text().endswith(" min" if minutes < 59.5 else " h")
    assert view.period_tile.value_label.text() != "0.0 h"
    # Axes print whole, distinct numbers: no "0 0 0 0 0" minutes axis, no "0 0 1" attempts.
    for axis in view.activity_view.chart().axes(Qt.Orientation.Vertical):
        assert axis.max() >= 4
    x_axis = view.score_view.chart().axes(Qt.Orientation.Horizontal)[0]
    assert isinstance(x_axis, QCategoryAxis)
    assert x_axis.categoriesLabels() == [str(i + 1) for i in range(len(dashboard.trend))]
    # Each chart's numbers, as a table a screen reader reaches, and in its description.
    panel = view.forecast_panel
    assert panel.table.rowCount() == len(dashboard.forecast)
    assert panel.view.accessibleDescription().startswith("Cards due — next 30 days: Day ")
    qtbot.mouseClick(panel.toggle, Qt.MouseButton.LeftButton)
    assert panel.table.isVisible() and not panel.view.isVisible()
    assert panel.toggle.text() == "Show as chart"
    scores = view.score_panel.table
    assert scores.rowCount() == len(dashboard.trend)
    assert scores.item(0, 3).text() == percent(dashboard.trend[0].score)
