"""Organisations and their API keys.

- `organisations`: registered by admins; the name is unique ignoring case and spacing (through
  `name_key`); archiving keeps the row and revokes its keys.
- `api_keys`: only the SHA-256 of each key is stored (unique, for lookup), with its public
  prefix, expiry, hourly limit, who issued and revoked it, and when it was last used.
- `api_key_scopes`: what each key may do; `api_key_bodies`: the bodies it may submit to.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(archived_at IS NULL AND archived_by_id IS NULL)"
            " OR (archived_at IS NOT NULL AND archived_by_id IS NOT NULL)",
            name=op.f("ck_organisations_archived_by_whom"),
        ),
        sa.ForeignKeyConstraint(
            ["archived_by_id"],
            ["staff_users.id"],
            name=op.f("fk_organisations_archived_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_organisations_created_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organisations_name_key")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("form_key", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("items_per_hour", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_api_keys_expires_after_created")
        ),
        sa.CheckConstraint(
            "items_per_hour > 0", name=op.f("ck_api_keys_items_per_hour_positive")
        ),
        sa.CheckConstraint(
            "(revoked_at IS NULL AND revoked_by_id IS NULL)"
            " OR (revoked_at IS NOT NULL AND revoked_by_id IS NOT NULL)",
            name=op.f("ck_api_keys_revoked_by_whom"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_api_keys_created_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_api_keys_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["staff_users.id"],
            name=op.f("fk_api_keys_revoked_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("form_key", name=op.f("uq_api_keys_form_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_index(op.f("ix_api_keys_organisation_id"), "api_keys", ["organisation_id"])
    op.create_table(
        "api_key_scopes",
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "submit_testimony",
                "submit_sign_ins",
                name="api_scope",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_api_key_scopes_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("api_key_id", "scope", name=op.f("pk_api_key_scopes")),
    )
    op.create_table(
        "api_key_bodies",
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_api_key_bodies_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
            name=op.f("fk_api_key_bodies_body_id_bodies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("api_key_id", "body_id", name=op.f("pk_api_key_bodies")),
    )
    op.create_index(op.f("ix_api_key_bodies_body_id"), "api_key_bodies", ["body_id"])


def downgrade():
    op.drop_index(op.f("ix_api_key_bodies_body_id"), table_name="api_key_bodies")
    op.drop_table("api_key_bodies")
    op.drop_table("api_key_scopes")
    op.drop_index(op.f("ix_api_keys_organisation_id"), table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("organisations")
