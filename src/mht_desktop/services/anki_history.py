"""Turning an Anki review log into our schedules, so a learner who moves keeps their place.

Each card's answers are replayed through our own FSRS scheduler (the learner's settings,
no fuzz), which gives the memory state (stability, difficulty) our scheduler will go on
from. The due date is Anki's own where Anki fixed one: the learner sees the same cards due
on the same days as in Anki, and FSRS takes over from the next answer.
"""

from __future__ import annotations

from dataclasses import replace

from mht_desktop.core.cards import CardState, Rating, Schedule
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.formats.apkg_reader import ImportedHistory
from mht_desktop.scheduling import FsrsScheduler
from mht_desktop.storage.imported_history import CardHistory, HistoryEntry

_KIND_TO_STATE = {0: CardState.LEARNING, 1: CardState.REVIEW, 2: CardState.RELEARNING}


def replay(histories: dict[str, ImportedHistory],
           settings: LearnerSettings) -> list[CardHistory]:
    """Each card's schedule after its Anki answers, and the answers to store."""
    scheduler = FsrsScheduler(settings, fuzz=False)
    result: list[CardHistory] = []
    for item_id, history in histories.items():
        if not history.reviews:
            continue
        schedule = Schedule(CardState.NEW, history.reviews[0].reviewed_at)
        entries: list[HistoryEntry] = []
        for review in history.reviews:
            # Anki's own label for the answer (learning, review, relearning) where it gave
            # one; a first answer is always of a new card, and a filtered-deck answer keeps
            # the state our replay reached.
            before = schedule.state
            if before is not CardState.NEW:
                before = _KIND_TO_STATE.get(review.kind, before)
            schedule = scheduler.review(schedule, Rating(review.rating), review.reviewed_at)
            entries.append(HistoryEntry(review.rating, review.reviewed_at, review.duration_ms,
                                        int(before), review.interval_days))
        if history.due is not None and schedule.state is not CardState.NEW:
            schedule = replace(schedule, due=history.due)
        schedule = replace(schedule, lapses=max(schedule.lapses, history.lapses))
        result.append(CardHistory(item_id, schedule, history.suspended, tuple(entries)))
    return result
