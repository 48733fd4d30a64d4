"""Position sign-ins (noted for the record).

- `sign_ins`: a resident's sign-in on a hearing, with the safeguards testimony has (tracking
  number, hashed receipt token, the form's key, confirmation and dispute marks).
- `sign_in_positions`: its position on each measure it names (one or several).
- `sign_in_tallies`: running counts by measure, position and state, each spread over a few
  shard rows so a surge of sign-ins on one hearing does not queue on one row lock.
- `bodies.review_sign_ins`: off by default (sign-ins are on record at once).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_tallies",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_sign_in_tallies_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_sign_in_tallies_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "hearing_id",
            "measure_id",
            "position",
            "state",
            "shard",
            name=op.f("pk_sign_in_tallies"),
        ),
    )
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=12), nullable=False),
        sa.Column("receipt_token_hash", sa.String(length=64), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column(
            "name_key", sa.String(length=200), server_default=sa.text("('')"), nullable=False
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "email_key", sa.String(length=254), server_default=sa.text("('')"), nullable=False
        ),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("zip_code", sa.String(length=10), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "published",
                "pending",
                "rejected",
                "withdrawn",
                name="sign_in_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "rejection_reason",
            sa.Enum(
                "spam",
                "abusive",
                "off_topic",
                "duplicate",
                "personal_information",
                "other",
                name="sign_in_rejection_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "quarantine_reason",
            sa.Enum(
                "hidden_field",
                "too_fast",
                "no_form",
                name="sign_in_quarantine_reason",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("email_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("disputed_at", sa.DateTime(), nullable=True),
        sa.Column("dispute_kept_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("language", sa.String(length=12), nullable=True),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)",
            name=op.f("ck_sign_ins_rejected_has_reason"),
        ),
        sa.CheckConstraint(
            "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)",
            name=op.f("ck_sign_ins_withdrawn_has_time"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_sign_ins_version_positive")),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_sign_ins_hearing_id_hearings"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
        sa.UniqueConstraint(
            "hearing_id", "submission_key", name=op.f("uq_sign_ins_hearing_id_submission_key")
        ),
        sa.UniqueConstraint("receipt_token_hash", name=op.f("uq_sign_ins_receipt_token_hash")),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_sign_ins_tracking_number")),
    )
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_ins_hearing_email_key", ["hearing_id", "email_key"], unique=False
        )
        batch_op.create_index(
            "ix_sign_ins_hearing_name", ["hearing_id", "name_key", "id"], unique=False
        )
        batch_op.create_index(
            "ix_sign_ins_hearing_status_received",
            ["hearing_id", "status", "received_at"],
            unique=False,
        )

    op.create_table(
        "sign_in_positions",
        sa.Column("sign_in_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "support",
                "oppose",
                "neutral",
                name="sign_in_position",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_sign_in_positions_measure_id_measures"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sign_in_id"],
            ["sign_ins.id"],
            name=op.f("fk_sign_in_positions_sign_in_id_sign_ins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sign_in_id", "measure_id", name=op.f("pk_sign_in_positions")),
    )
    with op.batch_alter_table("sign_in_positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_positions_measure_position", ["measure_id", "position"], unique=False
        )

    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_sign_ins", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("review_sign_ins")

    with op.batch_alter_table("sign_in_positions", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_positions_measure_position")

    op.drop_table("sign_in_positions")
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_ins_hearing_status_received")
        batch_op.drop_index("ix_sign_ins_hearing_name")
        batch_op.drop_index("ix_sign_ins_hearing_email_key")

    op.drop_table("sign_ins")
    op.drop_table("sign_in_tallies")
