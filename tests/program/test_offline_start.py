"""Starting the app while the program's server is down: study from the replica, send later.

A real PostgreSQL server, really stopped (``pg_ctl -m immediate``) before the app starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import ServerUnreachableError
from mht_desktop.services.context import AppContext
from mht_desktop.services.replica import has_replica, refresh_replica
from mht_desktop.storage.program import own_profile_id
from tests.program.conftest import Program


def _server_reviews(program: Program) -> list[tuple[str, int]]:
    engine = create_engine(program.server.url(program.database))
    with engine.connect() as c:
        rows = [(uid, card) for uid, card in c.execute(
            text("SELECT uid, card_id FROM review_logs ORDER BY id"))]
    engine.dispose()
    return rows


def test_the_app_starts_offline_studies_new_cards_and_sends_them_once_back(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    url = program.url("ana")
    data = tmp_path / "laptop"
    # A first start with the server up: study one card, and the replica is made.
    online = AppContext.open_url(url, clock=clock)
    try:
        online.attach_outbox(data)
        with online.db.session() as s:
            pid = own_profile_id(s)
        assert pid is not None
        study = online.study(pid)
        first = study.next_card()
        assert first is not None
        study.answer(first, Rating.EASY)
        counts = refresh_replica(online.db, data, url, pid, clock)
        assert counts["profiles"] == 1 and counts["review_logs"] == 1
        assert counts["cards"] == counts["flashcards"] >= 2
    finally:
        online.close()
    assert has_replica(data, url)

    program.server.stop("immediate")
    try:
        with pytest.raises(ServerUnreachableError):
            AppContext.open_url(url, clock=clock)
        offline = AppContext.open_offline(url, data, clock=clock)
        try:
            assert offline.offline and not offline.db.is_server
            outbox = offline.attach_outbox(data)
            [profile] = offline.profiles.list()
            assert profile.id == pid and profile.name == "Ana Diaz"
            study = offline.study(profile.id)
            studied = []
            for _ in range(2):  # the next card comes from the replica, moving on each time
                card = study.next_card()
                assert card is not None and card.card_id != first.card_id
                assert card.card_id not in studied
                studied.append(card.card_id)
                result = study.answer(card, Rating.GOOD)
                assert result.changes.reviews
            assert outbox.waiting == 2 and not outbox.online
        finally:
            offline.close()  # the laptop is shut, still offline
    finally:
        program.server.start()

    assert len(_server_reviews(program)) == 1
    again = AppContext.open_offline(url, data, clock=clock)  # e.g. started before Wi-Fi is up
    try:
        outbox = again.attach_outbox(data)
        assert outbox.waiting == 2
        outbox.flush()  # the server is back: the window's timer sends what waits
        assert outbox.waiting == 0 and outbox.online
        outbox.flush()
    finally:
        again.close()
    reviews = _server_reviews(program)
    assert len(reviews) == 3 and len({uid for uid, _ in reviews}) == 3
    assert [card for _, card in reviews] == [first.card_id, *studied]


def test_no_replica_yet_says_what_to_do(program: Program, clock: FixedClock,
                                        tmp_path: Path) -> None:
    url = program.url("ben")
    program.server.stop("immediate")
    try:
        with pytest.raises(ServerUnreachableError, match="connect once"):
            AppContext.open_offline(url, tmp_path, clock=clock)
    finally:
        program.server.start()
