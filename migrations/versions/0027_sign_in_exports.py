"""Exports of position sign-ins: the sign-in spreadsheets (CSV and XLSX) are kinds of export.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

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


def downgrade():
    # The spreadsheets' files stay in the file store; only their history rows go.
    op.execute("DELETE FROM packets WHERE kind IN ('sign_ins_csv', 'sign_ins_xlsx')")
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_constraint(op.f("ck_packets_packet_kind"), type_="check")
        batch_op.create_check_constraint("packet_kind", _kind_check(OLD_KINDS))
