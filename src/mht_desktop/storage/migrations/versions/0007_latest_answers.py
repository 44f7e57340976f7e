"""Latest answers: each learner's newest scored answer to each question, kept by the database.

The instructor's class view scores every trainee on their latest answer to each question
(readiness by topic, item statistics). Finding those among all of a year's answers meant
sorting every answer the cohort ever gave at each refresh: about 0.9 s on the server for
200 trainees × 3,000 answers before a figure was computed (bench/README.md, class view).
``latest_answers`` holds one row per (profile, question) instead, 200 × 1,084 rows there.

Triggers keep it, so every path that writes answers (a quiz, the offline outbox, the offline
replica, a coordinator's SQL) keeps it right without knowing about it:

- an answer stored (insert, or an update of ``answered_at``/``correct``) replaces the row
  when it is at least as recent (a later write wins a tie in time);
- an answer removed or changed (delete or update) that was the latest gives way to the
  newest remaining answer of that learner to that question, or to none.

The same SQL runs on both engines; PostgreSQL needs its triggers to call a function
(PL/pgSQL), SQLite takes the statements in the trigger itself. Existing answers are copied in.
``attempt_items.answered_at`` is also indexed so "answers in the last 7 days" reads a week,
not a year, and a trainee's last answer is one probe of (profile, answered_at) here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = "profile_id, question_id, attempt_item_id, answered_at, correct"

# What ``OLD`` was the latest answer of gives way to the newest other answer (if any).
_GIVE_WAY = (
    f"INSERT INTO latest_answers ({_COLUMNS}) "
    "SELECT a.profile_id, i.question_id, i.id, i.answered_at, i.correct "
    "FROM attempt_items i JOIN quiz_attempts a ON a.id = i.attempt_id "
    "WHERE i.question_id = OLD.question_id AND i.id <> OLD.id "
    "AND i.answered_at IS NOT NULL AND i.correct IS NOT NULL "
    "AND a.profile_id IN (SELECT profile_id FROM latest_answers WHERE attempt_item_id = OLD.id) "
    "ORDER BY i.answered_at DESC, i.id DESC LIMIT 1 "
    "ON CONFLICT (profile_id, question_id) DO UPDATE SET "
    "attempt_item_id = excluded.attempt_item_id, answered_at = excluded.answered_at, "
    "correct = excluded.correct; "
    "DELETE FROM latest_answers WHERE attempt_item_id = OLD.id;")
# ``NEW``, answered and scored, replaces the latest answer unless that one is more recent.
_TAKE = (
    f"INSERT INTO latest_answers ({_COLUMNS}) "
    "SELECT a.profile_id, NEW.question_id, NEW.id, NEW.answered_at, NEW.correct "
    "FROM quiz_attempts a WHERE a.id = NEW.attempt_id "
    "AND NEW.answered_at IS NOT NULL AND NEW.correct IS NOT NULL "
    "ON CONFLICT (profile_id, question_id) DO UPDATE SET "
    "attempt_item_id = excluded.attempt_item_id, answered_at = excluded.answered_at, "
    "correct = excluded.correct WHERE excluded.answered_at >= latest_answers.answered_at;")
_BACKFILL = (
    f"INSERT INTO latest_answers ({_COLUMNS}) SELECT {_COLUMNS} FROM ("
    "SELECT a.profile_id, i.question_id, i.id AS attempt_item_id, i.answered_at, i.correct, "
    "row_number() OVER (PARTITION BY a.profile_id, i.question_id "
    "ORDER BY i.answered_at DESC, i.id DESC) AS rank "
    "FROM attempt_items i JOIN quiz_attempts a ON a.id = i.attempt_id "
    "WHERE i.answered_at IS NOT NULL AND i.correct IS NOT NULL) ranked WHERE rank = 1")
_WATCHED = "answered_at, correct, question_id, attempt_id"


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION mht_latest_answer() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF TG_OP <> 'INSERT' THEN {_GIVE_WAY} END IF;"
            f" IF TG_OP <> 'DELETE' THEN {_TAKE} END IF; RETURN NULL; END $$")
        op.execute(f"CREATE TRIGGER attempt_items_latest AFTER INSERT OR DELETE OR UPDATE OF "
                   f"{_WATCHED} ON attempt_items FOR EACH ROW EXECUTE FUNCTION "
                   "mht_latest_answer()")
        return
    op.execute(f"CREATE TRIGGER attempt_items_latest_insert AFTER INSERT ON attempt_items "
               f"BEGIN {_TAKE} END")
    op.execute(f"CREATE TRIGGER attempt_items_latest_update AFTER UPDATE OF {_WATCHED} "
               f"ON attempt_items BEGIN {_GIVE_WAY} {_TAKE} END")
    op.execute(f"CREATE TRIGGER attempt_items_latest_delete AFTER DELETE ON attempt_items "
               f"BEGIN {_GIVE_WAY} END")


def upgrade() -> None:
    op.create_table(
        "latest_answers",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("attempt_item_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"],
                                name=op.f("fk_latest_answers_profile_id_profiles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"],
                                name=op.f("fk_latest_answers_question_id_questions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("profile_id", "question_id", name=op.f("pk_latest_answers")),
    )
    with op.batch_alter_table("latest_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_latest_answers_attempt_item_id"),
                              ["attempt_item_id"], unique=False)
        batch_op.create_index("ix_latest_answers_profile_answered",
                              ["profile_id", "answered_at"], unique=False)
    with op.batch_alter_table("attempt_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_items_answered_at"), ["answered_at"],
                              unique=False)
    op.execute(_BACKFILL)
    _create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS attempt_items_latest ON attempt_items")
        op.execute("DROP FUNCTION IF EXISTS mht_latest_answer()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS attempt_items_latest_{name}")
    with op.batch_alter_table("attempt_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_items_answered_at"))
    with op.batch_alter_table("latest_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_latest_answers_profile_answered")
        batch_op.drop_index(batch_op.f("ix_latest_answers_attempt_item_id"))
    op.drop_table("latest_answers")
