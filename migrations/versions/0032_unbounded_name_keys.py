"""Sign-ins' lower-cased name and e-mail keys are unbounded: lower-casing can lengthen text
("İ" becomes "i̇", two characters), so a 200-character name could make a 201-character key,
which PostgreSQL refused with an error instead of storing the sign-in. (SQLite ignores the
lengths; only PostgreSQL changes.)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sign_ins") as batch:
        batch.alter_column(
            "name_key", type_=sa.String(), existing_type=sa.String(length=200), existing_nullable=False
        )
        batch.alter_column(
            "email_key", type_=sa.String(), existing_type=sa.String(length=254), existing_nullable=False
        )


def downgrade():
    # Keys longer than the old limits are cut: only their first characters are compared.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE sign_ins SET name_key = left(name_key, 200), email_key = left(email_key, 254)")
    with op.batch_alter_table("sign_ins") as batch:
        batch.alter_column(
            "name_key", type_=sa.String(length=200), existing_type=sa.String(), existing_nullable=False
        )
        batch.alter_column(
            "email_key", type_=sa.String(length=254), existing_type=sa.String(), existing_nullable=False
        )
