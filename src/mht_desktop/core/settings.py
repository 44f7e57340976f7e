"""Per-profile settings with their defaults, stored as JSON on the profile row."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class LearnerSettings:
    """What each learner can tune. Defaults follow Anki's and the exam's usual values."""

    desired_retention: float = 0.90
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps_min: tuple[int, ...] = (1, 10)
    relearning_steps_min: tuple[int, ...] = (10,)
    maximum_interval_days: int = 36500
    day_starts_hour: int = 4
    leech_threshold: int = 8
    exam_date: date | None = None
    pass_mark: float = 0.70
    partial_credit: bool = False
    program: str = ""
    instructor: str = ""
    # FSRS parameters fitted to this learner ("Optimize"); empty means FSRS's defaults.
    fsrs_parameters: tuple[float, ...] = ()
    # A local profile that studies on a training program's server: its URL, never with a
    # password (that stays in the OS keychain, or is asked at start).
    server_url: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (dates as ISO strings, tuples as lists)."""
        data = asdict(self)
        data["exam_date"] = self.exam_date.isoformat() if self.exam_date else None
        data["learning_steps_min"] = list(self.learning_steps_min)
        data["relearning_steps_min"] = list(self.relearning_steps_min)
        data["fsrs_parameters"] = list(self.fsrs_parameters)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearnerSettings:
        """Read stored settings, ignoring unknown keys and falling back on bad values."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        defaults = cls()
        for key, raw in data.items():
            if key not in known:
                continue
            default = getattr(defaults, key)
            try:
                if key == "exam_date":
                    values[key] = date.fromisoformat(raw) if raw else None
                elif key == "fsrs_parameters":
                    values[key] = tuple(float(v) for v in raw)
                elif isinstance(default, tuple):
                    values[key] = tuple(int(v) for v in raw)
                elif isinstance(default, bool):
                    values[key] = bool(raw)
                elif isinstance(default, int):
                    values[key] = int(raw)
                elif isinstance(default, float):
                    values[key] = float(raw)
                else:
                    values[key] = str(raw)
            except (TypeError, ValueError):
                continue
        return replace(defaults, **values)
