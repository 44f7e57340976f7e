"""kill -9 in the middle of reviews and a timed exam loses nothing that was committed.

A child process reviews flashcards and answers exam questions as fast as it can, printing a
line after each commit returns and saving the exam clock as the window does; the test SIGKILLs
it at a random moment, several times in a row on the same data folder. After every kill the
database passes ``integrity_check``, every review and answer the child printed is there, and
the exam resumes with at least the time the child last saved (and no more than it ran).
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SAMPLE_BANK
from tests.services.test_quiz_service import _bank

from mht_desktop.services.context import AppContext
from mht_desktop.storage.paths import DATABASE_NAME

CHILD = """
import sys
from mht_desktop.core.cards import Rating
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage.card_browser import BrowseQuery

ctx = AppContext.open(sys.argv[1])
profile = ctx.profiles.by_name("Ana").id
study, quiz = ctx.study(profile), ctx.quiz(profile)
study.prepare()
cards = [row.card_id for row in study.browse(BrowseQuery())]
pending = quiz.resumable()
view = quiz.resume(pending.id) if pending else quiz.start(
    QuizConfig(mode=QuizMode.EXAM, count=90, minutes=120, seed=7))
print("exam", view.id, flush=True)
n = 0
for item in view.items:
    if item.answered:
        continue
    quiz.answer(view.id, item.position, frozenset({0}), time_spent_s=0.01)
    elapsed = quiz.view(view.id).elapsed_s  # what the clock showed; the save is later
    quiz.save_clock(view.id)
    print("answered", item.position, elapsed, flush=True)
    result = study.answer(study.card(cards[n % len(cards)]), Rating.GOOD, duration_ms=10)
    n += 1
    print("reviewed", flush=True)
print("done", flush=True)
"""


def _setup(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    sample = tmp_path / "sample.mhtbank.toml"
    sample.write_text(SAMPLE_BANK, encoding="utf-8")
    ctx = AppContext.open(data)
    try:
        ctx.banks.import_file_now(sample)
        ctx.banks.import_file_now(_bank(tmp_path, per_topic=30))
        ctx.profiles.create("Ana")
    finally:
        ctx.close()
    return data


def test_kill_9_during_reviews_and_an_exam_loses_nothing_committed(tmp_path: Path) -> None:
    data = _setup(tmp_path)
    rng = random.Random(9)
    printed_reviews = 0
    answered: set[int] = set()
    exam_id: int | None = None
    previous = 0.0  # the exam time stored after the last kill
    for _ in range(6):
        spawned = time.monotonic()
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(data)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        first = child.stdout.readline().split()
        assert first[0] == "exam", child.stderr.read() if child.stderr else ""
        assert exam_id in (None, int(first[1]))  # the same exam is resumed every time
        exam_id = int(first[1])
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        ran_for = time.monotonic() - spawned
        out, _ = child.communicate(timeout=60)
        last_elapsed = 0.0
        for line in out.splitlines():
            words = line.split()
            if words[0] == "answered":
                answered.add(int(words[1]))
                last_elapsed = float(words[2])
            elif words[0] == "reviewed":
                printed_reviews += 1
        raw = sqlite3.connect(data / DATABASE_NAME)
        try:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            reviews = raw.execute("SELECT count(*) FROM review_logs").fetchone()[0]
            stored = {p for (p,) in raw.execute(
                "SELECT position FROM attempt_items WHERE attempt_id = ? "
                "AND selected IS NOT NULL", (exam_id,))}
            elapsed = raw.execute("SELECT elapsed_s FROM quiz_attempts WHERE id = ?",
                                  (exam_id,)).fetchone()[0]
        finally:
            raw.close()
        assert reviews >= printed_reviews  # (one more if killed between commit and print)
        assert answered <= stored
        # The clock resumes where it was saved, and never counts time the app was not running.
        assert max(previous, last_elapsed) - 1e-6 <= elapsed <= previous + ran_for
        previous = elapsed
        if "done" in out:
            break
    assert printed_reviews > 0 and answered
