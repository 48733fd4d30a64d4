"""Lower-cased e-mail address and name beside the originals, indexed per hearing.

The queue's identity badges count, for each testimony shown, how many others on the hearing
came from the same e-mail address or name. Counting on lower(email) read every testimony of
the hearing on every queue page (0.4 s at 50,000 testimonies, and growing). Indexed keys make
it a lookup. Expression indexes would do the same on PostgreSQL, but SQLite's table rebuilds
in later migrations cannot carry them over, so the keys are plain columns.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "testimonies", sa.Column("email_key", sa.String(), nullable=False, server_default=sa.text("''"))
    )
    op.add_column(
        "testimonies", sa.Column("name_key", sa.String(), nullable=False, server_default=sa.text("''"))
    )
    # The app's own lower() on SQLite (see app/platform/database.py) folds case beyond ASCII, as
    # PostgreSQL's does and as the model does for new rows.
    op.execute("UPDATE testimonies SET email_key = lower(email), name_key = lower(full_name)")
    op.create_index("ix_testimonies_hearing_email_key", "testimonies", ["hearing_id", "email_key"])
    op.create_index("ix_testimonies_hearing_name_key", "testimonies", ["hearing_id", "name_key"])


def downgrade():
    op.drop_index("ix_testimonies_hearing_name_key", table_name="testimonies")
    op.drop_index("ix_testimonies_hearing_email_key", table_name="testimonies")
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_column("name_key")
        batch_op.drop_column("email_key")
