from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mht_desktop.core.cards import format_interval, plan_for_exam, study_date, study_day_start

EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(("utc_time", "expected_start"), [
    # 03:59 local on 6 Jan is still the study day that began 04:00 local on 5 Jan.
    (datetime(2026, 1, 6, 8, 59, tzinfo=UTC), datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),
    (datetime(2026, 1, 6, 9, 0, tzinfo=UTC), datetime(2026, 1, 6, 9, 0, tzinfo=UTC)),
    (datetime(2026, 1, 6, 23, 0, tzinfo=UTC), datetime(2026, 1, 6, 9, 0, tzinfo=UTC)),
])
def test_study_day_starts_at_4am_local(utc_time: datetime, expected_start: datetime) -> None:
    assert study_day_start(utc_time, EST, 4) == expected_start


def test_study_date_after_midnight_is_yesterday() -> None:
    assert study_date(datetime(2026, 1, 6, 6, 30, tzinfo=UTC), EST, 4) == date(2026, 1, 5)


def test_exam_plan_on_track_and_behind() -> None:
    today = date(2026, 1, 1)
    ok = plan_for_exam(today=today, exam_date=date(2026, 1, 31), new_remaining=200,
                       new_per_day=20)
    # 10 days of new cards (1–10 Jan) finish well before 24 Jan (a week before the exam).
    assert ok.on_track and ok.finish_date == date(2026, 1, 10)
    behind = plan_for_exam(today=today, exam_date=date(2026, 1, 31), new_remaining=600,
                           new_per_day=20)
    # 24 intro days (1–24 Jan): 600 / 24 = 25 per day.
    assert not behind.on_track and behind.suggested_new_per_day == 25
    assert "Raise new cards per day from 20 to 25" in behind.message()
    late = plan_for_exam(today=today, exam_date=date(2026, 1, 5), new_remaining=10,
                         new_per_day=20)
    assert not late.on_track and late.suggested_new_per_day is None


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(seconds=30), "<1m"), (timedelta(minutes=10), "10m"), (timedelta(hours=5), "5h"),
    (timedelta(days=3), "3d"), (timedelta(days=45), "1.5mo"), (timedelta(days=730), "2.0y")])
def test_format_interval(delta: timedelta, text: str) -> None:
    assert format_interval(delta) == text
