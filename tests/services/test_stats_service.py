from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.progress_history import NOW, TODAY, Learner, add_history, new_learner, review

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.periods import Period, PeriodKind
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.scheduling import FsrsScheduler
from mht_desktop.services.context import AppContext
from mht_desktop.services.stats import StatsService
from mht_desktop.storage.models import CardRow


@pytest.fixture
def learner(ctx: AppContext, clock: FixedClock, sample_bank_file: Path) -> Learner:
    return new_learner(ctx, clock, sample_bank_file)


@pytest.fixture
def history(learner: Learner) -> Learner:
    return add_history(learner)


def _retention(who: Learner, topic: str) -> float:
    schedule = who.study.card(who.cards[topic]).schedule
    return FsrsScheduler(LearnerSettings(), fuzz=False).retrievability(schedule, NOW)


def test_no_activity_gives_an_empty_dashboard(learner: Learner) -> None:
    d = learner.stats().dashboard()
    assert not d.has_activity
    assert d.totals.reviews == 0 and d.streak.current == 0 and d.trend == ()
    assert [t.readiness for t in d.topics] == [None, None]
    assert d.overall.readiness is None and d.due_today == 0


def test_dashboard_figures_for_the_last_30_days(history: Learner) -> None:
    d = history.stats().dashboard(PeriodKind.DAYS_30)
    assert d.has_activity and d.today == TODAY
    assert d.period == Period(date(2025, 12, 7), TODAY, PeriodKind.DAYS_30)
    by_day = {a.day: (a.reviews, a.answers, a.seconds) for a in d.daily}
    assert len(d.daily) == 30
    assert by_day[date(2026, 1, 3)] == (1, 0, 10.0)
    assert by_day[date(2026, 1, 4)] == (1, 2, 55.0)
    assert by_day[TODAY] == (1, 3, 38.0)
    t = d.totals
    assert (t.reviews, t.answers, t.study_days, t.attempts, t.exams, t.exams_passed) == \
        (3, 5, 3, 2, 1, 1)
    assert t.minutes == pytest.approx(103 / 60)
    assert (d.streak.current, d.streak.longest, d.streak.studied_today) == (3, 3, True)
    assert d.heatmap[-3:] == ((date(2026, 1, 3), 1), (date(2026, 1, 4), 3), (TODAY, 4))
    assert [(p.mode, p.score, p.passed, p.questions, p.day) for p in d.trend] == [
        ("tutor", 0.5, False, 2, date(2026, 1, 4)), ("exam", 1.0, True, 3, TODAY)]
    assert d.exam_date is None and d.days_to_exam is None and d.weakest == ()


def test_readiness_per_topic_and_overall(history: Learner) -> None:
    d = history.stats().dashboard()
    topics = {t.topic_id: t for t in d.topics}
    weight = 0.5 ** (1 / 30)  # the 4 Jan answers are one study day old
    privacy, safety = topics["privacy"], topics["safety"]
    assert privacy.quiz_accuracy == pytest.approx((weight * 1 + 2) / (weight * 2 + 2), rel=1e-12)
    assert safety.quiz_accuracy == 1.0
    assert (privacy.distinct_answered, safety.distinct_answered) == (2, 1)
    assert (privacy.coverage, safety.coverage) == (1.0, 1.0)  # every question of each topic
    assert (privacy.cards_reviewed, safety.cards_reviewed) == (1, 1)
    # SQL computes FSRS retrievability itself; it must agree with the scheduler's own.
    assert privacy.card_retention == pytest.approx(_retention(history, "privacy"), rel=1e-9)
    assert safety.card_retention == pytest.approx(_retention(history, "safety"), rel=1e-9)
    expected = {k: 0.6 * topics[k].quiz_accuracy + 0.4 * topics[k].card_retention  # type: ignore[operator]
                for k in topics}
    assert privacy.readiness == pytest.approx(expected["privacy"], rel=1e-12)
    assert d.overall.readiness == pytest.approx(
        (1 * expected["safety"] + 2 * expected["privacy"]) / 3, rel=1e-12)
    assert (d.overall.method, d.overall.topics_with_data, d.overall.topics) == \
        ("questions", 2, 2)


def test_due_forecast_and_hidden_cards(history: Learner) -> None:
    stats = history.stats()
    d = stats.dashboard()
    safety_due = history.study.card(history.cards["safety"]).schedule.due
    safety_day = (safety_due - timedelta(hours=4)).date()  # study days start at 4 AM (UTC)
    assert safety_day == date(2026, 2, 23)  # FSRS (no fuzz): beyond the 30-day forecast
    expected = {TODAY: 1}  # the privacy card, in learning since 4 Jan, is overdue
    assert len(d.forecast) == 30
    assert {day: n for day, n in d.forecast if n} == expected
    assert d.due_today == expected[TODAY]
    with history.ctx.db.session() as s:  # move the safety card into the forecast window
        card = s.get(CardRow, history.cards["safety"])
        assert card is not None
        card.due = datetime(2026, 1, 8, 3, 30, tzinfo=UTC)  # before 4 AM: the 7th's study day
    assert {day: n for day, n in stats.dashboard().forecast if n} == {TODAY: 1,
                                                                      date(2026, 1, 7): 1}
    history.study.set_suspended(history.cards["privacy"], True)
    assert stats.dashboard().due_today == expected[TODAY] - 1
    history.ctx.banks.set_enabled("sample", False)
    hidden = stats.dashboard()
    assert sum(n for _, n in hidden.forecast) == 0 and hidden.topics == ()


def test_period_filter(history: Learner) -> None:
    stats = history.stats()
    last30 = stats.dashboard(PeriodKind.DAYS_30)
    last90 = stats.dashboard(PeriodKind.DAYS_90)
    every = stats.dashboard(PeriodKind.ALL)
    assert (last30.totals.reviews, last90.totals.reviews, every.totals.reviews) == (3, 4, 4)
    assert (last30.totals.study_days, every.totals.study_days) == (3, 4)
    assert every.daily[0].day == date(2025, 11, 21) and len(every.daily) == 46
    assert every.daily[0].seconds == 6.0
    assert len(last90.daily) == 90
    assert every.streak == last30.streak  # streaks are always all time
    custom = stats.dashboard(Period.between(date(2026, 1, 4), date(2026, 1, 4)))
    assert (custom.totals.reviews, custom.totals.answers, len(custom.trend)) == (1, 2, 1)


def test_study_days_begin_at_4_am_in_the_learners_zone(learner: Learner) -> None:
    eastern = timezone(timedelta(hours=-5))
    review(learner, datetime(2026, 1, 5, 8, 30, tzinfo=UTC), "safety", Rating.GOOD, 1000)
    learner.clock.current = NOW  # 07:00 local on 5 January
    d = StatsService(learner.ctx.db, learner.clock, learner.profile_id, zone=eastern,
                     use_blueprint=False).dashboard()
    by_day = {a.day: a.reviews for a in d.daily}
    assert by_day[date(2026, 1, 4)] == 1 and by_day[TODAY] == 0  # 03:30 counts for 4 Jan
    assert (d.streak.current, d.streak.studied_today) == (1, False)


def test_exam_countdown_and_blueprint_weighting(history: Learner) -> None:
    history.ctx.profiles.update_settings(history.profile_id, exam_date=date(2026, 2, 4))
    d = StatsService(history.ctx.db, history.clock, history.profile_id,
                     zone=UTC).dashboard()
    assert d.days_to_exam == 30 and d.exam_date == date(2026, 2, 4)
    # The shipped blueprint names none of the sample bank's topics: question weights.
    assert d.overall.method == "questions"


def test_report_adds_the_learner_and_quiz_work_per_topic(history: Learner) -> None:
    history.ctx.profiles.update_settings(history.profile_id, program="PT program",
                                         instructor="Dr. Chen")
    report = history.stats().report(PeriodKind.DAYS_30)
    assert (report.learner, report.program, report.instructor) == ("Ana", "PT program",
                                                                   "Dr. Chen")
    privacy = report.by_topic["privacy"]
    assert (privacy.answers, privacy.score_sum, privacy.distinct_questions,
            privacy.missed_now) == (4, 3.0, 2, 0)
    assert privacy.accuracy == 0.75
    assert report.by_topic["safety"].answers == 1
    assert report.generated_local == NOW
