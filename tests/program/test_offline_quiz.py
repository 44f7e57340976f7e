"""A quiz and a timed exam started while the program's server is down, sent once it is back.

A real PostgreSQL server, really stopped (``pg_ctl -m immediate``) before the app starts; the
quiz is built from the offline replica and every attempt, answer and end goes through the
outbox. Sending again (a crash between the server's commit and ours) stores nothing twice.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import ServerUnreachableError
from mht_desktop.core.quiz import AttemptStatus, Pool, QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig, QuizService
from mht_desktop.services.quiz_types import AttemptView
from mht_desktop.services.replica import refresh_replica
from mht_desktop.storage.program import own_profile_id
from tests.program.conftest import Program


def _server_rows(program: Program, sql: str) -> list[Any]:
    engine = create_engine(program.server.url(program.database))
    with engine.connect() as c:
        rows = list(c.execute(text(sql)))
    engine.dispose()
    return rows


def _right(item: Any) -> frozenset[int]:
    return frozenset(i for i, c in enumerate(item.question.choices) if c.correct)


def _wrong(item: Any) -> frozenset[int]:
    return frozenset({next(i for i, c in enumerate(item.question.choices) if not c.correct)})


def _sync_once_online(program: Program, clock: FixedClock, data: Path) -> tuple[int, int]:
    """The first start with the server up: one exam answered there, then the replica."""
    url = program.url("ana")
    online = AppContext.open_url(url, clock=clock)
    try:
        online.attach_outbox(data)
        with online.db.session() as s:
            pid = own_profile_id(s)
        assert pid is not None
        quiz = online.quiz(pid)
        earlier = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=1, seed=3))
        quiz.answer(earlier.id, 0, _wrong(earlier.items[0]))
        quiz.submit(earlier.id)
        counts = refresh_replica(online.db, data, url, pid, clock)
        assert counts["quiz_attempts"] == 1 and counts["attempt_items"] == 1
        return pid, earlier.items[0].question_id
    finally:
        online.close()


def test_a_quiz_and_an_exam_started_offline_land_on_the_server_exactly_once(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    url, data = program.url("ana"), tmp_path / "laptop"
    pid, missed_online = _sync_once_online(program, clock, data)

    program.server.stop("immediate")
    try:
        offline = AppContext.open_offline(url, data, clock=clock)
        try:
            outbox = offline.attach_outbox(data)
            quiz = offline.quiz(pid)
            # The replica holds the answer given online: the missed pool is the server's.
            missed = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=5, seed=1,
                                           pool=Pool.MISSED))
            assert [i.question_id for i in missed.items] == [missed_online]
            quiz.abandon(missed.id)

            practice = quiz.start(QuizConfig(mode=QuizMode.TUTOR, count=3, seed=1))
            assert len(practice.items) == 3
            feedback = [quiz.answer(practice.id, item.position,
                                    _right(item) if item.position != 1 else _wrong(item))
                        for item in practice.items]
            assert [f.correct for f in feedback] == [True, False, True]
            practice_done = quiz.submit(practice.id)

            exam = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=3, seed=2))
            assert exam.time_limit_s is not None
            clock.advance(timedelta(seconds=90))
            for item in exam.items[:2]:  # the third is left unanswered: it scores 0
                quiz.answer(exam.id, item.position, _right(item))
            exam_done = quiz.submit(exam.id)
            assert exam_done.earned == 2 and exam_done.total == 3

            assert not outbox.online
            # 3 attempts + 3 ends + 5 answers, of which the status bar counts the answers.
            assert outbox.waiting == 11 and outbox.answers_waiting == 5
            assert _history_scores(quiz) == sorted([practice_done.score, exam_done.score,
                                                    0.0])
        finally:
            offline.close()  # the laptop is shut while still offline
    finally:
        program.server.start()

    again = AppContext.open_offline(url, data, clock=clock)  # started before the Wi-Fi
    try:
        outbox = again.attach_outbox(data)
        assert outbox.waiting == 11
        outbox.flush()
        assert outbox.waiting == 0 and outbox.online
        # The crash window: the server committed everything, our "sent" marks were lost.
        outbox._store._conn.execute("UPDATE outbox SET sent_at = NULL")
        outbox.flush()
        assert outbox.waiting == 0
    finally:
        again.close()

    made = _server_rows(program, "SELECT id, mode, status, score, elapsed_s, uid "
                                 "FROM quiz_attempts WHERE uid IS NOT NULL ORDER BY id")
    assert [(m, s) for _, m, s, *_ in made] == [
        ("tutor", "abandoned"), ("tutor", "submitted"), ("exam", "submitted")]
    assert len({uid for *_, uid in made}) == 3
    assert [round(score, 4) for *_, score, _e, _u in made[1:]] == [
        round(practice_done.score, 4), round(exam_done.score, 4)]
    assert made[2][4] == 90.0  # the exam's clock as it ran offline
    answers = _server_rows(program, "SELECT attempt_id, position, correct, answer_uid "
                                    "FROM attempt_items WHERE answered_at IS NOT NULL")
    offline_ids = {row[0] for row in made}
    offline_answers = [a for a in answers if a[0] in offline_ids]
    assert len(offline_answers) == 5 and len({a[3] for a in offline_answers}) == 5

    # On the server, Ana's history shows them as she saw them offline.
    server = program.open_as("ana", clock)
    try:
        history = server.quiz(pid).history()
        assert len(history) == 3  # the online quiz, the practice, the exam
        server_results = server.quiz(pid).results(made[2][0])
        assert server_results.attempt.status is AttemptStatus.SUBMITTED
        assert server_results.earned == 2 and server_results.unanswered == 1
    finally:
        server.close()


def test_an_exam_started_offline_resumes_on_the_server_with_its_time(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    url, data = program.url("ana"), tmp_path / "laptop"
    pid, _ = _sync_once_online(program, clock, data)
    program.server.stop("immediate")
    try:
        offline = AppContext.open_offline(url, data, clock=clock)
        try:
            offline.attach_outbox(data)
            quiz = offline.quiz(pid)
            exam = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=3, seed=5))
            clock.advance(timedelta(seconds=300))
            quiz.answer(exam.id, 0, _right(exam.items[0]))
            quiz.pause(exam.id)  # the app is closed mid-exam
        finally:
            offline.close()
    finally:
        program.server.start()

    back = AppContext.open_url(url, clock=clock)  # the next start finds the server
    try:
        outbox = back.attach_outbox(data)
        outbox.flush()
        assert outbox.waiting == 0
        quiz = back.quiz(pid)
        waiting = quiz.resumable()
        assert waiting is not None and waiting.mode is QuizMode.EXAM
        resumed: AttemptView = quiz.resume(waiting.id)
        assert resumed.items[0].answered and not resumed.items[1].answered
        assert resumed.remaining_s == exam.time_limit_s - 300
        assert [i.question_id for i in resumed.items] == [i.question_id for i in exam.items]
        assert [i.order for i in resumed.items] == [i.order for i in exam.items]
        quiz.answer(waiting.id, 1, _right(resumed.items[1]))
        done = quiz.submit(waiting.id)
        assert done.earned == 2
    finally:
        back.close()


def _history_scores(quiz: QuizService) -> list[float]:
    return sorted(h.score or 0.0 for h in quiz.history())


def test_an_exam_on_the_server_is_finished_while_it_is_away_and_lands_once(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    ctx = program.open_as("ana", clock)
    try:
        outbox = ctx.attach_outbox(tmp_path / "laptop")
        with ctx.db.session() as s:
            pid = own_profile_id(s)
        assert pid is not None
        quiz = ctx.quiz(pid)
        exam = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=3, seed=11))
        quiz.answer(exam.id, 0, _right(exam.items[0]))
        program.server.stop("immediate")  # the Wi-Fi drops mid-exam
        try:
            clock.advance(timedelta(seconds=120))
            saved = quiz.save_clock(exam.id)  # the window's clock: no error, time from here
            assert exam.time_limit_s is not None
            assert saved.remaining_s == exam.time_limit_s - 120
            quiz.go_to(exam.id, 1)
            quiz.answer(exam.id, 1, _wrong(exam.items[1]))
            assert quiz.check_time(exam.id) is None  # time remains
            done = quiz.submit(exam.id)  # the third unanswered: it scores 0
            assert done.attempt.status is AttemptStatus.SUBMITTED
            assert done.earned == 1 and done.total == 3 and done.unanswered == 1
            assert outbox.waiting == 2 and outbox.answers_waiting == 1
        finally:
            program.server.start()
        outbox.flush()
        outbox._store._conn.execute("UPDATE outbox SET sent_at = NULL")  # and again
        outbox.flush()
        assert outbox.waiting == 0
        on_server = quiz.results(exam.id)
        assert on_server.attempt.status is AttemptStatus.SUBMITTED
        assert (on_server.score, on_server.earned, on_server.unanswered) == (
            done.score, done.earned, done.unanswered)
        assert on_server.attempt.elapsed_s == 120.0
        answered = _server_rows(program, f"SELECT count(*) FROM attempt_items WHERE "
                                         f"attempt_id = {exam.id} AND answered_at IS NOT NULL")
        assert answered == [(2,)]
    finally:
        ctx.close()


def test_a_missed_question_review_started_offline_lands_with_every_question_it_asked(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    url, data = program.url("ana"), tmp_path / "laptop"
    pid, missed_online = _sync_once_online(program, clock, data)
    program.server.stop("immediate")
    try:
        offline = AppContext.open_offline(url, data, clock=clock)
        try:
            outbox = offline.attach_outbox(data)
            quiz = offline.quiz(pid)
            review = quiz.start(QuizConfig(mode=QuizMode.MISSED, seed=4))
            assert [i.question_id for i in review.items] == [missed_online]
            # Missed review asks a question again until it is right twice: wrong, right, right.
            first = quiz.answer(review.id, 0, _wrong(review.items[0]))
            assert first.added is not None
            second = quiz.answer(review.id, 1, _right(first.added))
            assert second.added is not None
            third = quiz.answer(review.id, 2, _right(second.added))
            assert third.done
            quiz.submit(review.id)
            assert outbox.answers_waiting == 3
        finally:
            offline.close()
    finally:
        program.server.start()
    again = AppContext.open_offline(url, data, clock=clock)
    try:
        outbox = again.attach_outbox(data)
        outbox.flush()
        assert outbox.waiting == 0
    finally:
        again.close()
    rows = _server_rows(program, "SELECT i.position, i.question_id, i.correct, a.status "
                                 "FROM attempt_items i JOIN quiz_attempts a ON "
                                 "a.id = i.attempt_id WHERE a.uid IS NOT NULL ORDER BY position")
    assert rows == [(0, missed_online, False, "submitted"), (1, missed_online, True, "submitted"),
                    (2, missed_online, True, "submitted")]


def test_marks_strike_outs_and_flags_during_an_exam_while_the_server_is_away(
        program: Program, clock: FixedClock, tmp_path: Path) -> None:
    # Each of these used to raise "server unreachable": an error dialog at every click.
    ctx = program.open_as("ana", clock)
    try:
        outbox = ctx.attach_outbox(tmp_path / "laptop")
        with ctx.db.session() as s:
            pid = own_profile_id(s)
        assert pid is not None
        quiz = ctx.quiz(pid)
        exam = quiz.start(QuizConfig(mode=QuizMode.EXAM, count=3, seed=5))
        program.server.stop("immediate")
        try:
            marked = quiz.set_marked(exam.id, 1, True)
            assert marked.item.marked and marked.item.position == 1
            struck = quiz.set_struck(exam.id, 1, frozenset({0}))
            assert struck.item.struck == frozenset({0}) and struck.item.marked
            flagged_id = exam.items[2].question_id
            assert quiz.toggle_flag(flagged_id, True) == Changes()   # nothing stored
            with pytest.raises(ServerUnreachableError):      # not a question of this sitting
                quiz.toggle_flag(-1, True)
            quiz.answer(exam.id, 1, _right(exam.items[1]))
            done = quiz.submit(exam.id)
            item = done.attempt.items[1]
            assert item.marked and item.struck == frozenset({0}) and item.answered
            assert done.attempt.items[2].flagged
        finally:
            program.server.start()
        outbox.flush()
        assert outbox.waiting == 0
        assert quiz.results(exam.id).earned == done.earned == 1
    finally:
        ctx.close()
