"""Sign-in throttling per account, and refusals recorded once a minute in the audit log.

`sign_in_throttles` counts recent failed sign-ins for each e-mail address typed, keyed by a
keyed hash of the address (never the address itself), shared by every worker. The audit log's
`dedup_key` lets a refusal (403, 429) be recorded once per address, page and minute: a second
insert with the same key fails on the unique index instead of flooding the table. Existing
rows have none.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttles",
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("delayed_until", sa.DateTime(), nullable=True),
        sa.CheckConstraint("failures > 0", name=op.f("ck_sign_in_throttles_failures_positive")),
        sa.PrimaryKeyConstraint("account_key", name=op.f("pk_sign_in_throttles")),
    )
    op.create_index(
        op.f("ix_sign_in_throttles_last_failure_at"), "sign_in_throttles", ["last_failure_at"]
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("dedup_key", sa.String(length=160), nullable=True))
        batch.create_unique_constraint(op.f("uq_audit_events_dedup_key"), ["dedup_key"])


def downgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(op.f("uq_audit_events_dedup_key"), type_="unique")
        batch.drop_column("dedup_key")
    op.drop_index(op.f("ix_sign_in_throttles_last_failure_at"), table_name="sign_in_throttles")
    op.drop_table("sign_in_throttles")
