"""One table of background jobs: e-mail delivery, campaign placement and exports.

Pending campaign placements become "campaigns.place" jobs and the table that held them goes:
a testimony's placement is the job's payload. Work waiting at the upgrade is carried over:
each pending placement, each unsent message still within its tries (a "mail.deliver" job;
before, a sweep of the outbox found them), and each queued export (an "exports.build" job).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# As app/platform/outbox.py had it at this revision.
MAIL_ATTEMPTS = 5

pending_placements = sa.table(
    "pending_placements", sa.column("testimony_id"), sa.column("queued_at", sa.DateTime())
)
outbox_messages = sa.table(
    "outbox_messages",
    sa.column("id"),
    sa.column("created_at", sa.DateTime()),
    sa.column("sent_at", sa.DateTime()),
    sa.column("attempts"),
)
packets = sa.table(
    "packets", sa.column("id"), sa.column("created_at", sa.DateTime()), sa.column("status")
)


def upgrade():
    jobs = op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("run_after", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_state_run_after", "jobs", ["state", "run_after"])
    op.create_index("ix_jobs_kind_state", "jobs", ["kind", "state"])

    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []

    def job(kind, payload, created_at):
        created_at = created_at or now
        rows.append(
            {
                "kind": kind,
                "payload": json.dumps(payload),
                "state": "queued",
                "attempts": 0,
                "created_at": created_at,
                "run_after": created_at,
            }
        )

    placements = pending_placements.c
    for testimony_id, queued_at in connection.execute(
        sa.select(placements.testimony_id, placements.queued_at).order_by(placements.queued_at)
    ):
        job("campaigns.place", {"testimony_id": testimony_id}, queued_at)
    messages = outbox_messages.c
    for message_id, created_at in connection.execute(
        sa.select(messages.id, messages.created_at)
        .where(messages.sent_at.is_(None), messages.attempts < MAIL_ATTEMPTS)
        .order_by(messages.id)
    ):
        job("mail.deliver", {"ids": [message_id]}, created_at)
    for packet_id, created_at in connection.execute(
        sa.select(packets.c.id, packets.c.created_at)
        .where(packets.c.status == "queued")
        .order_by(packets.c.id)
    ):
        job("exports.build", {"packet_id": packet_id}, created_at)
    if rows:
        op.bulk_insert(jobs, rows)

    op.drop_index("ix_pending_placements_queued_at", table_name="pending_placements")
    op.drop_table("pending_placements")


def downgrade():
    op.create_table(
        "pending_placements",
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name="fk_pending_placements_testimony_id_testimonies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("testimony_id", name="pk_pending_placements"),
    )
    op.create_index("ix_pending_placements_queued_at", "pending_placements", ["queued_at"])
    connection = op.get_bind()
    jobs = sa.table(
        "jobs", sa.column("kind"), sa.column("payload"), sa.column("created_at", sa.DateTime())
    )
    for payload, created_at in connection.execute(
        sa.select(jobs.c.payload, jobs.c.created_at).where(jobs.c.kind == "campaigns.place")
    ):
        connection.execute(
            sa.text(
                "INSERT INTO pending_placements (testimony_id, queued_at) "
                "SELECT :testimony_id, :queued_at WHERE EXISTS "
                "(SELECT 1 FROM testimonies WHERE id = :testimony_id) AND NOT EXISTS "
                "(SELECT 1 FROM pending_placements WHERE testimony_id = :testimony_id)"
            ),
            {"testimony_id": json.loads(payload)["testimony_id"], "queued_at": created_at},
        )
    op.drop_index("ix_jobs_kind_state", table_name="jobs")
    op.drop_index("ix_jobs_state_run_after", table_name="jobs")
    op.drop_table("jobs")
