"""Exports of position sign-ins.

- The sign-in spreadsheets (CSV and XLSX) are kinds of export.
- A whole-hearing packet records which version of which sign-in its roster listed, for its
  addendum to compare with. Packets made before printed no roster: their addendum lists every
  sign-in on record as added.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "testimony_csv",
    "testimony_xlsx",
    "speakers_csv",
    "speakers_pdf",
    "packet_pdf",
    "bundle_zip",
    "addendum_pdf",
)
NEW_KINDS = (*OLD_KINDS, "sign_ins_csv", "sign_ins_xlsx")


def _kind_check(kinds):
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    return f"kind IN ({listed})"


def upgrade():
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_constraint(op.f("ck_packets_packet_kind"), type_="check")
        batch_op.create_check_constraint("packet_kind", _kind_check(NEW_KINDS))
    op.create_table(
        "packet_sign_ins",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("sign_in_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["packets.id"],
            name=op.f("fk_packet_sign_ins_packet_id_packets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sign_in_id"],
            ["sign_ins.id"],
            name=op.f("fk_packet_sign_ins_sign_in_id_sign_ins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("packet_id", "sign_in_id", name=op.f("pk_packet_sign_ins")),
    )
    op.create_index(op.f("ix_packet_sign_ins_sign_in_id"), "packet_sign_ins", ["sign_in_id"])


def downgrade():
    op.drop_index(op.f("ix_packet_sign_ins_sign_in_id"), table_name="packet_sign_ins")
    op.drop_table("packet_sign_ins")
    # The spreadsheets' files stay in the file store; only their history rows go.
    op.execute("DELETE FROM packets WHERE kind IN ('sign_ins_csv', 'sign_ins_xlsx')")
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_constraint(op.f("ck_packets_packet_kind"), type_="check")
        batch_op.create_check_constraint("packet_kind", _kind_check(OLD_KINDS))
