"""personal calendar feeds

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 01:44:25.098812

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('feed_alarm_minutes', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_member_feed_token_hash'), ['feed_token_hash'])



def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_member_feed_token_hash'), type_='unique')
        batch_op.drop_column('feed_alarm_minutes')
        batch_op.drop_column('feed_token_hash')

