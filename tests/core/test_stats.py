from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mht_desktop.core.activity import (
    DayActivity,
    ScorePoint,
    bin_series,
    countdown_text,
    daily_series,
    days_until,
    due_forecast,
    heatmap,
    merge_activity,
    streaks,
    totals,
)
from mht_desktop.core.periods import Period, PeriodKind, StudyCalendar
from mht_desktop.core.quiz import Blueprint, Domain
from mht_desktop.core.readiness import (
    AnswerBucket,
    Confidence,
    TopicFacts,
    TopicReadiness,
    all_topic_readiness,
    card_retention,
    class_matrix,
    combine,
    coverage,
    next_steps,
    overall_readiness,
    percent,
    quiz_accuracy,
    recency_weight,
    topic_readiness,
    weakest_topics,
)

TODAY = date(2026, 1, 5)


def _topic(topic_id: str, readiness: float | None, *, questions: int = 20,
           cover: float = 1.0, distinct: int = 20, cards: int = 0) -> TopicReadiness:
    return TopicReadiness(topic_id, topic_id.title(), questions, readiness, None, readiness,
                          cover, distinct, distinct, cards)


# -- the readiness formula -----------------------------------------------------------------

@pytest.mark.parametrize(("age", "weight"), [(0, 1.0), (30, 0.5), (60, 0.25), (90, 0.125)])
def test_answer_weight_halves_every_30_days(age: int, weight: float) -> None:
    assert recency_weight(age) == weight


def test_quiz_accuracy_is_recency_weighted_over_90_days() -> None:
    buckets = [AnswerBucket("t", TODAY, 2, 2.0),                       # weight 1
               AnswerBucket("t", TODAY - timedelta(days=30), 2, 0.0),  # weight ½
               AnswerBucket("t", TODAY - timedelta(days=90), 5, 0.0),  # too old
               AnswerBucket("t", TODAY + timedelta(days=1), 5, 0.0)]   # in the future
    accuracy, counted = quiz_accuracy(buckets, TODAY)
    assert accuracy == pytest.approx(2 / 3, rel=1e-12)  # (1·2 + ½·0) / (1·2 + ½·2)
    assert counted == 4
    assert quiz_accuracy([], TODAY) == (None, 0)


def test_card_retention_uses_retrievability_then_falls_back_to_non_again_share() -> None:
    assert card_retention(TopicFacts("t", "T", cards_reviewed=4,
                                     retrievability_sum=3.2)) == pytest.approx(0.8)
    assert card_retention(TopicFacts("t", "T", recent_reviews=10, recent_not_again=7)) == 0.7
    assert card_retention(TopicFacts("t", "T")) is None


def test_readiness_combines_60_40_or_takes_whichever_exists() -> None:
    assert combine(0.5, 1.0) == pytest.approx(0.7)
    assert combine(0.5, None) == 0.5
    assert combine(None, 0.9) == 0.9
    assert combine(None, None) is None


@pytest.mark.parametrize(("distinct", "questions", "expected"),
                         [(10, 40, 0.5), (25, 40, 1.0), (8, 8, 1.0), (4, 8, 0.5), (5, 0, 0.25)])
def test_coverage_needs_20_distinct_questions_or_every_question_of_a_small_topic(
        distinct: int, questions: int, expected: float) -> None:
    assert coverage(distinct, questions) == expected


def test_topic_readiness_from_facts_and_buckets() -> None:
    facts = TopicFacts("safety", "Safety", questions=40, distinct_answered=5, cards_reviewed=2,
                       retrievability_sum=1.8)
    topic = topic_readiness(facts, [AnswerBucket("safety", TODAY, 4, 3.0)], TODAY)
    assert topic.quiz_accuracy == 0.75
    assert topic.card_retention == pytest.approx(0.9)
    assert topic.readiness == pytest.approx(0.6 * 0.75 + 0.4 * 0.9)
    assert topic.coverage == 0.25
    assert topic.confidence is Confidence.LOW
    assert topic.enough_data
    assert "quiz accuracy 75% (5 different questions)" in topic.explain()


@pytest.mark.parametrize(("cover", "has", "label"), [
    (1.0, True, Confidence.GOOD), (0.5, True, Confidence.FAIR), (0.49, True, Confidence.LOW),
    (1.0, False, Confidence.NONE)])
def test_confidence_labels(cover: float, has: bool, label: Confidence) -> None:
    topic = _topic("t", 0.5 if has else None, cover=cover)
    assert topic.confidence is label


def test_all_topics_sorted_by_title_with_their_own_buckets() -> None:
    topics = all_topic_readiness(
        [TopicFacts("b", "Beta"), TopicFacts("a", "alpha")],
        [AnswerBucket("b", TODAY, 1, 1.0), AnswerBucket("a", TODAY, 1, 0.0)], TODAY)
    assert [(t.topic_id, t.quiz_accuracy) for t in topics] == [("a", 0.0), ("b", 1.0)]


def test_overall_is_question_weighted_without_a_blueprint() -> None:
    topics = [_topic("a", 0.8, questions=30, cover=1.0), _topic("b", 0.4, questions=10,
                                                                 cover=0.5),
              _topic("c", None, questions=20, cover=0.0)]
    overall = overall_readiness(topics)
    assert overall.readiness == pytest.approx((30 * 0.8 + 10 * 0.4) / 40)  # 0.7
    assert overall.coverage == pytest.approx((30 * 1.0 + 10 * 0.5) / 60)
    assert (overall.method, overall.topics_with_data, overall.topics) == ("questions", 2, 3)


def test_overall_uses_blueprint_domain_weights() -> None:
    topics = [_topic("a", 0.8, questions=30, cover=1.0), _topic("b", 0.4, questions=10,
                                                                 cover=0.5),
              _topic("c", 0.4, questions=20, cover=0.25)]
    blueprint = Blueprint("bp", (Domain("D1", 2, ("a", "b")), Domain("D2", 1, ("c",)),
                                 Domain("absent", 5, ("zzz",))))
    overall = overall_readiness(topics, blueprint)
    assert overall.method == "blueprint"
    assert overall.readiness == pytest.approx((2 * 0.7 + 1 * 0.4) / 3)  # D1 = 0.7, D2 = 0.4
    assert overall.coverage == pytest.approx((2 * 0.875 + 1 * 0.25) / 3)


def test_overall_falls_back_to_questions_when_the_blueprint_names_no_topic_with_data() -> None:
    overall = overall_readiness([_topic("a", 0.6)], Blueprint("bp", (Domain("D", 1, ("x",)),)))
    assert (overall.method, overall.readiness) == ("questions", 0.6)
    assert overall_readiness([]).readiness is None


def test_weakest_topics_need_enough_data() -> None:
    topics = [_topic("strong", 0.9), _topic("weak", 0.3), _topic("thin", 0.1, distinct=2),
              _topic("cards", 0.5, distinct=0, cards=10), _topic("none", None)]
    assert [t.topic_id for t in weakest_topics(topics)] == ["weak", "cards", "strong"]
    assert [t.topic_id for t in weakest_topics(topics, limit=1)] == ["weak"]


def test_next_steps_follow_what_is_weak() -> None:
    topic = TopicReadiness("t", "T", 40, 0.5, 0.6, 0.54, 0.25, 5, 5, 3)
    steps = next_steps(topic, pass_mark=0.7, missed=2)
    assert steps[0].startswith("Review the 2 question(s)")
    assert any("smart-practice" in s and "70%" in s for s in steps)
    assert any("due flashcards" in s for s in steps)
    assert steps[-1] == "Answer 15 more different question(s) for a reliable figure."
    done = TopicReadiness("t", "T", 40, 0.9, 0.95, 0.92, 1.0, 30, 30, 3)
    assert next_steps(done, pass_mark=0.7) == [
        "Keep it fresh: one short quiz on this topic each week."]


# -- periods, study days, streaks ----------------------------------------------------------

def test_periods() -> None:
    last30 = Period.of(PeriodKind.DAYS_30, TODAY)
    assert (last30.start, last30.end, last30.label) == (date(2025, 12, 7), TODAY,
                                                        "Last 30 days")
    assert len(last30.days(None)) == 30
    assert Period.of(PeriodKind.DAYS_90, TODAY).start == date(2025, 10, 8)
    every = Period.of(PeriodKind.ALL, TODAY)
    assert every.start is None and every.label == "All time"
    assert every.days(date(2026, 1, 3)) == [date(2026, 1, 3), date(2026, 1, 4), TODAY]
    custom = Period.between(date(2026, 1, 1), date(2026, 1, 2))
    assert custom.label == "2026-01-01 – 2026-01-02" and custom.contains(date(2026, 1, 2))
    assert not custom.contains(TODAY)
    with pytest.raises(ValueError, match="starts"):
        Period.between(TODAY, date(2026, 1, 1))


def test_study_days_start_at_4_am_local_time() -> None:
    eastern = timezone(timedelta(hours=-5))
    cal = StudyCalendar(eastern, 4, datetime(2026, 1, 5, 12, tzinfo=UTC))
    assert cal.day_of(datetime(2026, 1, 5, 8, 59, tzinfo=UTC)) == date(2026, 1, 4)  # 3:59
    assert cal.day_of(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == date(2026, 1, 5)   # 4:00
    assert cal.day_start(date(2026, 1, 5)) == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert cal.shift_seconds == 0
    hour = int(datetime(2026, 1, 5, 8, tzinfo=UTC).timestamp()) // 3600
    assert cal.day_of_bucket(hour) == date(2026, 1, 4)
    assert cal.day_of_bucket(hour + 1) == date(2026, 1, 5)


def test_half_hour_zones_shift_buckets_to_local_hours() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    cal = StudyCalendar(india, 4, datetime(2026, 1, 5, tzinfo=UTC))
    assert cal.shift_seconds == 1800
    start = cal.day_start(date(2026, 1, 5))  # 04:00 IST = 22:30 UTC the day before
    assert start == datetime(2026, 1, 4, 22, 30, tzinfo=UTC)
    epoch = int(start.timestamp())
    assert cal.day_of_bucket((epoch + 1800) // 3600) == date(2026, 1, 5)
    assert cal.day_of_bucket((epoch - 1 + 1800) // 3600) == date(2026, 1, 4)


def test_daylight_saving_changes_keep_the_4_am_boundary() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        new_york = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database")
    cal = StudyCalendar(new_york, 4, datetime(2026, 3, 1, tzinfo=UTC))
    assert cal.day_start(date(2026, 3, 7)) == datetime(2026, 3, 7, 9, tzinfo=UTC)  # EST
    assert cal.day_start(date(2026, 3, 8)) == datetime(2026, 3, 8, 8, tzinfo=UTC)  # EDT
    eight = int(datetime(2026, 3, 8, 8, tzinfo=UTC).timestamp()) // 3600
    assert cal.day_of_bucket(eight) == date(2026, 3, 8)       # 4:00 EDT
    assert cal.day_of_bucket(eight - 1) == date(2026, 3, 7)   # 3:00 EDT


def test_streaks() -> None:
    days = [TODAY - timedelta(days=n) for n in (0, 1, 2, 10, 11, 12, 13, 14)]
    streak = streaks(days, TODAY)
    assert (streak.current, streak.longest, streak.studied_today) == (3, 5, True)
    yesterday = streaks([TODAY - timedelta(days=1), TODAY - timedelta(days=2)], TODAY)
    assert (yesterday.current, yesterday.studied_today) == (2, False)
    assert streaks([TODAY - timedelta(days=2)], TODAY).current == 0
    assert streaks([], TODAY).longest == 0
    assert streaks([TODAY + timedelta(days=1)], TODAY).longest == 0  # the future is ignored


def test_activity_series_heatmap_bins_and_totals() -> None:
    activity = merge_activity({TODAY: (3, 60.0), TODAY - timedelta(days=1): (1, 30.0)},
                              {TODAY: (2, 90.0)})
    assert activity[TODAY] == DayActivity(TODAY, 3, 2, 150.0)
    assert activity[TODAY].count == 5 and activity[TODAY].minutes == 2.5
    period = Period.of(PeriodKind.DAYS_30, TODAY)
    series = daily_series(activity, period.days(None))
    assert len(series) == 30 and series[-1].count == 5 and series[0].count == 0
    cells = heatmap(activity, period, None)
    assert cells[-2:] == [(TODAY - timedelta(days=1), 1), (TODAY, 5)] and len(cells) == 30
    assert len(heatmap(activity, Period.of(PeriodKind.ALL, TODAY), date(2024, 1, 1))) == 371
    binned = bin_series(series, 7)
    assert [b.count for b in binned] == [0, 0, 0, 0, 6] and binned[-1].day == date(2026, 1, 4)
    trend = [ScorePoint(1, TODAY, datetime(2026, 1, 5, tzinfo=UTC), "exam", 0.8, True, 100),
             ScorePoint(2, TODAY, datetime(2026, 1, 5, tzinfo=UTC), "tutor", 0.5, None, 10)]
    summary = totals(series, trend)
    assert (summary.reviews, summary.answers, summary.minutes, summary.study_days,
            summary.attempts, summary.exams, summary.exams_passed) == (4, 2, 3.0, 2, 2, 1, 1)


def test_due_forecast_puts_overdue_cards_on_today() -> None:
    forecast = due_forecast({TODAY - timedelta(days=3): 2, TODAY: 1,
                             TODAY + timedelta(days=29): 4, TODAY + timedelta(days=30): 9},
                            TODAY)
    assert len(forecast) == 30
    assert forecast[0] == (TODAY, 3) and forecast[-1] == (TODAY + timedelta(days=29), 4)
    assert sum(n for _, n in forecast) == 7


def test_countdown_and_formatting() -> None:
    assert days_until(date(2026, 1, 15), TODAY) == 10
    assert days_until(None, TODAY) is None
    assert countdown_text(10) == "10 days to the exam"
    assert countdown_text(1) == "1 day to the exam"
    assert countdown_text(0) == "Exam is today"
    assert countdown_text(-2) == "Exam was 2 days ago"
    assert countdown_text(None) == "No exam date set"
    assert percent(0.734) == "73%" and percent(None) == "—"


def test_class_matrix_lines_up_topics_across_trainees() -> None:
    rows = class_matrix([[("b", "Beta", 0.5), ("a", "Alpha", 0.9)], [("a", "Alpha x", None)]])
    assert [(r.topic_id, r.title, r.values) for r in rows] == [
        ("a", "Alpha", (0.9, None)), ("b", "Beta", (0.5, None))]
    assert rows[0].mean == 0.9 and class_matrix([]) == []
