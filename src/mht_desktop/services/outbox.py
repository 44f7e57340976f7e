"""Answers given on a program's server survive the server going away: the outbox.

Every answer is first committed to the local outbox (storage/outbox.py), then sent; when the
server cannot be reached it stays there, and the next answer (or :meth:`Outbox.flush`) sends
everything waiting, oldest first. The id made with the answer is stored with it on the server,
and an id already there is skipped, so each answer lands exactly once however often sending
is tried. The card's new schedule was computed from the state last read from the server.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError

from mht_desktop.core.cards import CardState, Rating, Schedule
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import NotFoundError, ServerUnreachableError
from mht_desktop.storage import cards as cards_repo
from mht_desktop.storage.cards import SavedReview
from mht_desktop.storage.database import Database
from mht_desktop.storage.outbox import OutboxStore, Pending, review_stored

# A failed send that took longer than this (a connect timeout, not a refusal) holds back
# sending at each answer for RETRY_AFTER_SLOW_S.
SLOW_FAILURE_S = 1.0
RETRY_AFTER_SLOW_S = 30.0


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

    def __init__(self, db: Database, store: OutboxStore, clock: Clock, *,
                 local: Database | None = None) -> None:
        """Send to ``db``; with ``local`` (the offline replica) keep each review there too.

        Args:
            db: The program's server.
            store: The outbox file.
            clock: The injected clock.
            local: The replica the app studies from when it started offline: a review is
                saved there at once (so the next card follows from it), then sent.
        """
        self._db = db
        self._store = store
        self._clock = clock
        self._local = local
        self.online = local is None
        self._slow_failure_at: float | None = None  # monotonic time of a slow failed send

    @property
    def waiting(self) -> int:
        """Answers on this computer that the server does not have yet."""
        return self._store.count()

    @property
    def answers_waiting(self) -> int:
        """Of those, the flashcard reviews and quiz answers (not a quiz's start or end)."""
        return self._store.count(("review", "answer"))

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
        if self._local is not None:
            # Offline start: the replica is what the next card is chosen from. The outbox
            # entry above is already committed, so a failure here loses nothing on the server.
            with self._local.session() as s:
                cards_repo.save_review(s, card_id=card_id, profile_id=profile_id, after=after,
                                       rating=rating, now=now, duration_ms=duration_ms,
                                       leech=leech, uid=uid)
            if self._may_send_now():
                self.flush()
            return None  # undo would have two copies to take back: not offered offline
        if not self._may_send_now():
            return None
        saved = self.flush().get(uid)
        return saved if isinstance(saved, SavedReview) else None

    def keep_answer(self, *, attempt_id: int, position: int, selected: frozenset[int],
                    now: datetime, time_spent_s: float) -> str:
        """Keep a quiz or exam answer (committed locally); returns its id. Call flush()."""
        return self.keep("answer", {
            "attempt_id": attempt_id, "position": position, "selected": sorted(selected),
            "now": now.isoformat(), "time_spent_s": time_spent_s})

    def keep(self, kind: str, payload: dict[str, Any], uid: str | None = None) -> str:
        """Keep a quiz entry (see services/quiz_offline.py), committed when this returns.

        Args:
            kind: ``attempt``, ``answer`` or ``attempt_end``.
            payload: What the server needs to apply it.
            uid: The entry's id, when the caller made it already (stored with it locally).

        Returns:
            The entry's id, which the server stores with it so that it lands once.
        """
        uid = uid or uuid.uuid4().hex
        self._store.put(uid, kind, payload)
        return uid

    def try_send(self) -> None:
        """Send what is waiting, unless the server was just found hanging (see flush)."""
        if self._may_send_now():
            self.flush()

    def _may_send_now(self) -> bool:
        # A server that refuses at once is tried at every answer; one whose connection hung
        # (a dead Wi-Fi, the connect timeout) only every RETRY_AFTER_SLOW_S, so answering
        # does not wait on it each time. flush() itself (the window's timer) always tries.
        if self._slow_failure_at is None:
            return True
        return time.monotonic() - self._slow_failure_at >= RETRY_AFTER_SLOW_S

    def flush(self) -> dict[str, Any]:
        """Send everything waiting, oldest first, until done or the server is unreachable.

        Returns:
            What the server stored in this call, by answer id: a review's ``SavedReview``, a
            quiz answer's (question, score). Reviews it already had are absent.
        """
        stored: dict[str, Any] = {}
        for item in self._store.pending():
            began = time.monotonic()
            try:
                saved = self._send(item)
            except (DBAPIError, ServerUnreachableError) as exc:
                if isinstance(exc, IntegrityError) and "uid" in str(exc):
                    self._store.mark_sent(item.uid)  # sent at the same moment elsewhere
                    continue
                self.online = False
                failed_at = time.monotonic()
                self._slow_failure_at = failed_at if failed_at - began > SLOW_FAILURE_S \
                    else None
                return stored
            self.online = True
            self._slow_failure_at = None
            self._store.mark_sent(item.uid)
            if saved is not None:
                stored[item.uid] = saved
        return stored

    def _send(self, item: Pending) -> Any:
        p = item.payload
        if item.kind != "review":
            from mht_desktop.services.quiz_offline import send as send_quiz_entry

            with self._db.session() as s:
                return send_quiz_entry(s, item.kind, p, item.uid)
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
