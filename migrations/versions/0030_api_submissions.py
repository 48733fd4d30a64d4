"""Testimony and sign-ins sent by organisations through the API.

- `testimonies` and `sign_ins` get `organisation_id` (the organisation that sent it, through
  one of its API keys; empty for the web form) and `external_reference` (the organisation's
  own reference for the item). An e-mail address may now be empty when an organisation sent
  it (its receipt then goes to the organisation), besides the addresses retention removed
  (which leave a placeholder key): a check says exactly that. A reference comes only with an
  organisation.
- `api_idempotency_records`: the answer to each request sent with an `Idempotency-Key`, per
  API key, with a fingerprint of what was sent, so a retry gets the same answer and stores
  nothing twice. Kept 24 hours.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

TABLES = ("testimonies", "sign_ins")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
            batch_op.add_column(
                sa.Column("external_reference", sa.String(length=100), nullable=True)
            )
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_organisation_id_organisations"),
                "organisations",
                ["organisation_id"],
                ["id"],
                ondelete="RESTRICT",
            )
            batch_op.create_index(op.f(f"ix_{table}_organisation_id"), ["organisation_id"])
            batch_op.create_check_constraint(
                "email_given", "email <> '' OR email_key <> '' OR organisation_id IS NOT NULL"
            )
            batch_op.create_check_constraint(
                "reference_from_organisation",
                "external_reference IS NULL OR organisation_id IS NOT NULL",
            )

    op.create_table(
        "api_idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_api_idempotency_records_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotency_records")),
        sa.UniqueConstraint(
            "api_key_id",
            "idempotency_key",
            name=op.f("uq_api_idempotency_records_api_key_id_idempotency_key"),
        ),
    )
    op.create_index(
        op.f("ix_api_idempotency_records_created_at"),
        "api_idempotency_records",
        ["created_at"],
    )


def downgrade():
    op.drop_index(
        op.f("ix_api_idempotency_records_created_at"), table_name="api_idempotency_records"
    )
    op.drop_table("api_idempotency_records")
    for table in reversed(TABLES):
        # Rows an organisation sent without an e-mail address would break no rule left after
        # this, but nothing would say whom their receipts went to: they keep their empty
        # address, as retention's do.
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_reference_from_organisation"), "check")
            batch_op.drop_constraint(op.f(f"ck_{table}_email_given"), "check")
            batch_op.drop_index(op.f(f"ix_{table}_organisation_id"))
            batch_op.drop_constraint(
                op.f(f"fk_{table}_organisation_id_organisations"), "foreignkey"
            )
            batch_op.drop_column("external_reference")
            batch_op.drop_column("organisation_id")
