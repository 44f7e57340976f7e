"""Content currency: questions get a review-due date, flashcards their review dates.

Every item a bank ships says when a person last checked it (``reviewed``) and when it must be
checked again (``review_due``); the banks view counts items past that date and the study
screens note it (see docs/content-currency.md). Questions already had ``reviewed``.
Existing rows get NULL and are filled in when their bank is imported again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_due", sa.Date(), nullable=True))
    with op.batch_alter_table("flashcards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_due", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flashcards", schema=None) as batch_op:
        batch_op.drop_column("review_due")
        batch_op.drop_column("reviewed")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("review_due")
