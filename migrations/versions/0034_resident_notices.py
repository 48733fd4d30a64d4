"""Residents hear back: a body's setting for review e-mails, and what each resident was told.

- `bodies.notify_review_outcomes`: e-mail residents when their testimony is published or not
  published; on for every body (existing ones included) until a clerk turns it off.
- `review_notices`: one row per testimony, the outcome its resident was last told (version,
  status, reason) and the outbox letter that told it (app/testimony/review_notices.py).
- `testimony_versions.attachments_removed`: the attachments an amendment took away, kept for
  the moderator's history once their files are deleted.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify_review_outcomes", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )
    with op.batch_alter_table("testimony_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments_removed", sa.JSON(), nullable=True))
    op.create_table(
        "review_notices",
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rejection_reason", sa.String(length=40), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("told_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name=op.f("fk_review_notices_testimony_id_testimonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("testimony_id", name=op.f("pk_review_notices")),
    )


def downgrade():
    op.drop_table("review_notices")
    with op.batch_alter_table("testimony_versions", schema=None) as batch_op:
        batch_op.drop_column("attachments_removed")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("notify_review_outcomes")
