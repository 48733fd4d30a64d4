"""Recovery codes for the second factor and a list of staff sessions.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
