"""A hearing can publish only testimony whose sender confirmed their e-mail address.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.add_column(
            sa.Column("confirmed_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.drop_column("confirmed_only")
