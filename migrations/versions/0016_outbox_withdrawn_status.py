"""Outbox: a list mail withdrawn before it was sent; the mails of one purpose by status

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_BEFORE = ('pending', 'sending', 'sent', 'failed')
_AFTER = (*_BEFORE, 'withdrawn')


def _statuses(values):
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbound_message_delivery_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbound_message_delivery_status'), _statuses(_AFTER))
        batch_op.drop_index(batch_op.f('ix_outbound_message_purpose'))
        batch_op.create_index('ix_outbound_message_purpose_status', ['purpose', 'status'], unique=False)


def downgrade():
    # A withdrawn mail was never sent; before this revision the nearest is a failure with its reason.
    op.execute("UPDATE outbound_message SET status = 'failed' WHERE status = 'withdrawn'")
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_message_purpose_status')
        batch_op.create_index(batch_op.f('ix_outbound_message_purpose'), ['purpose'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_outbound_message_delivery_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbound_message_delivery_status'), _statuses(_BEFORE))
