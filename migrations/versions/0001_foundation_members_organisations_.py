"""foundation: members, organisations, working groups, coordinator terms, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 00:52:15.067036

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=40), nullable=True),
    sa.Column('stakeholder_type', sa.Enum('ministry', 'research', 'clinical', 'it_data', 'scientific', 'policy_advisory', 'industry', 'elsi', 'funding', 'patient', name='stakeholder_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('region', sa.String(length=80), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('sign_in_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('is_success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempt'))
    )
    with op.batch_alter_table('sign_in_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_attempt_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_attempt_remote_addr_at', ['remote_addr', 'at'], unique=False)

    op.create_table('working_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group')),
    sa.UniqueConstraint('code', name=op.f('uq_working_group_code'))
    )
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('gender', sa.Enum('female', 'male', 'non_binary', 'undisclosed', name='gender', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('region', sa.String(length=80), nullable=True),
    sa.Column('expertise', sa.String(length=2000), nullable=True),
    sa.Column('role', sa.Enum('expert', 'national_contact_point', 'scientific_coordinator', 'observer', 'secretariat', name='member_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('is_coordination_team', sa.Boolean(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('language', sa.Enum('it', 'en', name='language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_member_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('email', name=op.f('uq_member_email'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('subject_label', sa.String(length=200), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['member.id'], name=op.f('fk_audit_entry_actor_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('coordinator_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('rotation_position', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_coordinator_term_ends_after_start')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_coordinator_term_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator_term')),
    sa.UniqueConstraint('starts_on', name=op.f('uq_coordinator_term_starts_on'))
    )
    with op.batch_alter_table('coordinator_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordinator_term_member_id'), ['member_id'], unique=False)

    op.create_table('member_working_group',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('working_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_working_group_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_group.id'], name=op.f('fk_member_working_group_working_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'working_group_id', name=op.f('pk_member_working_group'))
    )


def downgrade():
    op.drop_table('member_working_group')
    with op.batch_alter_table('coordinator_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordinator_term_member_id'))

    op.drop_table('coordinator_term')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_subject')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_organisation_id'))

    op.drop_table('member')
    op.drop_table('working_group')
    with op.batch_alter_table('sign_in_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_attempt_remote_addr_at')
        batch_op.drop_index('ix_sign_in_attempt_email_at')

    op.drop_table('sign_in_attempt')
    op.drop_table('organisation')
