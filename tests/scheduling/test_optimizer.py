"""Fitting FSRS to a learner: items, the minimum, the fit against the defaults, applying it."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import fsrs
import pytest
from sqlalchemy import select

from mht_desktop.cli.main import main
from mht_desktop.core.banks import Bank, BankFormat, BankInfo, Flashcard, Topic
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import MhtError
from mht_desktop.formats import write_bank
from mht_desktop.scheduling.optimizer import (
    DEFAULT_PARAMETERS,
    MIN_REVIEWS,
    Answer,
    OptimizerError,
    check_parameters,
    fit,
    training_items,
)
from mht_desktop.services.banks import drain
from mht_desktop.services.context import AppContext
from mht_desktop.storage import cards as cards_repo
from mht_desktop.storage.models import CardRow, ReviewLogRow

START = date(2025, 1, 1)


def simulated_learner(cards: int, seed: int = 7) -> list[Answer]:
    """A learner who forgets faster than FSRS's defaults assume (seeded, so exact)."""
    rng = random.Random(seed)
    answers: list[Answer] = []
    for card in range(cards):
        day, stability, interval = START + timedelta(days=card % 30), 0.6, 1
        answers.append(Answer(card, day, 3))
        for _ in range(8):
            day += timedelta(days=interval)
            recalled = rng.random() < math.exp(-interval / stability / 3)
            answers.append(Answer(card, day, 3 if recalled else 1))
            stability = stability * 2.2 if recalled else max(0.4, stability / 2)
            interval = max(1, round(interval * (2.5 if recalled else 0.3)))
    return answers


def test_items_are_answers_on_a_later_day_with_their_history() -> None:
    day = START
    answers = [Answer(1, day, 1), Answer(1, day, 3), Answer(1, day + timedelta(days=3), 3),
               Answer(2, day, 4), Answer(1, day + timedelta(days=10), 2)]
    items, card_ids = training_items(answers)
    assert card_ids == [1, 1]  # card 2 was answered once: nothing to learn from yet
    # The binding exposes reviews only through their repr.
    assert [repr(r) for r in items[1].reviews] == [
        f"FSRSReview {{ rating: {g}, delta_t: {d} }}" for g, d in [(1, 0), (3, 0), (3, 3), (2, 7)]]


def test_too_little_history_is_refused_with_the_minimum() -> None:
    with pytest.raises(OptimizerError, match=f"at least {MIN_REVIEWS}"):
        fit(simulated_learner(10))


def test_fit_beats_the_defaults_and_suits_our_scheduler() -> None:
    result = fit(simulated_learner(400))
    assert result.reviews == 400 * 8 and result.cards == 400
    assert result.improves
    assert result.fitted.log_loss < result.defaults.log_loss
    assert result.fitted.rmse_bins < result.defaults.rmse_bins
    assert len(result.parameters) == len(DEFAULT_PARAMETERS) == 21
    assert result.parameters != DEFAULT_PARAMETERS
    fsrs.Scheduler(parameters=result.parameters)  # the package we schedule with takes them


def test_parameters_of_another_fsrs_version_are_refused() -> None:
    with pytest.raises(OptimizerError, match="expected 21"):
        check_parameters(DEFAULT_PARAMETERS[:19])


def _learner_with_history(data: Path, cards: int = 400) -> tuple[AppContext, int]:
    """A data folder with a bank of ``cards`` flashcards and Ana's simulated year on them."""
    bank = Bank(BankInfo("deck", "Deck"), (Topic("t", "T"),), (),
                tuple(Flashcard(f"f{i:04d}", "t", f"front {i}", f"back {i}")
                      for i in range(cards)))
    data.mkdir(parents=True)
    path = data / "deck.mhtbank.toml"
    path.write_text(write_bank(bank, BankFormat.NATIVE), encoding="utf-8")
    ctx = AppContext.open(data, clock=FixedClock(datetime(2026, 1, 5, 12, tzinfo=UTC)))
    ctx.banks.import_file_now(path)
    profile, _ = ctx.profiles.create("Ana")
    with ctx.db.session() as s:
        cards_repo.sync_cards(s, profile.id, ctx.clock.now())
        card_ids = list(s.scalars(select(CardRow.id).where(CardRow.profile_id == profile.id)
                                  .order_by(CardRow.id)))
    last: dict[int, date] = {}
    rows = []
    for a in simulated_learner(cards):
        gap = (a.day - last[a.card_id]).days if a.card_id in last else 0
        last[a.card_id] = a.day
        rows.append(ReviewLogRow(
            profile_id=profile.id, card_id=card_ids[a.card_id], rating=a.rating,
            reviewed_at=datetime.combine(a.day, time(12), UTC), duration_ms=5000,
            state_before=2, interval_days=float(gap), snapshot={}))
    with ctx.db.session() as s:
        s.add_all(rows)
    return ctx, profile.id


def test_optimize_then_apply_changes_the_schedulers_parameters(tmp_path: Path,
                                                                ctx: AppContext) -> None:
    profile, _ = ctx.profiles.create("Ana")
    too_few = drain(ctx.memory_model(profile.id).optimize())
    assert too_few.fit is None and "at least 400" in too_few.message
    learner, profile_id = _learner_with_history(tmp_path / "learner")
    model = learner.memory_model(profile_id)
    report = drain(model.optimize())
    assert report.fit is not None and report.fit.improves and report.reviews == 3200
    assert learner.memory_model(profile_id).retention().fitted_parameters is False
    changes = model.apply(report.fit)
    assert changes.settings
    study = learner.study(profile_id)
    assert study.settings.fsrs_parameters == report.fit.parameters
    assert tuple(study.scheduler._scheduler.parameters) == report.fit.parameters
    worse = replace(report.fit, fitted=report.fit.defaults)
    with pytest.raises(MhtError, match="not applied"):
        model.apply(worse)
    model.reset()
    assert learner.study(profile_id).settings.fsrs_parameters == ()
    learner.close()


def test_true_retention_counts_mature_reviews_by_period(ctx: AppContext,
                                                         sample_bank_file: Path) -> None:
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create("Ana")
    now = ctx.clock.now()
    with ctx.db.session() as s:
        cards_repo.sync_cards(s, profile.id, now)
        card = s.query(CardRow).filter_by(profile_id=profile.id).first()
        assert card is not None
        # (days ago, rating, interval scheduled after it): the first is young, so the second
        # review is mature (21 days scheduled before it), and so on.
        for days_ago, rating, interval in [(100, 3, 25), (75, 3, 30), (20, 1, 2), (18, 3, 21),
                                           (3, 3, 40)]:
            s.add(ReviewLogRow(profile_id=profile.id, card_id=card.id, rating=rating,
                               reviewed_at=now - timedelta(days=days_ago), duration_ms=1,
                               state_before=2, interval_days=interval, snapshot={}))
    retention = ctx.memory_model(profile.id).retention()
    assert retention.desired == 0.9
    by_days = {p.days: (p.passed, p.total) for p in retention.periods}
    assert by_days == {7: (1, 1), 30: (1, 2), 365: (2, 3)}


def test_cli_study_optimize(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "D"
    assert main(["--data-dir", str(data), "profile", "create", "Ana"]) == 0
    assert main(["--data-dir", str(data), "study", "optimize", "--profile", "Ana"]) == 0
    out = capsys.readouterr().out
    assert "Desired retention: 90%" in out and "last 365 days: —" in out
    assert "Not enough history yet" in out and "at least 400" in out
    learner, _ = _learner_with_history(tmp_path / "learner")
    learner.close()
    base = ["--data-dir", str(tmp_path / "learner"), "study", "optimize", "--profile", "Ana"]
    assert main([*base, "--apply"]) == 0
    out = capsys.readouterr().out
    assert "Fitted on 3,200 reviews of 400 cards" in out
    assert "defaults" in out and "fitted" in out and "Applied:" in out
    check = AppContext.open(tmp_path / "learner")
    assert len(check.profiles.settings(check.profiles.by_name("Ana").id).fsrs_parameters) == 21
    check.close()


def test_study_days_match_the_study_date_across_daylight_saving() -> None:
    from zoneinfo import ZoneInfo

    from mht_desktop.core.cards import study_date
    from mht_desktop.services.memory_model import _StudyDays

    zone = ZoneInfo("America/New_York")
    day_of = _StudyDays(zone, 4)
    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    rng = random.Random(3)
    # Every quarter hour around both 2025 clock changes, and random moments all year.
    changes = [int(datetime(2025, 3, 9, 5, tzinfo=UTC).timestamp()),
               int(datetime(2025, 11, 2, 5, tzinfo=UTC).timestamp())]
    moments = [c + k * 900 for c in changes for k in range(-200, 200)]
    moments += [start + rng.randrange(365 * 86400) for _ in range(5000)]
    for epoch in moments:
        assert day_of(epoch) == study_date(datetime.fromtimestamp(epoch, UTC), zone, 4), epoch


def test_parameters_out_of_the_schedulers_bounds_are_refused() -> None:
    with pytest.raises(OptimizerError, match="out of range"):
        check_parameters((-5.0, *DEFAULT_PARAMETERS[1:]))
