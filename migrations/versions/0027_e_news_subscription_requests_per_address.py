"""E-news: subscription requests counted per address as well, by a keyed mark of it

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 00:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('news_subscription_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_mark', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_news_subscription_request_address_mark_at', ['address_mark', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('news_subscription_request', schema=None) as batch_op:
        batch_op.drop_index('ix_news_subscription_request_address_mark_at')
        batch_op.drop_column('address_mark')
