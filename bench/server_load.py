"""Load on a program's server: many trainees at once, and the server killed in the middle.

    python bench/server_load.py [--trainees 50] [--answers 300] [--kill-after 5] [--json FILE]

Starts a throwaway PostgreSQL (tests/pg_server.py), sets the program up as a coordinator
would, then runs each trainee in its own process: half of their answers are flashcard reviews,
half quiz answers, each through the app's own services and offline outbox, as fast as they
can. ``--kill-after S`` stops the server with ``pg_ctl -m immediate`` S seconds in and starts
it again 3 s later; trainees keep answering into their outboxes and send when it is back.
At the end every answer given is counted on the server: lost and duplicated must both be 0.
Reports throughput and the p50/p95/p99 latency of one answer's commit (an answer kept in the
outbox while offline counts with the time it took to keep it).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _trainee(url: str, outbox_dir: str, answers: int, seed: int) -> dict[str, Any]:
    """One trainee's process: answer ``answers`` times, then send whatever waits."""
    from mht_desktop.core.cards import Rating
    from mht_desktop.services.context import AppContext
    from mht_desktop.services.quiz import QuizConfig
    from mht_desktop.storage.program import own_profile_id

    ctx = AppContext.open_url(url)
    outbox = ctx.attach_outbox(Path(outbox_dir))
    with ctx.db.session() as s:
        profile_id = own_profile_id(s)
    assert profile_id is not None
    study, quiz = ctx.study(profile_id), ctx.quiz(profile_id)
    attempt = quiz.start(QuizConfig(count=answers, seed=seed))
    card = study.next_card()
    latencies: list[float] = []
    reviews = quiz_answers = 0
    for n in range(answers):
        start = time.perf_counter()
        if n % 2 == 0 and card is not None:
            study.answer(card, Rating.GOOD)  # the same card: enough to load the server
            reviews += 1
        else:
            item = attempt.items[quiz_answers % len(attempt.items)]
            quiz.answer(attempt.id, item.position, frozenset({item.order[0]}))
            quiz_answers += 1
        latencies.append(time.perf_counter() - start)
    deadline = time.monotonic() + 120
    while outbox.waiting and time.monotonic() < deadline:
        outbox.flush()
        if outbox.waiting:
            time.sleep(0.5)
    left = outbox.waiting
    ctx.close()
    return {"profile_id": profile_id, "reviews": reviews, "quiz_answers": quiz_answers,
            "items": len(attempt.items), "latencies": latencies, "left_in_outbox": left}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--kill-after", type=float, default=None,
                        help="kill the server this many seconds in, restart it 3 s later")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()

    from sqlalchemy import create_engine, text
    from tests.pg_server import local_server

    from mht_desktop.services.context import AppContext

    with local_server() as server, tempfile.TemporaryDirectory() as work:
        url = server.create_database("program")
        coordinator = AppContext.open_url(url, upgrade=True)
        coordinator.program.init()
        people = [coordinator.program.add(f"Trainee {i:03d}", instructor=False)[0]
                  for i in range(args.trainees)]
        coordinator.close()
        jobs = [(server.url("program", c.role, c.password), f"{work}/t{i}", args.answers, i)
                for i, c in enumerate(people)]
        context = multiprocessing.get_context("spawn")
        began = time.perf_counter()
        with context.Pool(args.trainees) as pool:
            pending = pool.starmap_async(_trainee, jobs)
            if args.kill_after is not None:
                time.sleep(args.kill_after)
                server.stop("immediate")
                print(f"server killed at {time.perf_counter() - began:.1f} s", flush=True)
                time.sleep(3)
                server.start()
                print(f"server back at {time.perf_counter() - began:.1f} s", flush=True)
            results = pending.get()
        elapsed = time.perf_counter() - began
        engine = create_engine(url)
        with engine.connect() as c:
            logs, uids = c.execute(text("SELECT count(*), count(DISTINCT uid) FROM review_logs")
                                   ).one()
            answered = c.execute(text("SELECT count(*) FROM attempt_items WHERE answered_at "
                                      "IS NOT NULL")).scalar_one()
        engine.dispose()
    given_reviews = sum(r["reviews"] for r in results)
    # A quiz answer lands on its item; a second round over a short quiz re-answers the same
    # items, so count the items answered.
    given_items = sum(min(r["quiz_answers"], r["items"]) for r in results)
    latencies = sorted(x for r in results for x in r["latencies"])
    cuts = statistics.quantiles(latencies, n=100)
    report = {
        "trainees": args.trainees, "answers_each": args.answers,
        "killed": args.kill_after is not None, "elapsed_s": round(elapsed, 2),
        "answers_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "reviews_given": given_reviews, "reviews_on_server": logs,
        "review_ids_distinct": uids, "quiz_answers_given": given_items,
        "quiz_answers_on_server": answered,
        "lost": (given_reviews - uids) + (given_items - answered),
        "duplicated": logs - uids,
        "left_in_outboxes": sum(r["left_in_outbox"] for r in results),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if report["lost"] == 0 and report["duplicated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
