"""replies to comments on the minutes: a reply points to the comment it answers

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 00:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('minutes_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_minutes_comment_reply_to_id'), ['reply_to_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_minutes_comment_reply_to_id_minutes_comment'), 'minutes_comment', ['reply_to_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('minutes_comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_minutes_comment_reply_to_id_minutes_comment'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_minutes_comment_reply_to_id'))
        batch_op.drop_column('reply_to_id')
