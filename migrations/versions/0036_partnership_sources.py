"""Other NMGs' self-assessments as sources of the partnership view

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 16:24:05.966912

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partnership_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('etag', sa.String(length=300), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('waiting', 'read', 'unchanged', 'failed', name='source_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('error', sa.String(length=1000), server_default='', nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('url IS NOT NULL OR country IS NOT NULL', name=op.f('ck_partnership_source_named_by_url_or_country')),
    sa.ForeignKeyConstraint(['added_by_id'], ['member.id'], name=op.f('fk_partnership_source_added_by_id_member'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_source')),
    sa.UniqueConstraint('url', name=op.f('uq_partnership_source_url'))
    )
    op.create_table('partnership_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('year BETWEEN 1900 AND 2199', name=op.f('ck_partnership_document_year_in_range')),
    sa.ForeignKeyConstraint(['source_id'], ['partnership_source.id'], name=op.f('fk_partnership_document_source_id_partnership_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_document')),
    sa.UniqueConstraint('source_id', 'year', name=op.f('uq_partnership_document_source_id_year'))
    )


def downgrade():
    op.drop_table('partnership_document')
    op.drop_table('partnership_source')
