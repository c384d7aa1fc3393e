"""E-news: every use of the subscription form counted for the per-hour limit, whatever the address

Revision ID: 0018
Revises: 0017
Create Date: 2027-01-12 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_subscription_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_subscription_request'))
    )
    with op.batch_alter_table('news_subscription_request', schema=None) as batch_op:
        batch_op.create_index('ix_news_subscription_request_remote_addr_at', ['remote_addr', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('news_subscription_request', schema=None) as batch_op:
        batch_op.drop_index('ix_news_subscription_request_remote_addr_at')

    op.drop_table('news_subscription_request')
