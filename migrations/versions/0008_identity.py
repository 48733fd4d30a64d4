"""E-mail confirmation and "I did not send this" disputes on testimony.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ("email_confirmed_at", "disputed_at", "dispute_kept_at")


def upgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
