from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mht_desktop.core.cards import CardState, Deck, Flag, Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.services.study import StudyService
from mht_desktop.storage.card_browser import BrowseQuery

HEADER = 'format = 1\n[bank]\nid = "deck"\ntitle = "Deck"\n[[topics]]\nid = "a"\ntitle = "A"\n' \
         '[[topics]]\nid = "b"\ntitle = "B"\n'


def _bank(tmp_path: Path, n: int = 30) -> Path:
    cards = "".join(
        f'[[flashcards]]\nid = "c{i:03d}"\ntopic = "{"a" if i % 2 == 0 else "b"}"\n'
        f'front = "Front {i}"\nback = "Back {i}"\nsource = "S"\n' for i in range(n))
    path = tmp_path / "deck.mhtbank.toml"
    path.write_text(HEADER + cards)
    return path


@pytest.fixture
def study(ctx: AppContext, tmp_path: Path, clock: FixedClock) -> StudyService:
    ctx.banks.import_file_now(_bank(tmp_path))
    profile, _ = ctx.profiles.create("Ana")
    return StudyService(ctx.db, clock, profile.id, zone=UTC, fuzz=False)


def test_new_cards_come_in_bank_order_and_respect_the_daily_limit(
        study: StudyService, ctx: AppContext, clock: FixedClock) -> None:
    ctx.profiles.update_settings(study.profile_id, new_per_day=3)
    study.reload()
    fronts = []
    for _ in range(3):
        card = study.next_card()
        assert card is not None and card.schedule.state is CardState.NEW
        fronts.append(card.front)
        study.answer(card, Rating.EASY)
    assert fronts == ["Front 0", "Front 1", "Front 2"]
    assert study.next_card() is None  # limit reached and nothing else is due
    assert study.queue_state().new == 0
    clock.advance(timedelta(days=1))  # a new study day brings three more
    assert study.queue_state().new == 3


def test_learning_steps_then_review(study: StudyService, clock: FixedClock) -> None:
    card = study.next_card()
    assert card is not None
    outcomes = study.outcomes(card)
    assert outcomes.interval(Rating.AGAIN) == timedelta(minutes=1)
    assert outcomes.interval(Rating.GOOD) == timedelta(minutes=10)
    study.answer(card, Rating.GOOD, outcomes=outcomes)
    again = study.card(card.card_id)
    assert again.schedule.state is CardState.LEARNING
    assert again.schedule.due == clock.now() + timedelta(minutes=10)
    clock.advance(timedelta(minutes=10))
    nxt = study.next_card()
    assert nxt is not None and nxt.card_id == card.card_id  # due learning card comes first
    result = study.answer(nxt, Rating.GOOD)
    assert study.card(card.card_id).schedule.state is CardState.REVIEW
    assert result.next_due - clock.now() >= timedelta(days=1)


def test_day_boundary_defaults_to_4am(study: StudyService, clock: FixedClock) -> None:
    clock.current = datetime(2026, 1, 5, 3, 30, tzinfo=UTC)  # before 4 AM: yesterday's day
    start, end = study._day_bounds(clock.now())
    assert start == datetime(2026, 1, 4, 4, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 5, 4, 0, tzinfo=UTC)


def test_every_answer_is_committed_and_logged(study: StudyService, ctx: AppContext) -> None:
    card = study.next_card()
    assert card is not None
    study.answer(card, Rating.HARD, duration_ms=4200)
    with ctx.db.engine.connect() as c:
        row = c.exec_driver_sql(
            "SELECT rating, duration_ms, state_before FROM review_logs").one()
    assert tuple(row) == (2, 4200, 0)


def test_multi_step_undo_restores_cards_exactly(study: StudyService) -> None:
    first = study.next_card()
    assert first is not None
    study.answer(first, Rating.GOOD)
    second = study.next_card()
    assert second is not None
    study.answer(second, Rating.AGAIN)
    study.bury(first.card_id)
    assert study.undo_stack.label == "Undo bury"
    assert study.undo()[0] == first.card_id
    assert study.undo()[0] == second.card_id
    assert study.card(second.card_id).schedule == second.schedule
    assert study.undo()[0] == first.card_id
    assert study.card(first.card_id).schedule == first.schedule
    assert study.undo() == (None, study.undo()[1])
    assert study.history(first.card_id) == []


def test_bury_suspend_flag(study: StudyService, clock: FixedClock) -> None:
    card = study.next_card()
    assert card is not None
    study.bury(card.card_id)
    assert study.next_card().card_id != card.card_id  # type: ignore[union-attr]
    clock.advance(timedelta(days=1))
    assert study.next_card().card_id == card.card_id  # type: ignore[union-attr]
    study.set_suspended(card.card_id, True)
    assert study.next_card().card_id != card.card_id  # type: ignore[union-attr]
    study.set_flag(card.card_id, Flag.RED)
    assert study.card(card.card_id).flag is Flag.RED and study.card(card.card_id).suspended


def test_cram_does_not_change_schedules(study: StudyService, ctx: AppContext) -> None:
    study.prepare()
    queue = study.cram_queue(Deck("deck", "a"), seed=7)
    assert len(queue) == 15 and {c.topic_id for c in queue} == {"a"}
    assert [c.card_id for c in study.cram_queue(Deck("deck", "a"), seed=7)] == \
        [c.card_id for c in queue]
    with ctx.db.engine.connect() as c:
        assert c.exec_driver_sql("SELECT COUNT(*) FROM review_logs").scalar() == 0


def test_a_card_that_lapses_eight_times_becomes_a_leech(study: StudyService,
                                                        clock: FixedClock) -> None:
    card = study.next_card()
    assert card is not None
    study.answer(card, Rating.EASY)  # graduates to review
    leech_seen_at = None
    for lapse in range(1, 9):
        current = study.card(card.card_id)
        clock.current = current.schedule.due
        if current.schedule.state is not CardState.REVIEW:
            study.answer(current, Rating.EASY)
            current = study.card(card.card_id)
            clock.current = current.schedule.due
        result = study.answer(current, Rating.AGAIN)
        assert study.card(card.card_id).schedule.lapses == lapse
        if result.became_leech:
            leech_seen_at = lapse
    assert leech_seen_at == 8 and result.leech_threshold == 8
    assert study.card(card.card_id).leech
    assert "leech" in study.browse(BrowseQuery(tag="leech"))[0].tags


def test_overview_counts_and_exam_plan(study: StudyService, ctx: AppContext) -> None:
    from datetime import date

    ctx.profiles.update_settings(study.profile_id, exam_date=date(2026, 1, 20), new_per_day=2)
    study.reload()
    overview = study.overview()
    bank = overview.decks[0]
    assert (bank.bank_id, bank.topic_id, bank.new, bank.total) == ("deck", None, 30, 30)
    assert [d.topic_id for d in overview.decks[1:]] == ["a", "b"]
    assert overview.plan is not None and not overview.plan.on_track
    # Exam 20 Jan, today 5 Jan: intro days 5–13 Jan = 9 days; 30 cards → 4 per day.
    assert overview.plan.suggested_new_per_day == 4


def test_browser_filters_and_sorts(study: StudyService) -> None:
    card = study.next_card()
    assert card is not None
    study.answer(card, Rating.AGAIN)
    rows = study.browse(BrowseQuery(text="front 1", sort="front"))
    assert [r.front for r in rows][:3] == ["Front 1", "Front 10", "Front 11"]
    assert len(study.browse(BrowseQuery(state=CardState.LEARNING))) == 1
    assert len(study.browse(BrowseQuery(topic_id="b"))) == 15


def _fresh(study: StudyService, clock: FixedClock) -> StudyService:
    """A new service for the same learner: it has to count today's reviews from the logs."""
    return StudyService(study._db, clock, study.profile_id, zone=UTC, fuzz=False)


def _same_choice(study: StudyService, clock: FixedClock) -> None:
    fresh = _fresh(study, clock)
    assert study.queue_state() == fresh.queue_state()
    mine, theirs = study.next_card(), fresh.next_card()
    assert (mine and mine.card_id) == (theirs and theirs.card_id)


def test_daily_counts_kept_by_the_service_match_a_recount(
        study: StudyService, ctx: AppContext, clock: FixedClock) -> None:
    import random

    ctx.profiles.update_settings(study.profile_id, new_per_day=4, reviews_per_day=3)
    study.reload()
    rng = random.Random(11)
    for _ in range(160):
        step = rng.random()
        if step < 0.6:
            card = study.next_card()
            if card is not None:
                study.answer(card, rng.choice(list(Rating)))
        elif step < 0.75:
            study.undo()
        elif step < 0.8:
            card = study.next_card()
            if card is not None:
                study.bury(card.card_id)
        else:  # minutes, hours, or across one or more 4 AM day boundaries
            clock.advance(rng.choice((timedelta(minutes=3), timedelta(hours=5),
                                      timedelta(days=1), timedelta(days=3))))
        _same_choice(study, clock)


def test_choosing_counts_the_days_reviews_once_then_keeps_count(
        study: StudyService, ctx: AppContext, clock: FixedClock) -> None:
    from typing import Any

    from sqlalchemy import event

    statements: list[str] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        # What SQLite itself runs: the study loop hands its statements to the driver.
        dbapi_connection.set_trace_callback(statements.append)

    def counted() -> bool:
        found = any("FROM review_logs" in s and s.lstrip().startswith("SELECT")
                    for s in statements)
        statements.clear()
        return found

    ctx.db.engine.dispose()  # new connections, each traced from the start
    event.listen(ctx.db.engine, "connect", trace)
    try:
        card = study.next_card()
        assert card is not None and counted()
        study.answer(card, Rating.GOOD)
        assert not counted()
        assert study.next_card() is not None and not counted()  # kept in step by answer()
        study.undo()
        assert study.next_card() is not None and counted()  # undo makes it count again
        clock.advance(timedelta(days=1))
        assert study.next_card() is not None and counted()  # so does a new study day
    finally:
        event.remove(ctx.db.engine, "connect", trace)
        ctx.db.engine.dispose()


def test_undo_gives_back_todays_new_card_allowance(
        study: StudyService, ctx: AppContext, clock: FixedClock) -> None:
    ctx.profiles.update_settings(study.profile_id, new_per_day=1)
    study.reload()
    card = study.next_card()
    assert card is not None
    study.answer(card, Rating.EASY)
    assert study.next_card() is None and study.queue_state().new == 0
    study.undo()
    again = study.next_card()
    assert again is not None and again.card_id == card.card_id
    assert study.queue_state().new == 1


def test_an_answer_given_after_the_day_boundary_counts_for_the_new_day(
        study: StudyService, ctx: AppContext, clock: FixedClock) -> None:
    ctx.profiles.update_settings(study.profile_id, new_per_day=1)
    study.reload()
    clock.current = datetime(2026, 1, 6, 3, 59, tzinfo=UTC)
    card = study.next_card()  # chosen on the study day of 5 January
    assert card is not None
    clock.current = datetime(2026, 1, 6, 4, 1, tzinfo=UTC)
    study.answer(card, Rating.EASY)  # answered on the study day of 6 January
    assert study.next_card() is None and study.queue_state().new == 0
    _same_choice(study, clock)
    clock.advance(timedelta(days=1))
    assert study.queue_state().new == 1
    _same_choice(study, clock)


def test_counts_stay_right_when_the_clock_is_set_back(
        study: StudyService, ctx: AppContext, clock: FixedClock) -> None:
    ctx.profiles.update_settings(study.profile_id, new_per_day=1)
    study.reload()
    card = study.next_card()  # counts the study day of 5 January
    assert card is not None
    clock.current = datetime(2026, 1, 6, 12, 0, tzinfo=UTC)
    study.answer(card, Rating.EASY)
    clock.current = datetime(2026, 1, 5, 12, 30, tzinfo=UTC)  # the computer's clock corrected
    _same_choice(study, clock)  # a recount sees the answer "from tomorrow" too


def test_with_fuzz_on_the_stored_interval_is_the_one_on_the_button(
        ctx: AppContext, tmp_path: Path, clock: FixedClock) -> None:
    """Anki's "states": the four outcomes are computed once, shown, and the chosen one kept."""
    ctx.banks.import_file_now(_bank(tmp_path, n=200))
    profile, _ = ctx.profiles.create("Fuzzy")
    ctx.profiles.update_settings(profile.id, new_per_day=200)
    study = StudyService(ctx.db, clock, profile.id, zone=UTC, fuzz=True)
    same = 0
    shown_easy = set()
    for _ in range(200):
        card = study.next_card()
        assert card is not None
        outcomes = study.outcomes(card)
        shown = outcomes.interval(Rating.EASY)   # days: fuzz applies from 2.5 days
        shown_easy.add(shown)
        clock.advance(timedelta(seconds=7))      # the learner thinks before pressing Easy
        study.answer(card, Rating.EASY, outcomes=outcomes)
        stored = study.card(card.card_id).schedule.due - outcomes.shown_at
        same += stored == shown
    assert same == 200
    assert len(shown_easy) > 1  # fuzz really was on: the same first answer, other intervals


def test_without_the_shown_outcomes_fuzz_would_change_the_interval(
        ctx: AppContext, tmp_path: Path, clock: FixedClock) -> None:
    """The control for the test above: scheduling afresh draws new fuzz."""
    ctx.banks.import_file_now(_bank(tmp_path, n=40))
    profile, _ = ctx.profiles.create("Fuzzy")
    ctx.profiles.update_settings(profile.id, new_per_day=40)
    study = StudyService(ctx.db, clock, profile.id, zone=UTC, fuzz=True)
    differ = 0
    for _ in range(40):
        card = study.next_card()
        assert card is not None
        shown = study.outcomes(card).interval(Rating.EASY)
        study.answer(card, Rating.EASY)
        differ += study.card(card.card_id).schedule.due - clock.now() != shown
    assert differ > 0


def test_the_leech_message_uses_the_learners_threshold(study: StudyService, ctx: AppContext,
                                                       clock: FixedClock) -> None:
    from mht_desktop.core.cards import leech_message

    ctx.profiles.update_settings(study.profile_id, leech_threshold=3)
    study.reload()
    card = study.next_card()
    assert card is not None
    study.answer(card, Rating.EASY)
    result = None
    for _ in range(3):
        current = study.card(card.card_id)
        clock.current = current.schedule.due
        if current.schedule.state is not CardState.REVIEW:
            study.answer(current, Rating.EASY)
            current = study.card(card.card_id)
            clock.current = current.schedule.due
        result = study.answer(current, Rating.AGAIN)
    assert result is not None and result.became_leech and result.leech_threshold == 3
    assert "lapsed 3 times" in leech_message(result.leech_threshold)
