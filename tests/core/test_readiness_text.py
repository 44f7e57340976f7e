"""Readiness shown as honestly as the data allows, and study time in a readable unit."""

from __future__ import annotations

from dataclasses import replace

from mht_desktop.core.readiness import (
    NOT_ENOUGH,
    TopicReadiness,
    readiness_range,
    readiness_text,
    study_time_text,
)

ONE_ANSWER = TopicReadiness(
    topic_id="t", title="T", questions=40, quiz_accuracy=1.0, card_retention=None,
    readiness=1.0, coverage=1 / 20, distinct_answered=1, recent_answers=1, cards_reviewed=0)


def test_one_right_answer_is_not_a_confident_hundred_percent() -> None:
    assert readiness_text(ONE_ANSWER) == NOT_ENOUGH
    assert readiness_text(replace(ONE_ANSWER, readiness=None)) == "no data"


def test_some_data_gives_a_range_around_the_figure_and_good_data_the_figure() -> None:
    some = replace(ONE_ANSWER, readiness=0.8, quiz_accuracy=0.8, distinct_answered=10,
                   recent_answers=10, coverage=0.5)
    low, high = readiness_range(0.8, 10)
    assert low < 0.8 < high
    assert readiness_text(some) == f"{round(low * 100)}–{round(high * 100)}%"
    good = replace(some, distinct_answered=20, recent_answers=20, coverage=1.0)
    assert readiness_text(good) == "80%"


def test_the_range_narrows_with_evidence_and_stays_inside_0_to_1() -> None:
    widths = [readiness_range(0.7, n)[1] - readiness_range(0.7, n)[0] for n in (5, 20, 80)]
    assert widths == sorted(widths, reverse=True)
    assert readiness_range(1.0, 1)[1] == 1.0 and readiness_range(1.0, 1)[0] < 0.5
    assert readiness_range(0.0, 3)[0] == 0.0


def test_study_time_reads_in_minutes_under_an_hour() -> None:
    assert [study_time_text(m) for m in (0, 2.4, 45, 59.4, 90, 12 * 60)] == \
        ["0 min", "2 min", "45 min", "59 min", "1.5 h", "12 h"]
