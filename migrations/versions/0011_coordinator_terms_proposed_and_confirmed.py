"""Coordinator terms proposed and confirmed: existing terms count as confirmed

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 18:56:55.952796

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('coordinator_term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_confirmed', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmation_note', sa.String(length=1000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_coordinator_term_decision_id_decision'), 'decision', ['decision_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_coordinator_term_confirmed_by_id_member'), 'member', ['confirmed_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('coordinator_term', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_coordinator_term_confirmed_by_id_member'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_coordinator_term_decision_id_decision'), type_='foreignkey')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('confirmation_note')
        batch_op.drop_column('decision_id')
        batch_op.drop_column('is_confirmed')
