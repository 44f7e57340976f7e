"""Quiz attempts get an id made where they were started, as answers and reviews already have.

A trainee whose program's server was down when the app started can still start a quiz or an
exam: it is built from the offline replica and sent to the server through the outbox later.
The server stores an attempt sent twice only once (``quiz_attempts.uid`` is unique), so the
attempt started offline lands exactly once however often sending is tried. Attempts started
on the server itself, and every existing row, have NULL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_quiz_attempts_uid"), ["uid"])


def downgrade() -> None:
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_quiz_attempts_uid"), type_="unique")
        batch_op.drop_column("uid")
