"""meetings: types, meetings, invitations, agenda items

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:25:44.302534

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('default_mode', sa.Enum('online', 'onsite', 'hybrid', name='meeting_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_per_year', sa.Integer(), nullable=True),
    sa.Column('min_onsite_per_year', sa.Integer(), nullable=False),
    sa.Column('default_duration_minutes', sa.Integer(), nullable=False),
    sa.Column('reminder_days', sa.JSON(), nullable=False),
    sa.Column('agenda_call_days', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_type')),
    sa.UniqueConstraint('code', name=op.f('uq_meeting_type_code'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mode', sa.Enum('online', 'onsite', 'hybrid', name='meeting_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('draft', 'confirmed', 'cancelled', 'held', name='meeting_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('calendar_uid', sa.String(length=255), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('plan_key', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_ends_after_start')),
    sa.ForeignKeyConstraint(['organiser_id'], ['member.id'], name=op.f('fk_meeting_organiser_id_member')),
    sa.ForeignKeyConstraint(['type_id'], ['meeting_type.id'], name=op.f('fk_meeting_type_id_meeting_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('calendar_uid', name=op.f('uq_meeting_calendar_uid')),
    sa.UniqueConstraint('plan_key', name=op.f('uq_meeting_plan_key'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_starts_at', ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_type_id'), ['type_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('presenter', sa.String(length=200), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sa.String(length=200), nullable=True),
    sa.Column('guest_email', sa.String(length=320), nullable=True),
    sa.Column('via_working_group_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rsvp', sa.Enum('yes', 'no', 'maybe', name='rsvp', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('rsvp_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attendance', sa.Enum('present', 'absent', 'excused', name='attendance', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.CheckConstraint('(member_id IS NULL) <> (guest_email IS NULL)', name=op.f('ck_invitation_member_or_guest')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_invitation_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_invitation_member_id_member')),
    sa.ForeignKeyConstraint(['via_working_group_id'], ['working_group.id'], name=op.f('fk_invitation_via_working_group_id_working_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('meeting_id', 'guest_email', name=op.f('uq_invitation_meeting_id_guest_email')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_invitation_meeting_id_member_id'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_member_id'), ['member_id'], unique=False)



def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_member_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_meeting_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_type_id'))
        batch_op.drop_index('ix_meeting_starts_at')

    op.drop_table('meeting')
    op.drop_table('meeting_type')
