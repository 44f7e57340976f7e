"""Quizzes and exams on a program's server, through the outbox: what is kept, and how it lands.

A trainee whose server could not be reached at start-up studies from the offline replica
(services/replica.py). A quiz or an exam started then is built and stored in the replica like
any other, and three kinds of outbox entry take it to the server, each under its own id:

- ``attempt``: the attempt itself, its questions in order and their shuffled choices. The
  server stores it with that id as ``quiz_attempts.uid`` (unique), so it lands once.
- ``answer``: one answer, naming its attempt by that id (the replica's row id means nothing on
  the server) or, for an attempt the server made, by the server's id. ``attempt_items``
  keeps the answer's id, so an answer sent twice is stored once.
- ``attempt_end``: the attempt submitted (scored on the server from the server's own rows,
  the same way as in the app) or abandoned; an attempt already finished is left alone.

The same ``answer`` entry carries answers to an exam that was started on the server and
went on while it was away (that attempt's id is the server's).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mht_desktop.core.errors import NotFoundError
from mht_desktop.core.quiz import AttemptStatus
from mht_desktop.services.quiz_answers import finish_attempt, store_answer
from mht_desktop.services.quiz_types import QuizError
from mht_desktop.storage import quizzes as repo
from mht_desktop.storage.models import AttemptItemRow, QuestionRow, QuizAttemptRow

ATTEMPT, ANSWER, ATTEMPT_END = "attempt", "answer", "attempt_end"


def attempt_payload(attempt: QuizAttemptRow, items: list[AttemptItemRow]) -> dict[str, Any]:
    """What the server needs to make the attempt started offline (kept under its uid)."""
    return {"profile_id": attempt.profile_id, "mode": attempt.mode,
            "config": dict(attempt.config or {}), "seed": attempt.seed,
            "started_at": attempt.started_at.isoformat(), "time_limit_s": attempt.time_limit_s,
            "items": [[i.question_id, list(i.choice_order)] for i in items]}


def answer_payload(attempt: QuizAttemptRow, item: AttemptItemRow, selected: frozenset[int], *,
                   now: datetime, time_spent_s: float) -> dict[str, Any]:
    """One answer given offline, with the item it answers (missed review appends items)."""
    return {"attempt_id": attempt.id, "attempt_uid": attempt.uid, "position": item.position,
            "question_id": item.question_id, "order": list(item.choice_order),
            "selected": sorted(selected), "now": now.isoformat(),
            "time_spent_s": max(0.0, time_spent_s), "elapsed_s": attempt.elapsed_s,
            "current_index": attempt.current_index}


def end_payload(attempt: QuizAttemptRow, *, submitted: bool, now: datetime) -> dict[str, Any]:
    """The attempt finished offline: submitted (with its clock) or abandoned."""
    return {"attempt_id": attempt.id, "attempt_uid": attempt.uid, "submitted": submitted,
            "now": now.isoformat(), "elapsed_s": attempt.elapsed_s,
            "timed_out": bool((attempt.config or {}).get("timed_out", False))}


def send(session: Session, kind: str, payload: dict[str, Any], uid: str) -> Any:
    """Apply one quiz entry of the outbox to the server, in the caller's transaction.

    Returns:
        For an answer, the (question, score) the server stored; otherwise None. None too when
        there is nothing left to apply it to (the attempt was removed or is already over).
    """
    if kind == ATTEMPT:
        _make_attempt(session, payload, uid)
        return None
    attempt = _attempt(session, payload)
    if attempt is None:
        return None
    if kind == ATTEMPT_END:
        _end(session, attempt, payload)
        return None
    return _answer(session, attempt, payload, uid)


def _make_attempt(session: Session, p: dict[str, Any], uid: str) -> None:
    if repo.attempt_by_uid(session, uid) is not None:
        return  # sent before: the server has it
    wanted = [int(qid) for qid, _ in p["items"]]
    # A bank removed on the server meanwhile takes its questions away: those are left out
    # rather than failing the attempt (and holding up every answer queued behind it).
    known = set(session.scalars(select(QuestionRow.id).where(QuestionRow.id.in_(wanted))))
    repo.create_attempt(session, profile_id=p["profile_id"], mode=p["mode"],
                        config=p["config"], seed=p["seed"],
                        now=datetime.fromisoformat(p["started_at"]),
                        time_limit_s=p["time_limit_s"],
                        items=[(int(qid), list(order)) for qid, order in p["items"]
                               if int(qid) in known], uid=uid)


def _attempt(session: Session, p: dict[str, Any]) -> QuizAttemptRow | None:
    if p.get("attempt_uid"):
        return repo.attempt_by_uid(session, p["attempt_uid"])
    return session.get(QuizAttemptRow, p["attempt_id"])


def _answer(session: Session, attempt: QuizAttemptRow, p: dict[str, Any],
            uid: str) -> Any:
    position = int(p["position"])
    item = repo.find_item(session, attempt.id, position)
    if item is None and p.get("question_id") is not None:
        if session.get(QuestionRow, p["question_id"]) is None:
            return None  # its bank was removed on the server: nothing left to answer
        repo.add_item(session, attempt.id, int(p["question_id"]), list(p["order"]))
    try:
        stored = store_answer(session, attempt.id, position, frozenset(p["selected"]),
                              now=datetime.fromisoformat(p["now"]),
                              time_spent_s=p["time_spent_s"], uid=uid)
    except (QuizError, NotFoundError):
        return None  # submitted or removed meanwhile: nothing left to answer
    if "elapsed_s" in p and attempt.status == AttemptStatus.IN_PROGRESS.value:
        # The clock as it stood offline, so an exam resumed on the server has its time.
        attempt.elapsed_s = max(attempt.elapsed_s, float(p["elapsed_s"]))
        attempt.current_index = int(p["current_index"])
    return stored


def _end(session: Session, attempt: QuizAttemptRow, p: dict[str, Any]) -> None:
    if attempt.status != AttemptStatus.IN_PROGRESS.value:
        return  # sent before, or finished on another computer
    if p["submitted"]:
        # Never less time than the server already had (a clock restarted from zero).
        finish_attempt(session, attempt, now=datetime.fromisoformat(p["now"]),
                       elapsed_s=max(attempt.elapsed_s, float(p["elapsed_s"])),
                       timed_out=bool(p["timed_out"]))
    else:
        attempt.status = AttemptStatus.ABANDONED.value
        attempt.elapsed_s = max(attempt.elapsed_s, float(p["elapsed_s"]))
