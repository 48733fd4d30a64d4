"""Following a body, committee, measure or hearing by e-mail.

- Followers (an e-mail address with its language and how often it wants mail), what each
  follows, the notices made once each, and which follower was sent which notice.
- Addresses that asked not to be told what the committee did on measures they testified on.
- Outbox messages may carry extra headers (List-Unsubscribe, List-Unsubscribe-Post).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        "followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("frequency", _enum("follow_frequency", "immediate", "daily"), nullable=False),
        sa.Column("link_key", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(), nullable=True),
        sa.Column("digest_due_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "unsubscribed_at IS NULL OR confirmed_at IS NOT NULL",
            name=op.f("ck_followers_unsubscribed_confirmed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followers")),
        sa.UniqueConstraint("email_key", name=op.f("uq_followers_email_key")),
    )
    op.create_index(op.f("ix_followers_digest_due_at"), "followers", ["digest_due_at"])
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column(
            "subject_kind",
            _enum("follow_subject", "body", "committee", "measure", "hearing"),
            nullable=False,
        ),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("opening_only", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["followers.id"],
            name=op.f("fk_follows_follower_id_followers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint(
            "follower_id",
            "subject_kind",
            "subject_id",
            name=op.f("uq_follows_follower_id_subject_kind_subject_id"),
        ),
    )
    op.create_index("ix_follows_subject", "follows", ["subject_kind", "subject_id"])
    op.create_table(
        "follow_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "follow_notice_kind",
                "hearing_scheduled",
                "testimony_open",
                "deadline_soon",
                "hearing_rescheduled",
                "hearing_cancelled",
                "committee_acted",
            ),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_follow_notices_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_follow_notices_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_follow_notices_key")),
    )
    op.create_index(op.f("ix_follow_notices_hearing_id"), "follow_notices", ["hearing_id"])
    op.create_table(
        "follower_notices",
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=True),
        sa.CheckConstraint(
            "via IS NULL OR sent_at IS NOT NULL", name=op.f("ck_follower_notices_via_when_sent")
        ),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["followers.id"],
            name=op.f("fk_follower_notices_follower_id_followers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["follow_notices.id"],
            name=op.f("fk_follower_notices_notice_id_follow_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("follower_id", "notice_id", name=op.f("pk_follower_notices")),
    )
    op.create_index("ix_follower_notices_pending", "follower_notices", ["follower_id", "sent_at"])
    op.create_table(
        "outcome_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_opt_outs")),
        sa.UniqueConstraint("email_key", name=op.f("uq_outcome_opt_outs_email_key")),
    )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_column("headers")
    op.drop_table("outcome_opt_outs")
    op.drop_index("ix_follower_notices_pending", table_name="follower_notices")
    op.drop_table("follower_notices")
    op.drop_index(op.f("ix_follow_notices_hearing_id"), table_name="follow_notices")
    op.drop_table("follow_notices")
    op.drop_index("ix_follows_subject", table_name="follows")
    op.drop_table("follows")
    op.drop_index(op.f("ix_followers_digest_due_at"), table_name="followers")
    op.drop_table("followers")
