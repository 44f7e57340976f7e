"""A trainee with a year of history takes an exam while the program's server is down.

    python bench/offline_quiz.py [--answers 3000] [--exam 100] [--json FILE]

Starts a throwaway PostgreSQL (tests/pg_server.py), sets the program up as a coordinator would
(``server init`` with the shipped banks, one trainee), writes a year of quiz history for her
straight in SQL (``--answers`` answers in 20-question quizzes), then through the app's own
services:

- ``refresh``: the replica made at connect (services/replica.py), which now also copies her
  attempts, answers and flags — rows copied and seconds (wall and CPU);
- ``start online`` / ``start offline``: building a ``--exam``-question timed exam on the
  server and, with the server stopped (``pg_ctl -m immediate``), from the replica;
- ``answers offline``: each answer's local work (the replica's commit and the outbox's);
- ``sent``: after the server is started again, one flush of the outbox, and a count on the
  server of the attempt and its answers (each must be there exactly once; the flush is then
  repeated with every "sent" mark erased, as after a crash, and counted again).

No assertion on time: the figures go in bench/README.md with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _history_sql(answers: int) -> list[str]:
    quizzes = max(1, answers // 20)
    return [
        "INSERT INTO quiz_attempts (profile_id, mode, status, config, seed, started_at,"
        " finished_at, time_limit_s, elapsed_s, current_index, score, passed) "
        "SELECT p.id, 'tutor', 'submitted', '{}'::json, g,"
        " now() at time zone 'utc' - random() * interval '365 days', NULL, NULL, 600, 20,"
        " NULL, NULL "
        f"FROM profiles p CROSS JOIN generate_series(1, {quizzes}) g WHERE p.db_role IS NOT NULL",
        "INSERT INTO attempt_items (attempt_id, position, question_id, choice_order, selected,"
        " struck, marked, answered_at, time_spent_s, score, correct, answer_uid) "
        "SELECT a.id, g - 1, q.min_id + ((a.id * 7919 + g * 104729) % q.n), '[0,1,2,3]'::json,"
        " '[0]'::json, '[]'::json, false, a.started_at + g * interval '30 seconds', 30,"
        " 1.0, true, NULL "
        "FROM quiz_attempts a CROSS JOIN generate_series(1, 20) g "
        "CROSS JOIN (SELECT min(id) AS min_id, count(*) AS n FROM questions) q",
        "ANALYZE",
    ]


def _timed(work: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=3000, help="her history, over a year")
    parser.add_argument("--exam", type=int, default=100, help="questions in the exam")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()

    import psycopg
    from sqlalchemy import text
    from tests.pg_server import local_server

    from mht_desktop.core.quiz import QuizMode
    from mht_desktop.services.context import AppContext
    from mht_desktop.services.quiz import QuizConfig
    from mht_desktop.services.replica import refresh_replica
    from mht_desktop.storage.program import own_profile_id

    out: dict[str, Any] = {"load_average": os.getloadavg()}
    with local_server() as server, tempfile.TemporaryDirectory() as tmp:
        url = server.create_database("program")
        coordinator = AppContext.open_url(url, upgrade=True)
        coordinator.program.init()
        ana = coordinator.program.add("Ana Diaz", instructor=False)[0]
        coordinator.close()
        with psycopg.connect(host=str(server.socket_dir), dbname="program", user="mht_super",
                             password=server.password, autocommit=True) as conn:
            for statement in _history_sql(args.answers):
                conn.execute(statement.encode())
        ana_url = server.url("program", ana.role, ana.password)
        data = Path(tmp) / "laptop"

        online = AppContext.open_url(ana_url)
        try:
            with online.db.session() as s:
                pid = own_profile_id(s)
            assert pid is not None
            counts, wall, cpu = _timed(lambda: refresh_replica(online.db, data, ana_url, pid,
                                                               online.clock))
            out["refresh"] = {"rows": counts, "wall_s": wall, "cpu_s": cpu}
            quiz = online.quiz(pid)
            config = QuizConfig(mode=QuizMode.EXAM, count=args.exam, seed=1)
            exam, wall, cpu = _timed(lambda: quiz.start(config))
            quiz.abandon(exam.id)
            out["start_online"] = {"questions": len(exam.items), "wall_s": wall, "cpu_s": cpu}
        finally:
            online.close()

        server.stop("immediate")
        try:
            offline = AppContext.open_offline(ana_url, data)
            try:
                outbox = offline.attach_outbox(data)
                quiz = offline.quiz(pid)
                exam, wall, cpu = _timed(lambda: quiz.start(config))
                out["start_offline"] = {"questions": len(exam.items), "wall_s": wall,
                                        "cpu_s": cpu}
                per_answer = []
                for item in exam.items:
                    right = frozenset(i for i, c in enumerate(item.question.choices)
                                      if c.correct)
                    _, wall, _ = _timed(lambda it=item, r=right: quiz.answer(exam.id,
                                                                             it.position, r))
                    per_answer.append(wall * 1000)
                quiz.submit(exam.id)
                per_answer.sort()
                out["answers_offline_ms"] = {
                    "n": len(per_answer), "p50": statistics.median(per_answer),
                    "p95": per_answer[int(0.95 * (len(per_answer) - 1))],
                    "max": per_answer[-1]}
                out["waiting"] = outbox.waiting
            finally:
                offline.close()
        finally:
            server.start()

        again = AppContext.open_offline(ana_url, data)
        try:
            outbox = again.attach_outbox(data)
            _, wall, cpu = _timed(outbox.flush)
            out["flush"] = {"wall_s": wall, "cpu_s": cpu, "left": outbox.waiting}
            outbox._store._conn.execute("UPDATE outbox SET sent_at = NULL")  # as after a crash
            outbox.flush()
        finally:
            again.close()
        check = AppContext.open_url(url)
        try:
            with check.db.session() as s:
                out["on_server"] = dict(s.execute(text(
                    "SELECT count(DISTINCT a.id) AS attempts, count(i.answered_at) AS answers, "
                    "count(DISTINCT i.answer_uid) AS answer_ids FROM quiz_attempts a JOIN "
                    "attempt_items i ON i.attempt_id = a.id WHERE a.uid IS NOT NULL")).one()
                    ._mapping)
        finally:
            check.close()
    out["load_average_after"] = os.getloadavg()
    print(json.dumps(out, indent=2, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
