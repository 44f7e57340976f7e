"""Nobody sees what is not theirs: enforced by PostgreSQL, tested with SQL straight to it."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from mht_desktop.core.cards import Rating
from mht_desktop.core.clock import FixedClock
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.storage.program import own_profile_id
from tests.program.conftest import Program


def _study(program: Program, who: str, clock: FixedClock) -> int:
    """``who`` answers a card and a question through the app; returns their profile id."""
    ctx = program.open_as(who, clock)
    try:
        with ctx.db.session() as s:
            profile_id = own_profile_id(s)
        assert profile_id is not None
        assert [p.id for p in ctx.profiles.list()] == [profile_id]  # only themselves
        study = ctx.study(profile_id)
        card = study.next_card()
        assert card is not None
        study.answer(card, Rating.GOOD)
        quiz = ctx.quiz(profile_id)
        attempt = quiz.start(QuizConfig(count=1, seed=1))
        quiz.answer(attempt.id, 0, frozenset({0}))
        return profile_id
    finally:
        ctx.close()


def test_a_trainee_reads_and_writes_only_their_own_rows(program: Program,
                                                        clock: FixedClock) -> None:
    ana, ben = _study(program, "ana", clock), _study(program, "ben", clock)
    with psycopg.connect(**program.dsn("ana"), autocommit=True) as conn:
        for table in ("review_logs", "cards", "quiz_attempts"):
            ids = {r[0] for r in conn.execute(f"SELECT DISTINCT profile_id FROM {table}")}
            assert ids == {ana}, table
        items = conn.execute("SELECT count(*) FROM attempt_items").fetchone()
        assert items == (1,)  # Ana's one question; Ben's is invisible
        assert [r[0] for r in conn.execute("SELECT name FROM profiles")] == ["Ana Diaz"]
        # Writing over Ben's rows touches nothing; writing rows in his name is refused.
        assert conn.execute("UPDATE cards SET reps = 99 WHERE profile_id = %s",
                            (ben,)).rowcount == 0
        assert conn.execute("DELETE FROM review_logs WHERE profile_id = %s",
                            (ben,)).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO bookmarks (profile_id, chapter_id, anchor, title, note, "
                         "created_at) VALUES (%s, 'c', '', '', '', now())", (ben,))
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE cards SET profile_id = %s WHERE profile_id = %s", (ben, ana))
    coordinator = program.coordinator
    with coordinator.db.session() as s:
        reps = s.connection().exec_driver_sql(
            f"SELECT max(reps) FROM cards WHERE profile_id = {ben}").scalar()
    assert reps == 1  # Ben's card is as he left it


FORBIDDEN = [
    "UPDATE banks SET title = 'Mine now'",
    "INSERT INTO banks (id, title, version, author, description, license, source_path, "
    "source_format, content_hash, imported_at, enabled, builtin) VALUES "
    "('x', 'x', '1', '', '', '', '', 'native', '', now(), true, false)",
    "DELETE FROM questions",
    "UPDATE flashcards SET back = 'wrong'",
    "UPDATE profiles SET cohort = 'b'",
    "UPDATE profiles SET db_role = current_user",
    "INSERT INTO profiles (name, created_at, settings, is_instructor) "
    "VALUES ('Eve', now(), '{}', true)",
    "CREATE ROLE someone LOGIN",
    "CREATE TABLE mine (x int)",
    "GRANT {db}_instructors TO current_user",
]


def test_a_trainee_cannot_change_banks_profiles_or_roles(program: Program) -> None:
    # One connection per statement (a failed statement ends nothing else) and one server
    # for all of them (setting a program up is the slow part of these tests).
    for statement in FORBIDDEN:
        with psycopg.connect(**program.dsn("ana"), autocommit=True) as conn, \
                pytest.raises((errors.InsufficientPrivilege, errors.InvalidGrantOperation)):
            conn.execute(statement.replace("{db}", program.database).encode())
    with program.coordinator.db.session() as s:
        c = s.connection()
        assert c.exec_driver_sql("SELECT title FROM banks WHERE id = 'sample'").scalar() \
            == "Sample bank"
        assert c.exec_driver_sql("SELECT count(*) FROM questions WHERE bank_id = 'sample'"
                                 ).scalar() == 3
        assert c.exec_driver_sql("SELECT count(*) FROM profiles").scalar() == 4


def test_an_instructor_reads_their_cohort_and_changes_nothing(program: Program,
                                                              clock: FixedClock) -> None:
    ana, ben, cy = (_study(program, who, clock) for who in ("ana", "ben", "cy"))
    with psycopg.connect(**program.dsn("ida"), autocommit=True) as conn:
        seen = {r[0] for r in conn.execute("SELECT DISTINCT profile_id FROM review_logs")}
        assert seen == {ana, ben}  # not Cy, of cohort b
        names = {r[0] for r in conn.execute("SELECT name FROM profiles")}
        assert names == {"Ana Diaz", "Ben Okafor", "Ida Marsh"}
        assert conn.execute("SELECT count(*) FROM attempt_items").fetchone() == (2,)
        assert conn.execute("UPDATE cards SET reps = 0 WHERE profile_id = %s",
                            (ana,)).rowcount == 0
        assert conn.execute("DELETE FROM attempt_items").rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE banks SET enabled = false")
    assert cy not in seen


def test_removed_people_cannot_log_in_and_their_history_stays_or_goes(
        program: Program, clock: FixedClock) -> None:
    ana = _study(program, "ana", clock)
    _study(program, "ben", clock)
    service = program.coordinator.program
    role, kept = service.remove("Ana Diaz", keep_history=True)
    assert role == program.people["ana"].role
    assert kept.profiles and not kept.reviews  # the history stays
    role, dropped = service.remove("ben okafor", keep_history=False)
    assert role == program.people["ben"].role
    assert dropped.profiles and dropped.reviews and dropped.quizzes
    for who in ("ana", "ben"):
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(**program.dsn(who))
    with program.coordinator.db.session() as s:
        logs = dict(s.connection().exec_driver_sql(
            "SELECT profile_id, count(*) FROM review_logs GROUP BY profile_id").all())
    assert logs == {ana: 1}
    members = {m.name: m.role for m in service.members()}
    assert members["Ana Diaz"] is None and "Ben Okafor" not in members


def test_passwords_reach_the_server_only_as_scram_verifiers(program: Program) -> None:
    role = program.people["ana"].role
    password = program.people["ana"].password
    with psycopg.connect(host=str(program.server.socket_dir), dbname="postgres",
                         user="mht_super", password=program.server.password) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                              (role,)).fetchone()
    assert stored is not None and stored[0].startswith("SCRAM-SHA-256$4096:")
    assert password not in stored[0]
    log = (program.server.root / "server.log").read_text(errors="replace")
    assert password not in log
