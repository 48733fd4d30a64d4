"""Staff accounts and moderation: staff users and the second-factor policy, append-only
review decisions, private notes, redactions, the rejection reason on a testimony, audit
events about nobody in particular (a failed login to an unknown address), and the claim that
stops two processes sending the same e-mail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('require_totp', sa.Boolean(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_staff_policies_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_policies'))
    )
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('moderator', 'clerk', 'admin', name='staff_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_staff_users_email_lowercase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_users_email'))
    )
    op.create_table('moderator_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('testimony_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_users.id'], name=op.f('fk_moderator_notes_author_id_staff_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['testimony_id'], ['testimonies.id'], name=op.f('fk_moderator_notes_testimony_id_testimonies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_notes'))
    )
    with op.batch_alter_table('moderator_notes', schema=None) as batch_op:
        batch_op.create_index('ix_moderator_notes_testimony', ['testimony_id', 'id'], unique=False)

    op.create_table('redactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('testimony_id', sa.Integer(), nullable=False),
    sa.Column('testimony_version', sa.Integer(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('start_offset >= 0 AND end_offset > start_offset', name=op.f('ck_redactions_span_valid')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_redactions_created_by_id_staff_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['staff_users.id'], name=op.f('fk_redactions_removed_by_id_staff_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['testimony_id'], ['testimonies.id'], name=op.f('fk_redactions_testimony_id_testimonies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redactions'))
    )
    with op.batch_alter_table('redactions', schema=None) as batch_op:
        batch_op.create_index('ix_redactions_testimony', ['testimony_id', 'testimony_version'], unique=False)

    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('testimony_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('from_status', sa.Enum('pending', 'approved', 'rejected', 'flagged', 'withdrawn', name='decision_from', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('to_status', sa.Enum('pending', 'approved', 'rejected', 'flagged', 'withdrawn', name='decision_to', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('reason', sa.Enum('spam', 'abusive', 'off_topic', 'duplicate', 'personal_information', 'other', name='decision_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("reason <> 'other' OR note IS NOT NULL", name=op.f('ck_review_decisions_other_has_note')),
    sa.CheckConstraint("to_status <> 'rejected' OR reason IS NOT NULL", name=op.f('ck_review_decisions_rejection_has_reason')),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_users.id'], name=op.f('fk_review_decisions_actor_id_staff_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['testimony_id'], ['testimonies.id'], name=op.f('fk_review_decisions_testimony_id_testimonies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decisions'))
    )
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_review_decisions_testimony', ['testimony_id', 'id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('subject_type',
               existing_type=sa.VARCHAR(length=40),
               nullable=True)
        batch_op.alter_column('subject_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('testimonies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_reason', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_testimonies_rejection_reason'),
            "rejection_reason IN ('spam', 'abusive', 'off_topic', 'duplicate', "
            "'personal_information', 'other')",
        )
        # Existing rows are pending or withdrawn, so the rule holds from the start.
        batch_op.create_check_constraint(
            op.f('ck_testimonies_rejected_has_reason'),
            "(status = 'rejected') = (rejection_reason IS NOT NULL)",
        )



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('testimonies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_testimonies_rejected_has_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_testimonies_rejection_reason'), type_='check')
        batch_op.drop_column('rejection_reason')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('subject_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('subject_type',
               existing_type=sa.VARCHAR(length=40),
               nullable=False)

    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_review_decisions_testimony')

    op.drop_table('review_decisions')
    with op.batch_alter_table('redactions', schema=None) as batch_op:
        batch_op.drop_index('ix_redactions_testimony')

    op.drop_table('redactions')
    with op.batch_alter_table('moderator_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_moderator_notes_testimony')

    op.drop_table('moderator_notes')
    op.drop_table('staff_users')
    op.drop_table('staff_policies')
