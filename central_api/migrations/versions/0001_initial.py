"""Initial schema: kiosks, streams, requests, documents, audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 08:21:01.843595
"""

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applied_records',
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('bundle_id', sa.String(length=64), nullable=False),
    sa.Column('applied_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('record_id', name=op.f('pk_applied_records'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('statement', sa.Text(), nullable=True),
    sa.Column('issued_at', sa.String(length=32), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('revoked_at', sa.String(length=32), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('number', name=op.f('uq_documents_number')),
    sa.UniqueConstraint('year', 'seq', name='uq_documents_year_seq')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_reference'), ['reference'], unique=False)

    op.create_table('inbound_bundles',
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(length=64), nullable=False),
    sa.Column('receipt', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.String(length=32), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sender', 'seq', name='pk_inbound_bundles')
    )
    op.create_table('invites',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('village', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('expires_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('used_at', sa.String(length=32), nullable=True),
    sa.Column('kiosk_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invites_token_hash'))
    )
    op.create_table('kiosks',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('village', sa.String(length=32), nullable=False),
    sa.Column('kiosk_no', sa.Integer(), nullable=False),
    sa.Column('signing_key', sa.LargeBinary(), nullable=False),
    sa.Column('encryption_key', sa.LargeBinary(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('software_version', sa.String(length=64), nullable=True),
    sa.Column('enrolled_at', sa.String(length=32), nullable=False),
    sa.Column('last_contact', sa.String(length=32), nullable=True),
    sa.Column('revoked_at', sa.String(length=32), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosks')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_kiosks_fingerprint')),
    sa.UniqueConstraint('village', 'kiosk_no', name='uq_kiosks_village_kiosk_no')
    )
    op.create_table('outbound_bundles',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('acknowledged_at', sa.String(length=32), nullable=True),
    sa.Column('receipt', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_bundles')),
    sa.UniqueConstraint('kiosk_id', 'seq', name='uq_outbound_bundles_kiosk_id_seq')
    )
    op.create_table('outbound_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('bundle_seq', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_records')),
    sa.UniqueConstraint('record_id', name=op.f('uq_outbound_records_record_id'))
    )
    with op.batch_alter_table('outbound_records', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_records_pending', ['kiosk_id', 'bundle_seq'], unique=False)

    op.create_table('outgoing_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_outgoing_counters'))
    )
    op.create_table('quarantined_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('bundle_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantined_records'))
    )
    op.create_table('requests',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('catalogue_version', sa.Integer(), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('village', sa.String(length=32), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=True),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('staff', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('due_date', sa.String(length=10), nullable=True),
    sa.Column('fee_status', sa.String(length=10), nullable=False),
    sa.Column('fee_method', sa.String(length=20), nullable=True),
    sa.Column('fee_receipt_number', sa.String(length=64), nullable=True),
    sa.Column('fee_amount_cents', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('document_number', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests')),
    sa.UniqueConstraint('reference', name=op.f('uq_requests_reference'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_status_due', ['status', 'due_date'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('request_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('record_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_events_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_events_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_events_request_id'))

    op.drop_table('request_events')
    op.drop_table('users')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_status_due')

    op.drop_table('requests')
    op.drop_table('quarantined_records')
    op.drop_table('outgoing_counters')
    with op.batch_alter_table('outbound_records', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_records_pending')

    op.drop_table('outbound_records')
    op.drop_table('outbound_bundles')
    op.drop_table('kiosks')
    op.drop_table('invites')
    op.drop_table('inbound_bundles')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_reference'))

    op.drop_table('documents')
    op.drop_table('audit_log')
    op.drop_table('applied_records')
