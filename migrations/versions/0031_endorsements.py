"""Endorsements of testimony and campaigns' letters, and the API scope that makes them.

- `endorsements`: on exactly one testimony or campaign; either a registered organisation
  (`organisation_id`, signing on through the API) or an organisation a resident named on the
  testimony form (`name`, with `name_key` folded for comparison), never both; one per
  organisation (or name) and target; withdrawn ones are kept with the time.
- `api_key_scopes.scope` may be "endorse" too.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

OLD_SCOPES = ("submit_testimony", "submit_sign_ins")
NEW_SCOPES = (*OLD_SCOPES, "endorse")


def _scope_check(scopes) -> str:
    listed = ", ".join(f"'{scope}'" for scope in scopes)
    return f"scope IN ({listed})"


def upgrade():
    with op.batch_alter_table("api_key_scopes") as batch_op:
        batch_op.drop_constraint(op.f("ck_api_key_scopes_api_scope"), type_="check")
        batch_op.create_check_constraint("api_scope", _scope_check(NEW_SCOPES))
    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "resident",
                "organisation",
                name="endorsement_source",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("name_key", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(testimony_id IS NOT NULL AND campaign_id IS NULL)"
            " OR (testimony_id IS NULL AND campaign_id IS NOT NULL)",
            name=op.f("ck_endorsements_one_target"),
        ),
        sa.CheckConstraint(
            "(source = 'organisation' AND organisation_id IS NOT NULL"
            " AND name IS NULL AND name_key IS NULL)"
            " OR (source = 'resident' AND organisation_id IS NULL AND testimony_id IS NOT NULL"
            " AND name IS NOT NULL AND name_key IS NOT NULL)",
            name=op.f("ck_endorsements_organisation_or_named"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_endorsements_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_endorsements_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name=op.f("fk_endorsements_testimony_id_testimonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint(
            "campaign_id",
            "organisation_id",
            name=op.f("uq_endorsements_campaign_id_organisation_id"),
        ),
        sa.UniqueConstraint(
            "testimony_id", "name_key", name=op.f("uq_endorsements_testimony_id_name_key")
        ),
        sa.UniqueConstraint(
            "testimony_id",
            "organisation_id",
            name=op.f("uq_endorsements_testimony_id_organisation_id"),
        ),
    )
    op.create_index(op.f("ix_endorsements_organisation_id"), "endorsements", ["organisation_id"])


def downgrade():
    op.drop_index(op.f("ix_endorsements_organisation_id"), table_name="endorsements")
    op.drop_table("endorsements")
    # Keys lose the scope the older schema does not know; what else they may do stays.
    op.execute("DELETE FROM api_key_scopes WHERE scope = 'endorse'")
    with op.batch_alter_table("api_key_scopes") as batch_op:
        batch_op.drop_constraint(op.f("ck_api_key_scopes_api_scope"), type_="check")
        batch_op.create_check_constraint("api_scope", _scope_check(OLD_SCOPES))
