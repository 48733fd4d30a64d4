"""Testimony that looked automated is marked for moderators (honeypot, fill time).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REASONS = ("hidden_field", "too_fast", "no_form")


def upgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.add_column(
            sa.Column(
                "quarantine_reason",
                sa.Enum(
                    *REASONS,
                    name="quarantine_reason",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_constraint(op.f("ck_testimonies_quarantine_reason"), type_="check")
        batch_op.drop_column("quarantine_reason")
