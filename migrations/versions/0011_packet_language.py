"""Exports remember the language of whoever asked for them, for the packet's fixed text.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("packets") as batch_op:
        batch_op.add_column(
            sa.Column("lang", sa.String(length=12), nullable=False, server_default="en")
        )


def downgrade():
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_column("lang")
