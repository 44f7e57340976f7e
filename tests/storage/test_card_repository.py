"""The card repository's study-loop queries: choosing by deck and order, recording, undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from mht_desktop.core.cards import ALL_DECKS, CardState, Deck, Rating, Schedule
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import NotFoundError
from mht_desktop.services.context import AppContext
from mht_desktop.storage import cards as repo
from mht_desktop.storage.models import CardRow, FlashcardRow, ReviewLogRow

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
DAY_END = datetime(2026, 1, 6, 4, 0, tzinfo=UTC)


def _bank(folder: Path, bank_id: str, n: int) -> Path:
    cards = "".join(
        f'[[flashcards]]\nid = "{bank_id}{i}"\ntopic = "{"a" if i % 2 == 0 else "b"}"\n'
        f'front = "{bank_id} {i}"\nback = "Back {i}"\ntags = ["t{i}"]\n' for i in range(n))
    path = folder / f"{bank_id}.mhtbank.toml"
    path.write_text(f'format = 1\n[bank]\nid = "{bank_id}"\ntitle = "{bank_id}"\n'
                    '[[topics]]\nid = "a"\ntitle = "A"\n[[topics]]\nid = "b"\ntitle = "B"\n'
                    + cards)
    return path


@pytest.fixture
def profile_id(ctx: AppContext, tmp_path: Path, clock: FixedClock) -> int:
    ctx.banks.import_file_now(_bank(tmp_path, "deck", 6))
    ctx.banks.import_file_now(_bank(tmp_path, "other", 2))
    profile, _ = ctx.profiles.create("Ana")
    with ctx.db.session() as s:
        repo.sync_cards(s, profile.id, NOW)
    return int(profile.id)


def _next(ctx: AppContext, profile_id: int, deck: Deck = ALL_DECKS, *, new_left: int = 10,
          reviews_left: int = 10) -> str | None:
    with ctx.db.session() as s:
        card = repo.next_card(s, profile_id, deck, now=NOW, day_end=DAY_END,
                              new_left=new_left, reviews_left=reviews_left,
                              learn_ahead_until=NOW + timedelta(minutes=20))
    return None if card is None else card.front


def _set(ctx: AppContext, front: str, **values: object) -> None:
    with ctx.db.session() as s:
        flashcard_id = s.scalar(select(FlashcardRow.id).where(FlashcardRow.front == front))
        s.execute(update(CardRow).where(CardRow.flashcard_id == flashcard_id).values(**values))


def test_each_deck_shape_draws_only_from_its_deck(ctx: AppContext, profile_id: int) -> None:
    assert _next(ctx, profile_id) == "deck 0"
    assert _next(ctx, profile_id, Deck("other")) == "other 0"
    assert _next(ctx, profile_id, Deck(None, "b")) == "deck 1"
    assert _next(ctx, profile_id, Deck("other", "b")) == "other 1"
    assert _next(ctx, profile_id, Deck("nowhere")) is None


def test_learning_then_reviews_then_new_then_learning_ahead(ctx: AppContext,
                                                            profile_id: int) -> None:
    _set(ctx, "deck 3", state=int(CardState.LEARNING), due=NOW + timedelta(minutes=10))
    _set(ctx, "deck 4", state=int(CardState.REVIEW), due=NOW + timedelta(hours=3))
    _set(ctx, "deck 5", state=int(CardState.RELEARNING), due=NOW - timedelta(minutes=1))
    _set(ctx, "other 1", state=int(CardState.REVIEW), due=NOW + timedelta(days=2))
    assert _next(ctx, profile_id) == "deck 5"  # learning due now
    _set(ctx, "deck 5", suspended=True)
    assert _next(ctx, profile_id) == "deck 4"  # review due today
    assert _next(ctx, profile_id, reviews_left=0) == "deck 0"  # review limit reached: new
    assert _next(ctx, profile_id, reviews_left=0, new_left=0) == "deck 3"  # learn ahead
    _set(ctx, "deck 3", buried_until=NOW + timedelta(hours=1))
    assert _next(ctx, profile_id, reviews_left=0, new_left=0) is None


def test_a_study_card_carries_text_tags_and_schedule(ctx: AppContext, profile_id: int) -> None:
    with ctx.db.session() as s:
        card = repo.next_card(s, profile_id, Deck(), now=NOW, day_end=DAY_END, new_left=1,
                              reviews_left=1, learn_ahead_until=NOW)
        assert card is not None
        assert repo.get_card(s, card.card_id) == card
    assert (card.front, card.back, card.tags, card.topic_id) == ("deck 0", "Back 0", ("t0",),
                                                                 "a")
    assert card.schedule == Schedule(CardState.NEW, NOW, reps=0, lapses=0)
    assert card.schedule.due.tzinfo is UTC


def test_save_review_logs_the_answer_and_undo_restores_the_card(ctx: AppContext,
                                                               profile_id: int) -> None:
    with ctx.db.session() as s:
        card = repo.get_card(s, 1)
    after = Schedule(CardState.LEARNING, NOW + timedelta(minutes=10), step=1, stability=2.5,
                     difficulty=5.0, last_review=NOW, reps=1)
    with ctx.db.session() as s:
        saved = repo.save_review(s, card_id=1, profile_id=profile_id, after=after,
                                 rating=Rating.GOOD, now=NOW, duration_ms=1500, leech=False)
    assert saved.state_before is CardState.NEW
    with ctx.db.session() as s:
        assert repo.get_card(s, 1).schedule == after
        log = s.get(ReviewLogRow, saved.log_id)
        assert log is not None
        assert (log.rating, log.state_before, log.duration_ms) == (3, 0, 1500)
        assert log.reviewed_at == NOW and log.interval_days == pytest.approx(10 / 1440)
        assert log.snapshot["due"] == NOW.isoformat() and log.snapshot["state"] == 0
    with ctx.db.session() as s:
        repo.undo_review(s, saved.log_id)
    with ctx.db.session() as s:
        assert repo.get_card(s, 1) == card
        assert s.get(ReviewLogRow, saved.log_id) is None


def test_a_leech_is_stored_with_the_answer(ctx: AppContext, profile_id: int) -> None:
    _set(ctx, "deck 0", state=int(CardState.REVIEW), lapses=2, stability=3.0, difficulty=6.0)
    after = Schedule(CardState.RELEARNING, NOW + timedelta(minutes=10), step=0, stability=1.0,
                     difficulty=7.0, last_review=NOW, reps=1, lapses=3)
    with ctx.db.session() as s:
        saved = repo.save_review(s, card_id=1, profile_id=profile_id, after=after,
                                 rating=Rating.AGAIN, now=NOW, duration_ms=0, leech=True)
        assert saved.state_before is CardState.REVIEW
        assert repo.get_card(s, 1).leech


def test_another_learners_card_is_not_answered(ctx: AppContext, profile_id: int) -> None:
    other, _ = ctx.profiles.create("Ben")
    after = Schedule(CardState.LEARNING, NOW)
    with pytest.raises(NotFoundError), ctx.db.session() as s:
        repo.save_review(s, card_id=1, profile_id=other.id, after=after, rating=Rating.GOOD,
                         now=NOW, duration_ms=0, leech=False)
    with pytest.raises(NotFoundError), ctx.db.session() as s:
        repo.save_review(s, card_id=999, profile_id=profile_id, after=after,
                         rating=Rating.GOOD, now=NOW, duration_ms=0, leech=False)


def test_what_is_left_today_is_counted_up_to_the_daily_limits(ctx: AppContext,
                                                               profile_id: int) -> None:
    _set(ctx, "deck 1", state=int(CardState.REVIEW), due=NOW - timedelta(days=1))
    _set(ctx, "deck 3", state=int(CardState.REVIEW), due=NOW + timedelta(hours=2))
    _set(ctx, "deck 5", state=int(CardState.REVIEW), due=DAY_END + timedelta(hours=1))
    _set(ctx, "other 1", state=int(CardState.LEARNING), due=NOW + timedelta(minutes=5))
    _set(ctx, "deck 2", suspended=True)

    def left(deck: Deck = ALL_DECKS, new_cap: int = 100, review_cap: int = 100,
             ) -> tuple[int, int, int]:
        with ctx.db.session() as s:
            return repo.remaining_counts(s, profile_id, deck, now=NOW, day_end=DAY_END,
                                         new_cap=new_cap, review_cap=review_cap)

    # New: deck 0 and 4 (2 suspended, 1 3 5 reviews), other 0; due today: deck 1 and 3.
    assert left() == (3, 1, 2)
    assert left(new_cap=2, review_cap=1) == (2, 1, 1)
    assert left(new_cap=0, review_cap=0) == (0, 1, 0)
    assert left(Deck("deck")) == (2, 0, 2)
    assert left(Deck("other", "b"), new_cap=5) == (0, 1, 0)


def test_the_earliest_learning_card_comes_first_whichever_its_state(
        ctx: AppContext, profile_id: int) -> None:
    # Learning and relearning cards are read by one ordered scan per state; the earlier due
    # of the two must win, in either order of states.
    _set(ctx, "deck 1", state=int(CardState.RELEARNING), due=NOW - timedelta(minutes=9))
    _set(ctx, "deck 2", state=int(CardState.LEARNING), due=NOW - timedelta(minutes=5))
    assert _next(ctx, profile_id) == "deck 1"
    _set(ctx, "deck 3", state=int(CardState.LEARNING), due=NOW - timedelta(minutes=12))
    assert _next(ctx, profile_id) == "deck 3"
    _set(ctx, "deck 1", due=NOW + timedelta(minutes=8))  # learning ahead, after new cards
    _set(ctx, "deck 2", due=NOW + timedelta(minutes=3))
    _set(ctx, "deck 3", due=NOW + timedelta(minutes=6))
    assert _next(ctx, profile_id) == "deck 0"  # new cards before learning ahead
    assert _next(ctx, profile_id, new_left=0) == "deck 2"
