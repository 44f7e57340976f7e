"""A training program's server: its roles and the row-level security that keeps people apart.

PostgreSQL only. Who may see what is enforced by the database itself, so a trainee who
connects with ``psql`` and their own password is held to the same rules as the app:

- every person logs in as their own role, a member of ``<db>_trainees`` or
  ``<db>_instructors`` (group roles named after the database, so several programs can share a
  cluster);
- a trainee reads and writes only the progress rows of their own profile;
- an instructor does the same for their own profile and may *read* the rows of the trainees in
  their cohort, nothing else;
- banks, topics, items, profiles and roles change only through the coordinator: the role that
  ran ``server init`` and owns the tables (an owner is not held by row-level security).

Passwords are made here, shown once by the caller, and sent to the server only as a SCRAM
verifier, so not even the server's statement log sees them in plain text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, literal_column, select, text
from sqlalchemy.orm import Session

from mht_desktop.core.errors import ProfileError
from mht_desktop.storage.models import ProfileRow, QuizAttemptRow, ReviewLogRow

# Progress tables that carry the profile they belong to.
PROFILE_TABLES = ("cards", "review_logs", "quiz_attempts", "question_flags", "reading_progress",
                  "bookmarks", "practice_attempts", "latest_answers")
READ_ONLY_TABLES = ("banks", "topics", "questions", "flashcards", "practice_files",
                    "alembic_version")
MAX_ROLE_LENGTH = 63
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True, slots=True)
class Member:
    """A person on the program's server."""

    name: str
    role: str | None  # None: removed, history kept
    cohort: str
    is_instructor: bool
    last_active: datetime | None


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a new member is handed, once: their login name and password."""

    name: str
    role: str
    password: str


def group_roles(database: str) -> tuple[str, str]:
    """The trainees' and the instructors' group roles of ``database``."""
    return f"{database}_trainees"[:MAX_ROLE_LENGTH], f"{database}_instructors"[:MAX_ROLE_LENGTH]


def role_for(database: str, name: str) -> str:
    """The login role for a person: the database name, then the name in lower-case letters.

    Raises:
        ProfileError: the name has no letters or digits to make a role from.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise ProfileError(f"Cannot make a login name from {name!r}: use letters or digits.")
    role = f"{database}_{slug}"[:MAX_ROLE_LENGTH]
    if role in group_roles(database):
        raise ProfileError(f"{name!r} is reserved for the program's own groups; add a surname.")
    return role


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, 7677)."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def new_password() -> str:
    """A random password of about 120 bits, easy to read out and to type."""
    return secrets.token_urlsafe(15)


def current_database(connection: Connection) -> str:
    """The name of the database ``connection`` is on."""
    return str(connection.execute(text("SELECT current_database()")).scalar_one())


def apply_security(connection: Connection) -> None:
    """Create the group roles, grants and policies (again, safely, after every upgrade).

    Run by the coordinator (the tables' owner) inside the transaction of ``server init``.
    """
    database = current_database(connection)
    trainees, instructors = group_roles(database)
    groups = f"{_quote(trainees)}, {_quote(instructors)}"
    statements = [
        *(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(g)}) "
          f"THEN CREATE ROLE {_quote(g)} NOLOGIN; END IF; END $$" for g in (trainees,
                                                                           instructors)),
        # Nobody else on the cluster may connect, and nobody creates tables in our schema.
        f"REVOKE ALL ON DATABASE {_quote(database)} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {groups}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {groups}",
        f"GRANT SELECT ON {', '.join(READ_ONLY_TABLES)} TO {groups}",
        f"GRANT SELECT ON profiles TO {groups}",
        f"GRANT UPDATE (settings, last_used_at) ON profiles TO {groups}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(PROFILE_TABLES)}, attempt_items "
        f"TO {groups}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}",
        # The helpers run as the owner (SECURITY DEFINER) so that reading profiles inside a
        # policy on profiles does not recurse; session_user is the person who logged in.
        "CREATE OR REPLACE FUNCTION mht_own_profiles() RETURNS SETOF integer LANGUAGE sql "
        "STABLE SECURITY DEFINER SET search_path = public AS "
        "$$ SELECT id FROM profiles WHERE db_role = session_user $$",
        "CREATE OR REPLACE FUNCTION mht_cohort_profiles() RETURNS SETOF integer LANGUAGE sql "
        "STABLE SECURITY DEFINER SET search_path = public AS "
        "$$ SELECT p.id FROM profiles p JOIN profiles me ON me.db_role = session_user "
        "AND me.is_instructor AND p.cohort = me.cohort AND NOT p.is_instructor $$",
        "REVOKE ALL ON FUNCTION mht_own_profiles(), mht_cohort_profiles() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION mht_own_profiles() TO {groups}",
        f"GRANT EXECUTE ON FUNCTION mht_cohort_profiles() TO {_quote(instructors)}",
    ]
    own = "IN (SELECT mht_own_profiles())"
    cohort = "IN (SELECT mht_cohort_profiles())"
    owner_columns = {"profiles": "id", **{table: "profile_id" for table in PROFILE_TABLES}}
    for table, column in owner_columns.items():
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS own_rows ON {table}",
            f"CREATE POLICY own_rows ON {table} TO {groups} USING ({column} {own})",
            f"DROP POLICY IF EXISTS cohort_reads ON {table}",
            f"CREATE POLICY cohort_reads ON {table} FOR SELECT TO {_quote(instructors)} "
            f"USING ({column} {cohort})",
        ]
    statements += [
        "ALTER TABLE attempt_items ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS own_rows ON attempt_items",
        f"CREATE POLICY own_rows ON attempt_items TO {groups} USING (attempt_id IN "
        f"(SELECT id FROM quiz_attempts WHERE profile_id {own}))",
        "DROP POLICY IF EXISTS cohort_reads ON attempt_items",
        f"CREATE POLICY cohort_reads ON attempt_items FOR SELECT TO {_quote(instructors)} "
        f"USING (attempt_id IN (SELECT id FROM quiz_attempts WHERE profile_id {cohort}))",
    ]
    for statement in statements:
        connection.exec_driver_sql(statement)


def add_member(session: Session, name: str, *, cohort: str, instructor: bool,
               now: datetime) -> Credentials:
    """Create a person's login role and their profile, in one transaction.

    Raises:
        ProfileError: someone of that name (or login) is already on the server.
    """
    connection = session.connection()
    database = current_database(connection)
    role = role_for(database, name)
    taken = session.scalar(select(ProfileRow.id).where(
        (func.lower(ProfileRow.name) == name.lower()) | (ProfileRow.db_role == role)))
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                {"r": role}).scalar()
    if taken is not None or exists:
        raise ProfileError(f"{name!r} (login {role}) is already on this server.")
    trainees, instructors = group_roles(database)
    password = new_password()
    connection.exec_driver_sql(
        f"CREATE ROLE {_quote(role)} LOGIN PASSWORD {_literal(scram_verifier(password))} "
        f"IN ROLE {_quote(instructors if instructor else trainees)}")
    session.add(ProfileRow(name=name, created_at=now, last_used_at=None, settings={},
                           db_role=role, cohort=cohort, is_instructor=instructor))
    session.flush()
    return Credentials(name=name, role=role, password=password)


def list_members(session: Session) -> list[Member]:
    """Everyone the connected role may see, with when they last answered anything."""
    last_review = (select(ReviewLogRow.profile_id, func.max(ReviewLogRow.reviewed_at)
                          .label("at")).group_by(ReviewLogRow.profile_id).subquery())
    last_quiz = (select(QuizAttemptRow.profile_id, func.max(QuizAttemptRow.started_at)
                        .label("at")).group_by(QuizAttemptRow.profile_id).subquery())
    rows = session.execute(
        select(ProfileRow, last_review.c.at, last_quiz.c.at)
        .outerjoin(last_review, last_review.c.profile_id == ProfileRow.id)
        .outerjoin(last_quiz, last_quiz.c.profile_id == ProfileRow.id)
        .order_by(ProfileRow.is_instructor.desc(), ProfileRow.cohort, ProfileRow.name))
    members = []
    for row, review_at, quiz_at in rows:
        times = [t.replace(tzinfo=row.created_at.tzinfo) for t in (review_at, quiz_at) if t]
        members.append(Member(name=row.name, role=row.db_role, cohort=row.cohort or "",
                              is_instructor=row.is_instructor,
                              last_active=max(times) if times else None))
    return members


def remove_member(session: Session, name: str, *, keep_history: bool) -> str:
    """Drop a person's login; keep their profile and history as a former member, or delete it.

    Returns:
        The login role that was dropped.

    Raises:
        ProfileError: nobody of that name has a login on this server.
    """
    row = session.scalar(select(ProfileRow).where(func.lower(ProfileRow.name) == name.lower(),
                                                  ProfileRow.db_role.is_not(None)))
    if row is None or row.db_role is None:
        raise ProfileError(f"Nobody called {name!r} has a login on this server.")
    role = row.db_role
    if keep_history:
        row.db_role = None
    else:
        session.delete(row)
    session.flush()
    session.connection().exec_driver_sql(f"DROP ROLE IF EXISTS {_quote(role)}")
    return role


def own_profile_id(session: Session) -> int | None:
    """The profile of the role that is logged in (None for the coordinator)."""
    return session.scalar(select(ProfileRow.id).where(
        ProfileRow.db_role == literal_column("session_user")))
