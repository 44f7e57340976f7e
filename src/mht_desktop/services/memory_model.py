"""The learner's memory model: fitting FSRS to their history, and their true retention.

"Optimize" reads the learner's answers, fits FSRS parameters to them
(:mod:`mht_desktop.scheduling.optimizer`) and reports the fit beside the defaults on the same
history. Nothing changes until the learner applies the result, and :meth:`apply` refuses
parameters that do not beat the defaults. True retention (the pass rate of mature reviews)
is shown beside the desired retention so the learner can see whether the schedule delivers
what it promises.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import MhtError
from mht_desktop.core.progress import Progress
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.scheduling.optimizer import MIN_REVIEWS, Answer, Fit, OptimizerError, fit
from mht_desktop.services.study import local_zone
from mht_desktop.storage import profiles as profiles_repo
from mht_desktop.storage import review_history as repo
from mht_desktop.storage.database import Database
from mht_desktop.storage.review_history import PassRate


@dataclass(frozen=True, slots=True)
class Retention:
    """Desired retention beside the true retention over the last 7, 30 and 365 days."""

    desired: float
    periods: tuple[PassRate, ...]
    fitted_parameters: bool  # whether the learner's own parameters are in use


@dataclass(frozen=True, slots=True)
class OptimizeReport:
    """What "Optimize" found: the fit (None when there is too little history) and why not."""

    fit: Fit | None
    reviews: int
    minimum: int
    message: str


class _StudyDays:
    """The study date of a Unix time, fast enough for half a million answers.

    A zone's UTC offset changes only on the hour, so it is looked up once per hour of
    history (about 9,000 lookups for a year) instead of once per answer.
    """

    def __init__(self, zone: tzinfo, starts_hour: int) -> None:
        self._zone = zone
        self._shift = starts_hour * 3600
        self._offsets: dict[int, int] = {}
        self._dates: dict[int, date] = {}

    def __call__(self, epoch: int) -> date:
        hour = epoch // 3600
        offset = self._offsets.get(hour)
        if offset is None:
            moment = datetime.fromtimestamp(hour * 3600, UTC).astimezone(self._zone)
            delta = moment.utcoffset()
            offset = self._offsets[hour] = int(delta.total_seconds()) if delta else 0
        day = (epoch + offset - self._shift) // 86400
        found = self._dates.get(day)
        if found is None:
            found = self._dates[day] = _EPOCH + timedelta(days=day)
        return found


_EPOCH = date(1970, 1, 1)


class MemoryModelService:
    """Optimize and true retention for one learner (the CLI and the study settings)."""

    def __init__(self, db: Database, clock: Clock, profile_id: int, *,
                 zone: tzinfo | None = None) -> None:
        self._db = db
        self._clock = clock
        self.profile_id = profile_id
        self._zone = zone or local_zone()

    def _settings(self) -> LearnerSettings:
        with self._db.session() as s:
            return LearnerSettings.from_json(profiles_repo.settings(s, self.profile_id))

    def retention(self) -> Retention:
        """The learner's true retention by period, beside the desired retention."""
        settings = self._settings()
        with self._db.session() as s:
            rates = repo.mature_pass_rates(s, self.profile_id, self._clock.now())
        return Retention(settings.desired_retention, tuple(rates),
                         bool(settings.fsrs_parameters))

    def optimize(self) -> Generator[Progress, None, OptimizeReport]:
        """Fit FSRS to the learner's history (seconds for a year of reviews)."""
        yield Progress(0, 2, "Reading your review history…")
        hour = self._settings().day_starts_hour
        with self._db.session() as s:
            rows = repo.answers(s, self.profile_id)
        day_of = _StudyDays(self._zone, hour)
        answers = [Answer(card_id, day_of(epoch), rating) for card_id, epoch, rating in rows]
        yield Progress(1, 2, f"Fitting FSRS to {len(answers):,} answers…")
        try:
            result = fit(answers)
        except OptimizerError as exc:
            return OptimizeReport(None, 0, MIN_REVIEWS, f"Not enough history yet: {exc}.")
        if result.improves:
            message = ("Your own parameters predict your answers better than the defaults "
                       f"(log-loss {result.fitted.log_loss:.4f} vs "
                       f"{result.defaults.log_loss:.4f}).")
        else:
            message = ("The defaults predict your answers as well as parameters fitted to "
                       "them; keep the defaults.")
        return OptimizeReport(result, result.reviews, MIN_REVIEWS, message)

    def apply(self, result: Fit) -> Changes:
        """Schedule with the fitted parameters from now on (only if they beat the defaults)."""
        if not result.improves:
            raise MhtError("These parameters do not predict your reviews better than the "
                           "defaults, so they were not applied.")
        return self._store(result.parameters)

    def reset(self) -> Changes:
        """Go back to FSRS's default parameters."""
        return self._store(())

    def _store(self, parameters: tuple[float, ...]) -> Changes:
        with self._db.session() as s:
            profiles_repo.update_settings(s, self.profile_id,
                                          {"fsrs_parameters": list(parameters)})
        return Changes(settings=True, cards=True)
