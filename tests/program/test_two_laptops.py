"""The same trainee on two laptops against one real server: every answer lands exactly once.

Each "laptop" is its own service stack (its own AppContext, connection pool and outbox file in
its own folder), as two copies of the app would be. One of them loses the server for a while.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage.program import own_profile_id
from tests.program.conftest import Program


def _laptop(program: Program, who: str, clock: FixedClock, folder: Path) -> tuple[AppContext,
                                                                                    int]:
    ctx = program.open_as(who, clock)
    ctx.attach_outbox(folder)
    with ctx.db.session() as s:
        profile_id = own_profile_id(s)
    assert profile_id is not None
    return ctx, profile_id


def test_two_laptops_of_one_trainee_both_land_and_nothing_is_overwritten(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    home, home_pid = _laptop(program, "ana", clock, tmp_path / "home")
    ward, ward_pid = _laptop(program, "ana", clock, tmp_path / "ward")
    assert home_pid == ward_pid
    assert home.outbox is not None and ward.outbox is not None
    assert home.outbox._store.path != ward.outbox._store.path
    try:
        home_study, ward_study = home.study(home_pid), ward.study(ward_pid)
        # Both laptops show the same card from the same state: a conflicting edit.
        home_card, ward_card = home_study.next_card(), ward_study.next_card()
        assert home_card is not None and ward_card is not None
        assert home_card.card_id == ward_card.card_id
        home_study.answer(home_card, Rating.GOOD)
        ward_study.answer(ward_card, Rating.AGAIN)  # later: its schedule is the card's now

        # Each laptop takes its own quiz; the ward laptop loses the server half-way.
        home_quiz, ward_quiz = home.quiz(home_pid), ward.quiz(ward_pid)
        home_attempt = home_quiz.start(QuizConfig(count=3, seed=1))
        ward_attempt = ward_quiz.start(QuizConfig(count=3, seed=2))
        for item in home_attempt.items:
            home_quiz.answer(home_attempt.id, item.position, frozenset({item.order[0]}))
        ward_quiz.answer(ward_attempt.id, 0, frozenset({ward_attempt.items[0].order[0]}))
        program.server.stop("immediate")
        try:
            for item in ward_attempt.items[1:]:
                ward_quiz.answer(ward_attempt.id, item.position, frozenset({item.order[0]}))
            ward_study.answer(ward_card, Rating.HARD)
            assert ward.outbox.waiting == 3
        finally:
            program.server.start()
        ward.outbox.flush()
        ward.outbox.flush()  # a second send stores nothing twice
        assert ward.outbox.waiting == 0 and home.outbox.waiting == 0
    finally:
        home.close()
        ward.close()

    engine = create_engine(program.server.url(program.database))
    with engine.connect() as c:
        logs = c.execute(text("SELECT uid, rating FROM review_logs WHERE profile_id = :p "
                              "ORDER BY id"), {"p": home_pid}).all()
        answered = c.execute(text(
            "SELECT count(*) FROM attempt_items i JOIN quiz_attempts a ON a.id = i.attempt_id "
            "WHERE a.profile_id = :p AND i.answered_at IS NOT NULL"), {"p": home_pid}
        ).scalar_one()
        attempts = c.execute(text("SELECT count(*) FROM quiz_attempts WHERE profile_id = :p"),
                             {"p": home_pid}).scalar_one()
        card_reps = c.execute(text("SELECT reps FROM cards WHERE id = :c"),
                              {"c": home_card.card_id}).scalar_one()
    engine.dispose()
    # Both laptops' reviews are in the history, in order, once each; neither replaced the other.
    assert [int(r) for _uid, r in logs] == [int(Rating.GOOD), int(Rating.AGAIN),
                                            int(Rating.HARD)]
    assert len({uid for uid, _ in logs}) == 3
    assert attempts == 2 and answered == 6
    assert card_reps >= 1

    ida = program.open_as("ida", clock)
    try:
        view = ida.cohort.class_view()
    finally:
        ida.close()
    ana = next(r for r in view.roster if r.name == "Ana Diaz")
    assert (ana.reviews_7d, ana.answers_7d) == (3, 6)  # every answer once in the class view
