"""Review-log ids are unique only where there is one: a partial index ``WHERE uid IS NOT NULL``.

``review_logs.uid`` (0003) is the id an answer gets where it was given, so that an answer sent
twice through the offline outbox is stored once on a program's server. On a learner's own
file it is always NULL, yet the UNIQUE constraint's index took an entry for every answer: one
more b-tree page in the WAL at each answer's commit (6.5 instead of 7.5 pages on the bench
data, bench/README.md). A partial unique index keeps every id unique and leaves the NULLs out.
A lookup by id (``uid = ?``) implies ``uid IS NOT NULL``, so both engines still use the index
for it; nothing upserts with ``ON CONFLICT (uid)`` (the outbox checks first, and takes a
unique violation as "already stored").

PostgreSQL drops the constraint and builds the index. SQLite cannot drop a table constraint,
so the table is rebuilt, and by hand rather than by Alembic's batch mode: batch mode copies
the rows and then builds each index in one sorted pass, which packs its pages full, so the
answers after the upgrade would split a page of ``ix_review_logs_card_id`` almost every time
until its pages had all split once (in a trial on the bench data, 9-10 pages per commit
instead of 7.5). Here the indexes exist before the rows are copied in answer order, which
fills them as a year of answering did (6.5 pages per commit after the upgrade, as on a new
file). No trigger or view refers to ``review_logs`` (the ``latest_answers``
triggers of 0007 are on ``attempt_items``), so the rebuild has none to recreate; the freed
pages of the old table are reused by later answers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = ("id, profile_id, card_id, rating, reviewed_at, duration_ms, state_before, "
            "interval_days, snapshot, uid")
_NOT_NULL = sa.text("uid IS NOT NULL")
_INDEXES = (("ix_review_logs_card_id", ["card_id"]),
            ("ix_review_logs_profile_time_duration", ["profile_id", "reviewed_at", "duration_ms"]))


def _create_uid_index(table: str) -> None:
    op.create_index("ix_review_logs_uid", table, ["uid"], unique=True,
                    sqlite_where=_NOT_NULL, postgresql_where=_NOT_NULL)


def _rebuild_sqlite() -> None:
    op.create_table(
        "_review_logs_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("state_before", sa.Integer(), nullable=False),
        sa.Column("interval_days", sa.Float(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_review_logs_card_id_cards",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"],
                                name="fk_review_logs_profile_id_profiles", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_review_logs"),
    )
    # Index names are per database in SQLite: the old table's go first.
    for name, columns in _INDEXES:
        op.drop_index(name, table_name="review_logs")
        op.create_index(name, "_review_logs_new", columns)
    _create_uid_index("_review_logs_new")
    op.execute(f"INSERT INTO _review_logs_new ({_COLUMNS}) "
               f"SELECT {_COLUMNS} FROM review_logs ORDER BY id")
    op.drop_table("review_logs")
    op.rename_table("_review_logs_new", "review_logs")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
        return
    _create_uid_index("review_logs")
    op.drop_constraint("uq_review_logs_uid", "review_logs", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_logs_uid")
        batch_op.create_unique_constraint("uq_review_logs_uid", ["uid"])
