"""Committee actions and calendar sequence numbers.

- `committee_actions`: what a committee did with a measure (reported favourably, sent to
  study, ...), on which day, recorded by which clerk; a wrong entry is corrected in place or
  marked removed, never deleted, and the audit log keeps what it said before.
- Hearings gain `calendar_sequence` (the iCalendar SEQUENCE, raised whenever the time, the
  place or the status changes) and `updated_at` (when the row last changed: the feeds' DTSTAMP
  and Last-Modified). Existing hearings start at 0, changed when they were created.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

KINDS = (
    "reported_favourably",
    "reported_with_amendment",
    "reported_unfavourably",
    "sent_to_study",
    "referred",
    "held",
    "withdrawn",
    "other",
)

hearings = sa.table(
    "hearings",
    sa.column("id"),
    sa.column("created_at", sa.DateTime()),
    sa.column("updated_at", sa.DateTime()),
)


def upgrade():
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.add_column(
            sa.Column(
                "calendar_sequence", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.get_bind().execute(hearings.update().values(updated_at=hearings.c.created_at))
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.create_check_constraint("calendar_sequence_not_negative", "calendar_sequence >= 0")

    op.create_table(
        "committee_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                *KINDS,
                name="committee_action_kind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=1000), server_default=sa.text("''"), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind <> 'other' OR note <> ''", name=op.f("ck_committee_actions_other_has_note")
        ),
        sa.CheckConstraint(
            "(removed_at IS NULL) = (removed_by_id IS NULL)",
            name=op.f("ck_committee_actions_removed_by_whom"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_committee_actions_measure_id_measures"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_committee_actions_hearing_id_hearings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_users.id"],
            name=op.f("fk_committee_actions_recorded_by_id_staff_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["staff_users.id"],
            name=op.f("fk_committee_actions_corrected_by_id_staff_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_committee_actions_removed_by_id_staff_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_actions")),
    )
    op.create_index(op.f("ix_committee_actions_measure_id"), "committee_actions", ["measure_id"])
    op.create_index(op.f("ix_committee_actions_hearing_id"), "committee_actions", ["hearing_id"])


def downgrade():
    op.drop_index(op.f("ix_committee_actions_hearing_id"), table_name="committee_actions")
    op.drop_index(op.f("ix_committee_actions_measure_id"), table_name="committee_actions")
    op.drop_table("committee_actions")
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.drop_constraint(op.f("ck_hearings_calendar_sequence_not_negative"), type_="check")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("calendar_sequence")
