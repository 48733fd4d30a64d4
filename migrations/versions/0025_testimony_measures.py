"""Testimony on several measures.

- testimony_measures holds every measure a testimony addresses, with the resident's position
  on each. Every existing testimony addressed one measure: its (measure_id, position) is
  copied in. testimonies.measure_id and testimonies.position stay, as the main measure (the
  first in agenda order) and its position.
- testimony_versions.measures keeps the list an amendment replaced; versions kept before this
  revision leave it empty and addressed their measure_id only.

Downgrading drops both: a testimony keeps its main measure and position only.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "testimony_measures",
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "support",
                "oppose",
                "neutral",
                name="testimony_measure_position",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name=op.f("fk_testimony_measures_testimony_id_testimonies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_testimony_measures_measure_id_measures"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("testimony_id", "measure_id", name=op.f("pk_testimony_measures")),
    )
    op.create_index(
        "ix_testimony_measures_measure_position",
        "testimony_measures",
        ["measure_id", "position"],
    )
    # One statement, whatever the number of rows.
    op.execute(
        "INSERT INTO testimony_measures (testimony_id, measure_id, position)"
        " SELECT id, measure_id, position FROM testimonies"
    )
    with op.batch_alter_table("testimony_versions") as batch_op:
        batch_op.add_column(sa.Column("measures", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("testimony_versions") as batch_op:
        batch_op.drop_column("measures")
    op.drop_index("ix_testimony_measures_measure_position", table_name="testimony_measures")
    op.drop_table("testimony_measures")
