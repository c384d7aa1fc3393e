"""E-news issues, sections, subscribers, consents, suppressions

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 20:42:34.496031

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('edition', sa.Enum('members', 'public', name='news_edition', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('event', sa.Enum('requested', 'given', 'withdrawn', name='consent_event', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('wording', sa.String(length=2000), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_consent'))
    )
    with op.batch_alter_table('news_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_news_consent_email'), ['email'], unique=False)

    op.create_table('news_subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.Enum('it', 'en', name='language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('invited', 'pending', 'confirmed', 'unsubscribed', name='subscriber_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('confirm_nonce', sa.String(length=32), nullable=True),
    sa.Column('confirm_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_subscriber')),
    sa.UniqueConstraint('email', name=op.f('uq_news_subscriber_email'))
    )
    with op.batch_alter_table('news_subscriber', schema=None) as batch_op:
        batch_op.create_index('ix_news_subscriber_status', ['status', 'id'], unique=False)

    op.create_table('news_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'scheduled', 'sending', 'sent', name='news_issue_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('send_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recipient_count', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['member.id'], name=op.f('fk_news_issue_approved_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_issue')),
    sa.UniqueConstraint('month', name=op.f('uq_news_issue_month')),
    sa.UniqueConstraint('number', name=op.f('uq_news_issue_number'))
    )
    op.create_table('news_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('editorial', 'meetings', 'events', 'decisions', 'minutes', 'calls', 'news', name='news_section_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('members_only', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['news_issue.id'], name=op.f('fk_news_section_issue_id_news_issue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_section')),
    sa.UniqueConstraint('issue_id', 'position', name=op.f('uq_news_section_issue_id_position'))
    )
    with op.batch_alter_table('news_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_news_section_issue_id'), ['issue_id'], unique=False)

    op.create_table('news_suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['news_issue.id'], name=op.f('fk_news_suppression_issue_id_news_issue'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_suppression')),
    sa.UniqueConstraint('email', name=op.f('uq_news_suppression_email'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('news_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('news_opt_out')

    op.drop_table('news_suppression')
    with op.batch_alter_table('news_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_news_section_issue_id'))

    op.drop_table('news_section')
    op.drop_table('news_issue')
    with op.batch_alter_table('news_subscriber', schema=None) as batch_op:
        batch_op.drop_index('ix_news_subscriber_status')

    op.drop_table('news_subscriber')
    with op.batch_alter_table('news_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_news_consent_email'))

    op.drop_table('news_consent')
