"""Self-assessment: the coordinator's answers to the questions the data cannot tell, per year

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('self_assessment_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Enum('organisational_model', 'nomination_process', 'funding', name='answered_measure', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('choice', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=1000), server_default='', nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('year BETWEEN 1900 AND 2199', name=op.f('ck_self_assessment_answer_year_in_range')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['member.id'], name=op.f('fk_self_assessment_answer_answered_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment_answer')),
    sa.UniqueConstraint('year', 'measure', name=op.f('uq_self_assessment_answer_year_measure'))
    )


def downgrade():
    op.drop_table('self_assessment_answer')
