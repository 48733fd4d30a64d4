"""Agenda import and translated measure titles and summaries.

- `measure_translations`: a measure's title and summary in another interface language, one row
  per measure and language, deleted with the measure.
- `external_id` on measures and hearings: the id an imported file gives each row, so that
  importing the file again finds the same records.

External ids are unique within a body. The database checks them within a committee, with a
unique index on (committee_id, external_id) on each table (NULL, for records typed in by hand,
may repeat), rather than copying body_id onto measures and hearings: a committee never moves
to another body (nothing changes committees.body_id), so a body-wide check needs no second copy
of the body to keep right. The body-wide rule is the importer's: it looks external ids up across
the body's committees, refuses a file that would repeat one in another committee, and applies
a file with the body's row locked (app/hearings/agenda_import.py), so two imports into one body
take turns. Unique indexes, not constraints: SQLite adds an index without copying the table,
which a constraint would need (and measures is referred to by many tables).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "measure_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_translations_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_translations")),
        sa.UniqueConstraint(
            "measure_id", "language", name=op.f("uq_measure_translations_measure_id_language")
        ),
    )
    op.create_index(
        op.f("ix_measure_translations_measure_id"), "measure_translations", ["measure_id"]
    )
    op.add_column("measures", sa.Column("external_id", sa.String(length=100), nullable=True))
    op.add_column("hearings", sa.Column("external_id", sa.String(length=100), nullable=True))
    op.create_index(
        "uq_measures_committee_id_external_id",
        "measures",
        ["committee_id", "external_id"],
        unique=True,
    )
    op.create_index(
        "uq_hearings_committee_id_external_id",
        "hearings",
        ["committee_id", "external_id"],
        unique=True,
    )


def downgrade():
    op.drop_index("uq_hearings_committee_id_external_id", table_name="hearings")
    op.drop_index("uq_measures_committee_id_external_id", table_name="measures")
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.drop_column("external_id")
    with op.batch_alter_table("measures") as batch_op:
        batch_op.drop_column("external_id")
    op.drop_index(op.f("ix_measure_translations_measure_id"), table_name="measure_translations")
    op.drop_table("measure_translations")
