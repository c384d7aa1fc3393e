"""the e-news image library

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.String(length=32), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('alt', sa.String(length=300), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['member.id'], name=op.f('fk_news_image_uploaded_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_image')),
    sa.UniqueConstraint('public_key', name=op.f('uq_news_image_public_key')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_news_image_storage_key'))
    )


def downgrade():
    op.drop_table('news_image')
