"""calendar replies read from the mailbox, attendee lists by setting

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 18:00:26.525119

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Enum('yes', 'no', 'maybe', name='rsvp', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('proposed_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.Column('outcome', sa.Enum('recorded', 'proposed', 'superseded', 'refused', name='reply_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_calendar_reply_invitation_id_invitation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_calendar_reply_meeting_id_meeting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_reply')),
    sa.UniqueConstraint('message_id', name=op.f('uq_calendar_reply_message_id'))
    )
    with op.batch_alter_table('calendar_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_reply_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_calendar_reply_outcome_received', ['outcome', 'received_at'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lists_attendees', sa.Boolean(), nullable=True))

    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lists_attendees', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.drop_column('lists_attendees')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('lists_attendees')

    with op.batch_alter_table('calendar_reply', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_reply_outcome_received')
        batch_op.drop_index(batch_op.f('ix_calendar_reply_meeting_id'))

    op.drop_table('calendar_reply')
