"""Who holds the claim on an unsent e-mail, so only that process renews or releases it.

A process sending a batch renews its claim every few seconds (a heartbeat) and a claim that
is not renewed lapses within a minute; the owner's token tells one process's claim from a
later one another process took after it lapsed. Unsent messages start with no owner.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("claimed_by")
