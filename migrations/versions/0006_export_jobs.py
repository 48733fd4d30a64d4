"""Exports that run in the background: PDF packets, speaker lists and bundles, with progress.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_KINDS = ("testimony_csv", "testimony_xlsx", "speakers_csv")
NEW_KINDS = (*OLD_KINDS, "speakers_pdf", "packet_pdf", "bundle_zip")
STATUSES = ("queued", "running", "ready", "failed")


def _kind_check(kinds):
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    return f"kind IN ({listed})"


def _drop_kind_check(batch_op):
    # The check came from the enum column; find it by what it says, whatever it was named.
    bind = op.get_bind()
    for check in sa.inspect(bind).get_check_constraints("packets"):
        if "testimony_csv" in check["sqltext"] and check.get("name"):
            batch_op.drop_constraint(op.f(check["name"]), type_="check")


def upgrade():
    with op.batch_alter_table("packets") as batch_op:
        _drop_kind_check(batch_op)
        batch_op.create_check_constraint("packet_kind", _kind_check(NEW_KINDS))
        batch_op.add_column(sa.Column("measure_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    *STATUSES,
                    name="export_status",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=False,
                server_default="ready",
            )
        )
        batch_op.add_column(
            sa.Column("progress_done", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("progress_total", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("error", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("page_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("content_sha256", sa.String(length=64), nullable=True))
        batch_op.alter_column("created_by_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_foreign_key(
            op.f("fk_packets_measure_id_measures"),
            "measures",
            ["measure_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("packets") as batch_op:
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("progress_done", server_default=None)
        batch_op.alter_column("progress_total", server_default=None)


def downgrade():
    op.execute(
        "DELETE FROM packets WHERE kind NOT IN ('testimony_csv', 'testimony_xlsx', 'speakers_csv')"
        " OR sha256 IS NULL OR created_by_id IS NULL"
    )
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_constraint(op.f("fk_packets_measure_id_measures"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_packets_packet_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_packets_export_status"), type_="check")
        batch_op.create_check_constraint("packet_kind", _kind_check(OLD_KINDS))
        batch_op.alter_column("created_by_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        for column in (
            "content_sha256",
            "page_count",
            "error",
            "finished_at",
            "heartbeat_at",
            "progress_total",
            "progress_done",
            "status",
            "measure_id",
        ):
            batch_op.drop_column(column)
