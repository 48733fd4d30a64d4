"""Form-letter campaigns: the campaigns table, each testimony's campaign and wording digest,
and the anchor shingles new submissions use to find their campaign.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_campaigns_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["testimonies.id"],
            name=op.f("fk_campaigns_representative_id_testimonies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(op.f("ix_campaigns_hearing_id"), "campaigns", ["hearing_id"])
    op.create_table(
        "wording_anchors",
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_wording_anchors_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name=op.f("fk_wording_anchors_testimony_id_testimonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("testimony_id", "anchor", name=op.f("pk_wording_anchors")),
    )
    op.create_index(
        "ix_wording_anchors_lookup", "wording_anchors", ["hearing_id", "anchor"], unique=False
    )
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("wording_key", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("kept_apart", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            op.f("fk_testimonies_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_testimonies_hearing_campaign", ["hearing_id", "campaign_id"], unique=False
        )
        batch_op.create_index(
            "ix_testimonies_hearing_wording", ["hearing_id", "wording_key"], unique=False
        )
        batch_op.create_index(
            "ix_testimonies_campaign_wording", ["campaign_id", "wording_key", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_index("ix_testimonies_campaign_wording")
        batch_op.drop_index("ix_testimonies_hearing_wording")
        batch_op.drop_index("ix_testimonies_hearing_campaign")
        batch_op.drop_constraint(op.f("fk_testimonies_campaign_id_campaigns"), type_="foreignkey")
        batch_op.drop_column("kept_apart")
        batch_op.drop_column("wording_key")
        batch_op.drop_column("campaign_id")
    op.drop_index("ix_wording_anchors_lookup", table_name="wording_anchors")
    op.drop_table("wording_anchors")
    op.drop_index(op.f("ix_campaigns_hearing_id"), table_name="campaigns")
    op.drop_table("campaigns")
