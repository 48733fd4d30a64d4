"""Pending campaign placements: a submission is compared with earlier testimony after it commits.

A submission's transaction writes a row here beside the testimony; the app process places it
in its campaign once the resident has been answered and deletes the row, and a sweep places
whatever a process that died left behind. Testimony already stored is placed (or was placed
on submission), so the table starts empty.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_placements",
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name="fk_pending_placements_testimony_id_testimonies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("testimony_id", name="pk_pending_placements"),
    )
    op.create_index("ix_pending_placements_queued_at", "pending_placements", ["queued_at"])


def downgrade():
    op.drop_index("ix_pending_placements_queued_at", table_name="pending_placements")
    op.drop_table("pending_placements")
