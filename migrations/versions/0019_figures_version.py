"""Figures version: a token that changes with the data the self-assessment is read from

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    figures_version = op.create_table('figures_version',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_figures_version'))
    )
    # The row exists from the start, so that writers only ever update it.
    op.bulk_insert(figures_version, [{'name': 'self_assessment', 'token': 'initial'}])


def downgrade():
    op.drop_table('figures_version')
