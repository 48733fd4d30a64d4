"""Testimony no longer records a choice to keep the street address out of anything published:
street addresses are never published, so the choice changed nothing.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_column("hide_street_address")


def downgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.add_column(
            sa.Column("hide_street_address", sa.Boolean(), nullable=False, server_default=sa.true())
        )
