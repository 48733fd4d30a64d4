"""Files kept from a testimony or amendment form that was sent back with an error, bound to
that form's key (as a digest) until it is sent or they expire.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "held_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.Integer(), nullable=True),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(key_digest) = 64", name="ck_held_uploads_key_digest_length"),
        sa.CheckConstraint("page_count > 0", name="ck_held_uploads_page_count_positive"),
        sa.CheckConstraint("size_bytes > 0", name="ck_held_uploads_size_positive"),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name="fk_held_uploads_hearing_id_hearings",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name="fk_held_uploads_testimony_id_testimonies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_held_uploads"),
    )
    op.create_index("ix_held_uploads_form", "held_uploads", ["hearing_id", "key_digest"])
    op.create_index("ix_held_uploads_testimony_id", "held_uploads", ["testimony_id"])
    op.create_index("ix_held_uploads_sha256", "held_uploads", ["sha256"])
    op.create_index("ix_held_uploads_created_at", "held_uploads", ["created_at"])


def downgrade():
    op.drop_index("ix_held_uploads_created_at", table_name="held_uploads")
    op.drop_index("ix_held_uploads_sha256", table_name="held_uploads")
    op.drop_index("ix_held_uploads_testimony_id", table_name="held_uploads")
    op.drop_index("ix_held_uploads_form", table_name="held_uploads")
    op.drop_table("held_uploads")
