"""Cover review-log day counts: index review_logs on (profile, time, duration).

The Progress view counts a learner's reviews and study minutes per study day. With the
duration in the index, those counts read the index alone; without it, SQLite fetches every
review's table row (about 570 ms for 500,000 reviews against about 20 ms). The new index
begins with the old one's columns, so it serves every query the old one did and replaces it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_logs_profile_time")
        batch_op.create_index("ix_review_logs_profile_time_duration",
                              ["profile_id", "reviewed_at", "duration_ms"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_logs_profile_time_duration")
        batch_op.create_index("ix_review_logs_profile_time", ["profile_id", "reviewed_at"],
                              unique=False)
