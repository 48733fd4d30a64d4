"""Files in the database (OPENTESTIMONY_FILE_STORE=database), for several app servers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name="ck_stored_files_sha256"),
        sa.CheckConstraint("size_bytes >= 0", name="ck_stored_files_size"),
        sa.PrimaryKeyConstraint("sha256", name="pk_stored_files"),
    )
    op.create_table(
        "file_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["stored_files.sha256"],
            name="fk_file_chunks_sha256_stored_files",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "seq", name="pk_file_chunks"),
    )


def downgrade():
    op.drop_table("file_chunks")
    op.drop_table("stored_files")
