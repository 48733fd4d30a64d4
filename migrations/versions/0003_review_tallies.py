"""Running counts of each hearing's testimony by review status, position and rejection
reason, so queue and public pages do not count every testimony on every request (existing
testimony is counted once here), and indexes for the queue's sort by name and by position.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_tallies",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_review_tallies_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "hearing_id", "status", "position", "reason", name=op.f("pk_review_tallies")
        ),
    )
    op.execute(
        "INSERT INTO review_tallies (hearing_id, status, position, reason, count) "
        "SELECT hearing_id, status, position, COALESCE(rejection_reason, ''), COUNT(*) "
        "FROM testimonies GROUP BY hearing_id, status, position, COALESCE(rejection_reason, '')"
    )

    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.create_index(
            "ix_testimonies_hearing_name", ["hearing_id", "full_name", "id"], unique=False
        )
        batch_op.create_index(
            "ix_testimonies_hearing_position", ["hearing_id", "position", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_index("ix_testimonies_hearing_position")
        batch_op.drop_index("ix_testimonies_hearing_name")
    op.drop_table("review_tallies")
