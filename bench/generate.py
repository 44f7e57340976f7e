"""Create synthetic data for the benchmarks.

    python bench/generate.py --data-dir DIR --size smoke|full

Makes a learner profile named ``bench`` with a year of history — full size: 50,000 cards,
500,000 review logs and 20,000 quiz answers — and writes a 10,000-question bank in every
import format to DIR/banks/. Everything is seeded, so two runs make the same data.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

from mht_desktop.core.banks import (
    Bank,
    BankFormat,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.core.cards import CardState
from mht_desktop.formats import write_bank
from mht_desktop.services.context import AppContext
from mht_desktop.storage import cards as cards_repo
from mht_desktop.storage.models import (
    AttemptItemRow,
    CardRow,
    QuestionRow,
    QuizAttemptRow,
    ReviewLogRow,
)

TOPICS = ["restraint-seclusion", "suicide-precautions", "hipaa-basics", "permitted-disclosures",
          "objective-documentation", "note-formats", "psychotropic-classes", "adverse-effects",
          "verbal-deescalation", "role-and-settings"]
NOW = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Size:
    """How much data to make."""

    cards: int
    logs: int
    quiz_answers: int
    questions: int


SIZES = {"smoke": Size(cards=2_000, logs=20_000, quiz_answers=1_000, questions=500),
         "full": Size(cards=50_000, logs=500_000, quiz_answers=20_000, questions=10_000)}


def question_bank(n: int, bank_id: str = "bench-questions") -> Bank:
    """A bank of ``n`` four-choice questions spread over the topics."""
    rng = random.Random(1)
    questions = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        right = rng.randrange(4)
        kind = QuestionType.MULTIPLE if i % 10 == 9 else QuestionType.SINGLE
        choices = tuple(Choice(f"Option {k + 1} for item {i}", k == right or (
            kind is QuestionType.MULTIPLE and k == (right + 1) % 4),
            feedback=f"Feedback {k + 1}") for k in range(4))
        questions.append(Question(
            id=f"bq{i:05d}", type=kind, topic=topic, difficulty=1 + i % 3,
            stem=f"Synthetic question {i}: which option is right for case {rng.random():.6f}?",
            choices=choices, rationale=f"Rationale for question {i}.", source="Synthetic",
            reviewed=date(2026, 11, 1), tags=("bench",)))
    return Bank(BankInfo(bank_id, "Benchmark questions", "1", "bench"),
                tuple(Topic(t, t.replace("-", " ").title()) for t in TOPICS), tuple(questions))


def card_bank(n: int) -> Bank:
    """A bank of ``n`` flashcards."""
    cards = tuple(Flashcard(f"bf{i:05d}", TOPICS[i % len(TOPICS)], f"Front of card {i}",
                            f"Back of card {i}", source="Synthetic") for i in range(n))
    return Bank(BankInfo("bench-cards", "Benchmark cards", "1", "bench"),
                tuple(Topic(t, t.replace("-", " ").title()) for t in TOPICS), flashcards=cards)


def aiken_text(bank: Bank) -> str:
    """Aiken has no writer in the app (it would drop too much); the bench makes its own."""
    out = []
    for q in bank.questions:
        if q.type is not QuestionType.SINGLE:
            continue
        lines = [q.stem] + [f"{'ABCD'[k]}. {c.text}" for k, c in enumerate(q.choices)]
        right = next(k for k, c in enumerate(q.choices) if c.correct)
        lines.append(f"ANSWER: {'ABCD'[right]}")
        out.append("\n".join(lines))
    # Pad with extra single-choice items so the file has as many questions as the others.
    missing = len(bank.questions) - len(out)
    for i in range(missing):
        out.append(f"Extra Aiken question {i}?\nA. yes\nB. no\nANSWER: A")
    return "\n\n".join(out) + "\n"


def write_import_files(folder: Path, n: int) -> dict[str, Path]:
    """The same n-question bank in every import format."""
    folder.mkdir(parents=True, exist_ok=True)
    bank = question_bank(n)
    files = {
        "native": (folder / "bench.mhtbank.toml", write_bank(bank, BankFormat.NATIVE)),
        "gift": (folder / "bench.gift", write_bank(bank, BankFormat.GIFT)),
        "aiken": (folder / "bench-aiken.txt", aiken_text(bank)),
        "moodle_xml": (folder / "bench.xml", write_bank(bank, BankFormat.MOODLE_XML)),
        "csv": (folder / "bench.csv", write_bank(bank, BankFormat.CSV)),
    }
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {name: path for name, (path, _) in files.items()}


def fill_history(ctx: AppContext, profile_id: int, size: Size, rng: random.Random) -> None:
    """Card states, review logs and quiz answers spread over the past year."""
    with ctx.db.session() as s:
        cards_repo.sync_cards(s, profile_id, NOW - timedelta(days=365))
        card_ids = list(s.scalars(select(CardRow.id).where(CardRow.profile_id == profile_id)))
    year = 365 * 86400
    logs = []
    for i in range(size.logs):
        when = NOW - timedelta(seconds=rng.randrange(year))
        logs.append({"profile_id": profile_id, "card_id": card_ids[i % len(card_ids)],
                     "rating": rng.choice((1, 3, 3, 3, 3, 4, 2)), "reviewed_at": when,
                     "duration_ms": rng.randrange(2000, 20000), "state_before": 2,
                     "interval_days": rng.random() * 30, "snapshot": {}})
    with ctx.db.session() as s:
        for start in range(0, len(logs), 50_000):
            s.execute(insert(ReviewLogRow), logs[start:start + 50_000])
        # Most cards are in review, due around now; a tenth stay new.
        updates = []
        for k, card_id in enumerate(card_ids):
            if k % 10 == 0:
                continue
            due = NOW + timedelta(hours=rng.randrange(-72, 24 * 30))
            updates.append({"id": card_id, "state": int(CardState.REVIEW), "due": due,
                            "stability": 5 + rng.random() * 60, "difficulty": 5.0,
                            "last_review": due - timedelta(days=5), "reps": 10,
                            "lapses": rng.randrange(3)})
        s.execute(update(CardRow), updates)
    with ctx.db.session() as s:
        question_ids = list(s.scalars(select(QuestionRow.id)))
        attempts = max(1, size.quiz_answers // 100)
        for a in range(attempts):
            started = NOW - timedelta(days=rng.randrange(365), hours=1)
            attempt = QuizAttemptRow(profile_id=profile_id, mode=rng.choice(["tutor", "exam"]),
                                     status="submitted", config={}, seed=a, started_at=started,
                                     finished_at=started + timedelta(minutes=90),
                                     time_limit_s=7200, elapsed_s=5400.0, current_index=0,
                                     score=0.7, passed=True)
            s.add(attempt)
            s.flush()
            picked = rng.sample(question_ids, min(100, len(question_ids)))
            items = []
            for pos, qid in enumerate(picked):
                ok = rng.random() < 0.72
                items.append({"attempt_id": attempt.id, "position": pos, "question_id": qid,
                              "choice_order": [0, 1, 2, 3], "selected": [0], "struck": [],
                              "marked": False, "answered_at": started + timedelta(seconds=50 * pos),
                              "time_spent_s": 50.0, "score": 1.0 if ok else 0.0, "correct": ok})
            s.execute(insert(AttemptItemRow), items)


def generate(data_dir: Path, size_name: str) -> dict[str, Path]:
    """Build the data set; returns the import files by format name."""
    size = SIZES[size_name]
    rng = random.Random(42)
    ctx = AppContext.open(data_dir)
    try:
        if any(p.name == "bench" for p in ctx.profiles.list()):
            raise SystemExit(f"{data_dir} already has a 'bench' profile; use an empty folder")
        profile, _ = ctx.profiles.create("bench")
        files = write_import_files(data_dir / "banks", size.questions)
        cards_file = data_dir / "banks" / "bench-cards.mhtbank.toml"
        cards_file.write_text(write_bank(card_bank(size.cards), BankFormat.NATIVE),
                              encoding="utf-8")
        for path in (files["native"], cards_file):
            report, _ = ctx.banks.import_file_now(path)
            if not report.imported:
                raise SystemExit(f"could not import {path}: {report.errors[:3]}")
        fill_history(ctx, profile.id, size, rng)
    finally:
        ctx.close()
    return files


def main(argv: list[str] | None = None) -> int:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--size", choices=sorted(SIZES), default="smoke")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.data_dir, args.size)
    print(f"generated {args.size} data in {args.data_dir} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
