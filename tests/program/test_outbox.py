"""The offline outbox through a real server stop and restart: 0 answers lost, 0 duplicated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from tests.pg_server import LocalServer


@pytest.fixture
def trainee(pg_head_url: str, clock: FixedClock, sample_bank_file: Path,
            tmp_path: Path) -> Iterator[tuple[AppContext, int]]:
    """A learner on the server with the outbox attached, as the window opens them."""
    ctx = AppContext.open_url(pg_head_url, clock=clock)
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create("Ana")
    ctx.attach_outbox(tmp_path / "local")
    yield ctx, profile.id
    ctx.close()


def _server_logs(url: str) -> list[str]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as c:
        uids = [r[0] for r in c.execute(text("SELECT uid FROM review_logs ORDER BY id"))]
    engine.dispose()
    return uids


def test_answers_given_while_the_server_is_down_land_exactly_once(
        trainee: tuple[AppContext, int], pg_server: LocalServer, pg_head_url: str,
        clock: FixedClock) -> None:
    ctx, profile_id = trainee
    assert ctx.outbox is not None
    study = ctx.study(profile_id)
    card = study.next_card()
    assert card is not None
    for _ in range(5):
        study.answer(card, Rating.GOOD)
    assert ctx.outbox.waiting == 0 and len(_server_logs(pg_head_url)) == 5

    pg_server.stop("immediate")  # the server goes away, as on bad Wi-Fi
    try:
        for _ in range(7):
            result = study.answer(card, Rating.AGAIN)  # studying carries on
            assert result.changes.reviews
        assert ctx.outbox.waiting == 7 and not ctx.outbox.online
    finally:
        pg_server.start()

    study.answer(card, Rating.EASY)  # the next answer sends everything waiting
    assert ctx.outbox.waiting == 0 and ctx.outbox.online
    uids = _server_logs(pg_head_url)
    assert len(uids) == 13 and len(set(uids)) == 13 and None not in uids
    assert ctx.outbox.flush() == {}  # sending again stores nothing twice
    assert len(_server_logs(pg_head_url)) == 13


def test_an_answer_the_server_stored_but_we_did_not_mark_is_not_stored_again(
        trainee: tuple[AppContext, int], pg_head_url: str) -> None:
    ctx, profile_id = trainee
    outbox = ctx.outbox
    assert outbox is not None
    study = ctx.study(profile_id)
    card = study.next_card()
    assert card is not None
    study.answer(card, Rating.GOOD)
    # The crash window: the server committed, our "sent" mark never happened.
    store = outbox._store
    store._conn.execute("UPDATE outbox SET sent_at = NULL")
    assert outbox.waiting == 1
    assert outbox.flush() == {}
    assert outbox.waiting == 0 and len(_server_logs(pg_head_url)) == 1


def test_the_outbox_survives_the_app_closing_while_offline(
        pg_server: LocalServer, pg_head_url: str, clock: FixedClock, sample_bank_file: Path,
        tmp_path: Path) -> None:
    ctx = AppContext.open_url(pg_head_url, clock=clock)
    ctx.banks.import_file_now(sample_bank_file)
    profile, _ = ctx.profiles.create("Ana")
    ctx.attach_outbox(tmp_path)
    study = ctx.study(profile.id)
    card = study.next_card()
    assert card is not None
    pg_server.stop("immediate")
    try:
        for _ in range(3):
            study.answer(card, Rating.HARD)
    finally:
        ctx.close()  # the laptop is shut while still offline
        pg_server.start()
    ctx = AppContext.open_url(pg_head_url, clock=clock)
    try:
        outbox = ctx.attach_outbox(tmp_path)
        assert outbox.waiting == 3
        outbox.flush()
        assert outbox.waiting == 0 and len(_server_logs(pg_head_url)) == 3
    finally:
        ctx.close()


def test_an_exam_carries_on_into_the_outbox_when_the_server_goes_away(
        trainee: tuple[AppContext, int], pg_server: LocalServer, pg_head_url: str) -> None:
    from mht_desktop.core.quiz import QuizMode
    from mht_desktop.services.quiz import QuizConfig

    ctx, profile_id = trainee
    assert ctx.outbox is not None
    quiz = ctx.quiz(profile_id)
    attempt = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=3, seed=7))
    first = attempt.items[0]
    quiz.answer(attempt.id, 0, frozenset({first.order[0]}))
    pg_server.stop("immediate")
    try:
        given = {}
        for item in attempt.items[1:]:
            choice = frozenset({next(i for i, c in enumerate(item.question.choices)
                                     if c.correct)})
            feedback = quiz.answer(attempt.id, item.position, choice)
            assert feedback.correct  # scored here, from the questions on screen
            given[item.position] = sorted(choice)
        assert ctx.outbox.waiting == 2
    finally:
        pg_server.start()
    ctx.outbox.flush()
    assert ctx.outbox.waiting == 0
    view = quiz.view(attempt.id)
    assert {i.position: sorted(i.selected or ()) for i in view.items[1:]} == given
    assert all(i.correct for i in view.items[1:])
    results = quiz.submit(attempt.id)
    assert results.attempt.items[2].correct
