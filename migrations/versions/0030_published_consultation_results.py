"""Consultations: the coordinator's summary of the results and their publication, to members or to anyone;
the e-news' section of results published

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

_KINDS_BEFORE = ('editorial', 'meetings', 'events', 'decisions', 'minutes', 'calls', 'news')
_KINDS_AFTER = (*_KINDS_BEFORE, 'results')


def _kinds(values):
    with op.batch_alter_table('news_section', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_news_section_news_section_kind'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_news_section_news_section_kind'),
            "kind IN (" + ", ".join(f"'{value}'" for value in values) + ")",
        )


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_summary', sa.String(length=4000), nullable=True))
        batch_op.add_column(sa.Column('results_published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('results_are_public', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _kinds(_KINDS_AFTER)


def downgrade():
    # A section of results becomes an ordinary news section, its text kept.
    op.execute("UPDATE news_section SET kind = 'news' WHERE kind = 'results'")
    _kinds(_KINDS_BEFORE)
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('results_are_public')
        batch_op.drop_column('results_published_at')
        batch_op.drop_column('results_summary')
