"""Answers given on a program's server survive the server going away: the outbox.

Every answer is first committed to the local outbox (storage/outbox.py), then sent; when the
server cannot be reached it stays there, and the next answer (or :meth:`Outbox.flush`) sends
everything waiting, oldest first. The id made with the answer is stored with it on the server,
and an id already there is skipped, so each answer lands exactly once however often sending
is tried. The card's new schedule was computed from the state last read from the server.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError

from mht_desktop.core.cards import CardState, Rating, Schedule
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import NotFoundError
from mht_desktop.storage import cards as cards_repo
from mht_desktop.storage.cards import SavedReview
from mht_desktop.storage.database import Database
from mht_desktop.storage.outbox import OutboxStore, Pending, review_stored


def _schedule_json(schedule: Schedule) -> dict[str, Any]:
    data = asdict(schedule)
    data["state"] = int(schedule.state)
    for key in ("due", "last_review"):
        data[key] = data[key].isoformat() if data[key] is not None else None
    return data


def _schedule_from(data: dict[str, Any]) -> Schedule:
    values = dict(data)
    values["state"] = CardState(values["state"])
    for key in ("due", "last_review"):
        values[key] = datetime.fromisoformat(values[key]) if values[key] else None
    return Schedule(**values)


class Outbox:
    """Sends answers to the server exactly once, keeping them locally until it has them."""

    def __init__(self, db: Database, store: OutboxStore, clock: Clock) -> None:
        self._db = db
        self._store = store
        self._clock = clock
        self.online = True

    @property
    def waiting(self) -> int:
        """Answers on this computer that the server does not have yet."""
        return self._store.count()

    def record_review(self, *, card_id: int, profile_id: int, after: Schedule, rating: Rating,
                      now: datetime, duration_ms: int, leech: bool,
                      ) -> SavedReview | None:
        """Keep a flashcard answer, then send what is waiting.

        Returns:
            What the server stored for this answer, or None if it is waiting in the outbox.
        """
        uid = uuid.uuid4().hex
        self._store.put(uid, "review", {
            "card_id": card_id, "profile_id": profile_id, "after": _schedule_json(after),
            "rating": int(rating), "now": now.isoformat(), "duration_ms": duration_ms,
            "leech": leech})
        saved = self.flush().get(uid)
        return saved if isinstance(saved, SavedReview) else None

    def keep_answer(self, *, attempt_id: int, position: int, selected: frozenset[int],
                    now: datetime, time_spent_s: float) -> str:
        """Keep a quiz or exam answer (committed locally); returns its id. Call flush()."""
        uid = uuid.uuid4().hex
        self._store.put(uid, "answer", {
            "attempt_id": attempt_id, "position": position, "selected": sorted(selected),
            "now": now.isoformat(), "time_spent_s": time_spent_s})
        return uid

    def flush(self) -> dict[str, Any]:
        """Send everything waiting, oldest first, until done or the server is unreachable.

        Returns:
            What the server stored in this call, by answer id: a review's ``SavedReview``, a
            quiz answer's (question, score). Reviews it already had are absent.
        """
        stored: dict[str, Any] = {}
        for item in self._store.pending():
            try:
                saved = self._send(item)
            except DBAPIError as exc:
                if isinstance(exc, IntegrityError) and "uid" in str(exc):
                    self._store.mark_sent(item.uid)  # sent at the same moment elsewhere
                    continue
                self.online = False
                return stored
            self.online = True
            self._store.mark_sent(item.uid)
            if saved is not None:
                stored[item.uid] = saved
        return stored

    def _send(self, item: Pending) -> Any:
        p = item.payload
        if item.kind == "answer":
            from mht_desktop.services.quiz import QuizError, store_answer

            with self._db.session() as s:
                try:
                    return store_answer(s, p["attempt_id"], p["position"],
                                        frozenset(p["selected"]),
                                        now=datetime.fromisoformat(p["now"]),
                                        time_spent_s=p["time_spent_s"], uid=item.uid)
                except (QuizError, NotFoundError):
                    return None  # submitted or removed meanwhile: nothing left to answer
        with self._db.session() as s:
            if review_stored(s, item.uid):
                return None
            try:
                return cards_repo.save_review(
                    s, card_id=p["card_id"], profile_id=p["profile_id"],
                    after=_schedule_from(p["after"]), rating=Rating(p["rating"]),
                    now=datetime.fromisoformat(p["now"]), duration_ms=p["duration_ms"],
                    leech=bool(p.get("leech", False)), uid=item.uid)
            except NotFoundError:
                return None  # the card went with its bank: nothing left to answer

    def close(self) -> None:
        """Close the local outbox file."""
        self._store.close()
