"""A new version of a shipped bank reaches learners who studied the old one, history intact.

Each shipped bank is loaded first as an "older release" made from the file itself: a lower
version, its last questions not yet written, one stem still in its old wording. A learner
reviews a flashcard and answers a question from it. Then the shipped file appears in the
built-in folder, as after an app update, and ``ensure_builtin_banks`` must bring the new
and reworded items in while the learner's review log and quiz attempt stay as they were.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC
from pathlib import Path

import pytest

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService
from mht_desktop.services.study import StudyService

REPO = Path(__file__).resolve().parents[2]
BANKS = sorted((REPO / "question_banks").glob("*.mhtbank.toml"))
HELD_BACK = 5          # questions the "older release" did not have yet
OLD_STEM = "Older wording of this question."


def _older_release(text: str) -> str:
    """The shipped text as an earlier release: lower version, fewer questions, one old stem."""
    older = re.sub(r'(?m)^version = "[^"]*"', 'version = "0.9.0"', text, count=1)
    starts = [m.start() for m in re.finditer(r"(?m)^\[\[questions\]\]$", older)]
    cards = older.index("[[flashcards]]")
    older = older[:starts[-HELD_BACK]] + older[cards:]
    # The first question's stem, in its old words (a stem is a TOML multi-line string).
    return re.sub(r'(?s)stem = """.*?"""', f'stem = """\n{OLD_STEM}\n"""', older, count=1)


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_updating_a_shipped_bank_keeps_the_learners_history(path: Path, tmp_path: Path) -> None:
    shipped_text = path.read_text(encoding="utf-8")
    shipped = tomllib.loads(shipped_text)
    folder = tmp_path / "builtin"
    folder.mkdir()
    target = folder / path.name
    target.write_text(_older_release(shipped_text), encoding="utf-8")

    clock = FixedClock()
    ctx = AppContext.in_memory(clock=clock)
    try:
        assert ctx.banks.ensure_builtin_banks(folder).banks
        profile, _ = ctx.profiles.create("Learner")
        study = StudyService(ctx.db, clock, profile.id, zone=UTC, fuzz=False)
        card = study.next_card()
        assert card is not None
        study.answer(card, Rating.GOOD)
        reviews_before = study.history(card.card_id)
        schedule_before = study.card(card.card_id).schedule
        quiz = QuizService(ctx.db, clock, profile.id)
        attempt = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=3, seed=1))
        quiz.answer(attempt.id, 0, frozenset({0}))
        answered_before = quiz.view(attempt.id).items[0]
        quiz.submit(attempt.id)
        attempts_before = quiz.history()
        assert [a.id for a in attempts_before] == [attempt.id]
        [old] = [b for b in ctx.banks.list() if b.id == shipped["bank"]["id"]]
        assert old.questions == len(shipped["questions"]) - HELD_BACK

        target.write_text(shipped_text, encoding="utf-8")      # the app update
        assert ctx.banks.ensure_builtin_banks(folder).banks
        assert not ctx.banks.ensure_builtin_banks(folder).banks  # and only once

        [new] = [b for b in ctx.banks.list() if b.id == shipped["bank"]["id"]]
        assert new.questions == len(shipped["questions"])
        assert new.flashcards == len(shipped["flashcards"])
        stems = {q.id: q.stem for q in ctx.banks.load(new.id).questions}
        first = shipped["questions"][0]
        assert stems[first["id"]].strip() == first["stem"].strip() != OLD_STEM
        assert all(q["id"] in stems for q in shipped["questions"][-HELD_BACK:])

        study.reload()
        assert study.history(card.card_id) == reviews_before
        assert study.card(card.card_id).schedule == schedule_before
        answered_after = quiz.view(attempt.id).items[0]
        assert (answered_after.question_id, answered_after.selected, answered_after.score) == (
            answered_before.question_id, answered_before.selected, answered_before.score)
        assert quiz.history() == attempts_before
    finally:
        ctx.close()

