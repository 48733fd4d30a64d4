"""Position sign-ins (noted for the record).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
