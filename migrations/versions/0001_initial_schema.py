"""Initial schema: bodies, committees, measures, hearings, testimony, attachments,
earlier versions, the e-mail outbox and the audit log.

Times are stored as naive UTC (app.platform.timezones.UTCDateTime adds the zone back on read).
Enums are strings with named check constraints, so adding a value is a reviewed migration on
every database rather than an ALTER TYPE on PostgreSQL only.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index('ix_audit_events_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('jurisdiction', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('slug', name=op.f('uq_bodies_slug'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_unsent', ['sent_at', 'attempts'], unique=False)

    op.create_table('committees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_committees_body_id_bodies'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committees')),
    sa.UniqueConstraint('body_id', 'slug', name=op.f('uq_committees_body_id_slug'))
    )
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committees_body_id'), ['body_id'], unique=False)

    op.create_table('hearings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('remote_url', sa.String(length=500), nullable=True),
    sa.Column('testimony_opens_at', sa.DateTime(), nullable=False),
    sa.Column('testimony_closes_at', sa.DateTime(), nullable=False),
    sa.Column('speaker_signup_closes_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('speaker_signup_closes_at IS NULL OR speaker_signup_closes_at <= testimony_closes_at', name=op.f('ck_hearings_signup_within_window')),
    sa.CheckConstraint('testimony_opens_at < testimony_closes_at', name=op.f('ck_hearings_window_order')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_hearings_committee_id_committees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearings'))
    )
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearings_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_testimony_closes_at'), ['testimony_closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_testimony_opens_at'), ['testimony_opens_at'], unique=False)

    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ordinance', 'bill', 'order', 'resolution', name='measure_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('official_url', sa.String(length=500), nullable=True),
    sa.Column('session', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_measures_committee_id_committees'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    sa.UniqueConstraint('committee_id', 'session', 'number', name=op.f('uq_measures_committee_id_session_number'))
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_committee_id'), ['committee_id'], unique=False)

    op.create_table('hearing_measures',
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_hearing_measures_hearing_id_hearings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_hearing_measures_measure_id_measures'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('hearing_id', 'measure_id', name=op.f('pk_hearing_measures'))
    )
    op.create_table('testimonies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=12), nullable=False),
    sa.Column('receipt_token_hash', sa.String(length=64), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('street_address', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('zip_code', sa.String(length=10), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=True),
    sa.Column('speaks_for_organization', sa.Boolean(), nullable=False),
    sa.Column('hide_street_address', sa.Boolean(), nullable=False),
    sa.Column('public_record_acknowledged', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Enum('support', 'oppose', 'neutral', name='testimony_position', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('speaking_request', sa.Enum('none', 'in_person', 'remote', name='speaking_request', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('interpreter_language', sa.String(length=100), nullable=True),
    sa.Column('accessibility_need', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'flagged', 'withdrawn', name='review_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name=op.f('ck_testimonies_withdrawn_has_time')),
    sa.CheckConstraint('public_record_acknowledged', name=op.f('ck_testimonies_public_record_acknowledged')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_testimonies_version_positive')),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_testimonies_hearing_id_hearings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_testimonies_measure_id_measures'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonies')),
    sa.UniqueConstraint('hearing_id', 'submission_key', name=op.f('uq_testimonies_hearing_id_submission_key')),
    sa.UniqueConstraint('receipt_token_hash', name=op.f('uq_testimonies_receipt_token_hash')),
    sa.UniqueConstraint('tracking_number', name=op.f('uq_testimonies_tracking_number'))
    )
    with op.batch_alter_table('testimonies', schema=None) as batch_op:
        batch_op.create_index('ix_testimonies_hearing_received', ['hearing_id', 'received_at'], unique=False)
        batch_op.create_index('ix_testimonies_hearing_status_received', ['hearing_id', 'status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_testimonies_measure_id'), ['measure_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('testimony_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('page_count > 0', name=op.f('ck_attachments_page_count_positive')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_attachments_size_positive')),
    sa.ForeignKeyConstraint(['testimony_id'], ['testimonies.id'], name=op.f('fk_attachments_testimony_id_testimonies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_testimony_id'), ['testimony_id'], unique=False)

    op.create_table('testimony_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('testimony_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Enum('support', 'oppose', 'neutral', name='version_position', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('speaking_request', sa.Enum('none', 'in_person', 'remote', name='version_speaking_request', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=False),
    sa.Column('amendment_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_testimony_versions_measure_id_measures'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['testimony_id'], ['testimonies.id'], name=op.f('fk_testimony_versions_testimony_id_testimonies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testimony_versions')),
    sa.UniqueConstraint('testimony_id', 'version', name=op.f('uq_testimony_versions_testimony_id_version'))
    )


def downgrade():
    op.drop_table('testimony_versions')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_testimony_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))

    op.drop_table('attachments')
    with op.batch_alter_table('testimonies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_testimonies_measure_id'))
        batch_op.drop_index('ix_testimonies_hearing_status_received')
        batch_op.drop_index('ix_testimonies_hearing_received')

    op.drop_table('testimonies')
    op.drop_table('hearing_measures')
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_committee_id'))

    op.drop_table('measures')
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearings_testimony_opens_at'))
        batch_op.drop_index(batch_op.f('ix_hearings_testimony_closes_at'))
        batch_op.drop_index(batch_op.f('ix_hearings_committee_id'))

    op.drop_table('hearings')
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committees_body_id'))

    op.drop_table('committees')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_unsent')

    op.drop_table('outbox_messages')
    op.drop_table('bodies')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))

    op.drop_table('audit_events')
