"""Outbox: a mail whose outcome is unknown (the server's answer to its end never came), retried later

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 00:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

_BEFORE = ('pending', 'sending', 'sent', 'failed', 'withdrawn')
_AFTER = (*_BEFORE, 'unknown')


def _statuses(values):
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _check(values):
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbound_message_delivery_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbound_message_delivery_status'), _statuses(values))


def upgrade():
    _check(_AFTER)


def downgrade():
    # Before this revision such a mail simply waited for its next attempt.
    op.execute("UPDATE outbound_message SET status = 'pending' WHERE status = 'unknown'")
    _check(_BEFORE)
