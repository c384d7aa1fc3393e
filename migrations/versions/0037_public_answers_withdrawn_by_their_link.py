"""A confirmed public answer withdrawn by the link mailed with its confirmation

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('public_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdraw_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('public_response', schema=None) as batch_op:
        batch_op.drop_column('withdraw_key')
