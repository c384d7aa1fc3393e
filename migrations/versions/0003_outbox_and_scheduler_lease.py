"""outbox and scheduler lease

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:29:24.543863

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=998), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='delivery_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbound_message_dedupe_key'))
    )
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_message_claim_token'), ['claim_token'], unique=False)
        batch_op.create_index('ix_outbound_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_purpose'), ['purpose'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_recipient'), ['recipient'], unique=False)

    op.create_table('scheduler_lease',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_lease'))
    )


def downgrade():
    op.drop_table('scheduler_lease')
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_message_recipient'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_purpose'))
        batch_op.drop_index('ix_outbound_message_due')
        batch_op.drop_index(batch_op.f('ix_outbound_message_claim_token'))

    op.drop_table('outbound_message')
