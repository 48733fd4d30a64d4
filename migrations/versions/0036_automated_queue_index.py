"""An index for the queue's "possibly automated" tab.

Every queue page counts the hearing's possibly automated letters (the tab's number, and the
line saying how many wait there), and the tab lists them by arrival. Few letters are marked,
so without this the count read every pending row of the hearing. A partial index holds only
the marked ones, so the count and the tab's pages are index range scans whatever the hearing's
size.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_testimonies_hearing_automated",
        "testimonies",
        ["hearing_id", "status", "received_at"],
        unique=False,
        postgresql_where=sa.text("quarantine_reason IS NOT NULL"),
        sqlite_where=sa.text("quarantine_reason IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_testimonies_hearing_automated", table_name="testimonies")
