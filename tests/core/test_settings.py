from __future__ import annotations

from datetime import date

from mht_desktop.core.settings import LearnerSettings


def test_settings_round_trip_and_bad_values_fall_back() -> None:
    s = LearnerSettings(new_per_day=35, exam_date=date(2026, 3, 1), learning_steps_min=(2, 20))
    assert LearnerSettings.from_json(s.to_json()) == s
    odd = LearnerSettings.from_json({"new_per_day": "lots", "unknown": 1, "pass_mark": "0.8"})
    assert odd.new_per_day == 20 and odd.pass_mark == 0.8
