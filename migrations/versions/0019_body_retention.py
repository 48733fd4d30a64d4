"""A retention period per body: how long residents' e-mail and street address are kept.

`flask retention run --apply` removes them from testimony on hearings that were over longer
ago than their body's period (app/retention.py). Existing bodies get none: nothing is removed
until an administrator sets one.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_bodies_retention_days_positive"),
            "retention_days IS NULL OR retention_days > 0",
        )


def downgrade():
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.drop_constraint(op.f("ck_bodies_retention_days_positive"), type_="check")
        batch_op.drop_column("retention_days")
