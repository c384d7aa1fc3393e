"""Documents with versions: who uploaded each, its status and the meeting that approved it

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 20:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('terms_of_reference', 'nmg_plan', 'work_plan', 'report', 'other', name='document_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('visibility', sa.Enum('team', 'members', 'public', name='document_visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['member.id'], name=op.f('fk_document_created_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_kind'), ['kind'], unique=False)

    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'superseded', name='document_version_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('approved_meeting_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approval_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint("status = 'draft' OR approved_at IS NOT NULL", name=op.f('ck_document_version_approval_dated')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_document_version_number_positive')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_document_version_size_not_negative')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['member.id'], name=op.f('fk_document_version_approved_by_id_member')),
    sa.ForeignKeyConstraint(['approved_meeting_id'], ['meeting.id'], name=op.f('fk_document_version_approved_meeting_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_version_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['member.id'], name=op.f('fk_document_version_uploaded_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_version_document_id_number')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_document_version_storage_key'))
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_document_id'), ['document_id'], unique=False)
        # At most one approved version per document, whatever two approvals racing do.
        batch_op.create_index('uq_document_version_one_approved', ['document_id'], unique=True, sqlite_where=sa.text("status = 'approved'"), postgresql_where=sa.text("status = 'approved'"))


def downgrade():
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index('uq_document_version_one_approved')
        batch_op.drop_index(batch_op.f('ix_document_version_document_id'))

    op.drop_table('document_version')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_kind'))

    op.drop_table('document')
