"""a message to the invitees: the organiser's note mailed with a change, such as a cancellation, and what
a change of time or place changed

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 00:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_column('changes')
        batch_op.drop_column('note')
