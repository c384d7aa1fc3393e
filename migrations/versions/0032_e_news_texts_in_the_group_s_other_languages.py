"""e-news texts in the group's other languages

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 06:49:38.843041

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_issue_title',
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.Enum('it', 'en', name='language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['news_issue.id'], name=op.f('fk_news_issue_title_issue_id_news_issue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('issue_id', 'language', name=op.f('pk_news_issue_title'))
    )
    op.create_table('news_section_text',
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.Enum('it', 'en', name='language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['news_section.id'], name=op.f('fk_news_section_text_section_id_news_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('section_id', 'language', name=op.f('pk_news_section_text'))
    )


def downgrade():
    op.drop_table('news_section_text')
    op.drop_table('news_issue_title')
