"""A year's self-assessment published in its open format

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 12:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_self_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('year BETWEEN 1900 AND 2199', name=op.f('ck_published_self_assessment_year_in_range')),
    sa.ForeignKeyConstraint(['published_by_id'], ['member.id'], name=op.f('fk_published_self_assessment_published_by_id_member'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_self_assessment')),
    sa.UniqueConstraint('year', name=op.f('uq_published_self_assessment_year'))
    )


def downgrade():
    op.drop_table('published_self_assessment')
