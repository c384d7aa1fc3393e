"""minutes PDF kept per language, served again while its page is the same

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('too_large', sa.Boolean(), nullable=False),
    sa.Column('making_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claim', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_print_minutes_id_minutes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_print')),
    sa.UniqueConstraint('minutes_id', 'language', name=op.f('uq_minutes_print_minutes_id_language'))
    )


def downgrade():
    op.drop_table('minutes_print')
