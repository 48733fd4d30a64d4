"""Closing testimony early keeps the published deadline; testimony keeps the resident's language.

A hearing closed before its deadline keeps the deadline residents were told in
published_closes_at. Each testimony records the language its sender used, so notices about the
hearing (closed early, rescheduled, cancelled) are written in it; testimony stored before this
has none and is written to in the default language.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.add_column(sa.Column("published_closes_at", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_hearings_closed_early_before_deadline"),
            "published_closes_at IS NULL OR published_closes_at > testimony_closes_at",
        )
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.drop_constraint(op.f("ck_hearings_closed_early_before_deadline"), type_="check")
        batch_op.drop_column("published_closes_at")
