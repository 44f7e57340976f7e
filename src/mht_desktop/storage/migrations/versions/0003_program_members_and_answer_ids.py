"""Program members and answer ids: who owns a profile on a server, and one id per answer.

For server mode (a training program's shared PostgreSQL). ``profiles.db_role`` names the
database role that owns the profile (row-level security compares it with ``current_user``),
``profiles.cohort`` groups trainees for their instructors, ``profiles.is_instructor`` keeps
instructors off the class roster. ``review_logs.uid`` and ``attempt_items.answer_uid`` give
every answer an id made where it was given, so an answer sent twice from the offline outbox is
stored once. On a learner's own SQLite file the new columns stay empty.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("db_role", sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column("cohort", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("is_instructor", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_unique_constraint(batch_op.f("uq_profiles_db_role"), ["db_role"])
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_review_logs_uid"), ["uid"])
    with op.batch_alter_table("attempt_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_uid", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempt_items", schema=None) as batch_op:
        batch_op.drop_column("answer_uid")
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_review_logs_uid"), type_="unique")
        batch_op.drop_column("uid")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_profiles_db_role"), type_="unique")
        batch_op.drop_column("is_instructor")
        batch_op.drop_column("cohort")
        batch_op.drop_column("db_role")
