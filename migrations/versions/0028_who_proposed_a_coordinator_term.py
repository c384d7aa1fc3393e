"""who proposed a coordinator term, so that a self-proposal shows as one

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('coordinator_term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_coordinator_term_proposed_by_id_member'), 'member', ['proposed_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('coordinator_term', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_coordinator_term_proposed_by_id_member'), type_='foreignkey')
        batch_op.drop_column('proposed_by_id')
