"""Who counts as a resident of a body: place names and ZIP code prefixes (empty for existing
bodies, which keeps the rule "the jurisdiction's own name").

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.add_column(
            sa.Column("resident_places", sa.Text(), nullable=False, server_default=sa.text("''"))
        )
        batch_op.add_column(
            sa.Column(
                "resident_zip_prefixes",
                sa.String(length=200),
                nullable=False,
                server_default=sa.text("''"),
            )
        )


def downgrade():
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.drop_column("resident_zip_prefixes")
        batch_op.drop_column("resident_places")
