"""An exam on the program's server carries on, to its results, while the server is away.

Answers already go to the outbox when the server cannot be reached (services/outbox.py) and
are scored from the questions on screen. The rest of a sitting needs the attempt as last
read from the server, kept here: the clock keeps running on this computer (saving it is
skipped, the time goes with the submission), and submitting keeps an ``attempt_end`` entry in
the outbox — the server scores it from its own rows once the answers before it have landed —
and shows the results worked out here from the same answers, the same way
(:func:`results_of`, which the quiz service uses for every result).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from mht_desktop.core.quiz import AttemptStatus, QuizMode, TopicScore, attempt_score
from mht_desktop.services.quiz_offline import ATTEMPT_END
from mht_desktop.services.quiz_types import AttemptView, ItemView, Results


def results_of(view: AttemptView, titles: dict[str, str]) -> Results:
    """Score, pass/fail and per-topic breakdown of an attempt as it stands in ``view``."""
    topics: dict[str, list[float]] = {}
    for item in view.items:
        if view.mode is not QuizMode.EXAM and not item.answered:
            continue  # practice counts only what was answered (see attempt_score)
        entry = topics.setdefault(item.question.topic, [0.0, 0])
        entry[0] += item.score or 0.0
        entry[1] += 1
    scored = attempt_score(view.mode, [(i.score or 0.0) if i.answered else None
                                       for i in view.items])
    score = scored.score or 0.0
    by_topic = tuple(sorted(
        (TopicScore(t, titles.get(t, t), e, int(n)) for t, (e, n) in topics.items()),
        key=lambda ts: (ts.fraction, ts.title)))
    return Results(attempt=view, score=score, earned=scored.earned, total=scored.counted,
                   passed=scored.score is not None and score >= view.pass_mark,
                   by_topic=by_topic, unanswered=sum(1 for i in view.items if not i.answered),
                   timed_out=view.timed_out, scored=scored.score is not None,
                   ended_early=scored.ended_early)


@dataclass
class AwayCopy:
    """Each running attempt as last read from the server, with the answers given since."""

    views: dict[int, AttemptView] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def keep(self, view: AttemptView, titles: dict[str, str]) -> None:
        """Remember the attempt as the server just showed it."""
        self.views[view.id] = view
        self.titles = titles

    def answered(self, attempt_id: int, position: int, selected: frozenset[int],
                 score: float) -> None:
        """An answer given while the server was away (kept in the outbox)."""
        view = self.views.get(attempt_id)
        if view is None or not 0 <= position < len(view.items):
            return
        items = list(view.items)
        items[position] = replace(items[position], selected=selected, score=score,
                                  correct=score >= 1.0)
        self.views[attempt_id] = replace(view, items=tuple(items))

    def change(self, attempt_id: int, position: int, **values: Any) -> ItemView:
        """Set ``marked`` or ``struck`` on one question of a running attempt; the question.

        Raises:
            KeyError: when this attempt was never read from the server on this run (the
                caller's ``_server_away`` has already refused those).
        """
        view = self.views[attempt_id]
        items = list(view.items)
        items[position] = replace(items[position], **values)
        self.views[attempt_id] = replace(view, items=tuple(items))
        return items[position]

    def flag(self, question_id: int, flagged: bool) -> bool:
        """Show ``question_id`` flagged (or not) in every running attempt that holds it.

        Returns:
            Whether any attempt kept here holds the question.
        """
        found = False
        for attempt_id, view in list(self.views.items()):
            if any(item.question_id == question_id for item in view.items):
                found = True
                self.views[attempt_id] = replace(view, items=tuple(
                    replace(item, flagged=flagged) if item.question_id == question_id
                    else item for item in view.items))
        return found

    def limit(self, attempt_id: int) -> int | None:
        """The attempt's time limit in seconds (None when untimed or not known here)."""
        view = self.views.get(attempt_id)
        return None if view is None else view.time_limit_s

    def submit(self, attempt_id: int, *, elapsed_s: float, timed_out: bool,
               now: datetime) -> tuple[dict[str, Any], Results] | None:
        """The outbox entry that submits the attempt on the server, and the results here.

        Returns:
            None when this attempt was never read from the server on this run.
        """
        view = self.views.pop(attempt_id, None)
        if view is None:
            return None
        if view.time_limit_s is not None:
            elapsed_s = min(elapsed_s, float(view.time_limit_s))
        done = replace(view, status=AttemptStatus.SUBMITTED, elapsed_s=elapsed_s,
                       timed_out=timed_out)
        entry = {"attempt_id": attempt_id, "attempt_uid": None, "submitted": True,
                 "now": now.isoformat(), "elapsed_s": elapsed_s, "timed_out": timed_out}
        return entry, results_of(done, self.titles)


__all__ = ["ATTEMPT_END", "AwayCopy", "results_of"]
