"""minutes approved by written procedure: the procedure and the answers of those asked

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('written_procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'approved', 'objected', name='procedure_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('deadline_on', sa.Date(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('objection_item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_written_procedure_minutes_id_minutes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objection_item_id'], ['agenda_item.id'], name=op.f('fk_written_procedure_objection_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['started_by_id'], ['member.id'], name=op.f('fk_written_procedure_started_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_procedure'))
    )
    with op.batch_alter_table('written_procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_written_procedure_minutes_id'), ['minutes_id'], unique=False)

    op.create_table('procedure_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_objection', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.CheckConstraint('NOT is_objection OR reason <> \'\'', name=op.f('ck_procedure_answer_objection_has_reason')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_procedure_answer_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procedure_id'], ['written_procedure.id'], name=op.f('fk_procedure_answer_procedure_id_written_procedure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_answer')),
    sa.UniqueConstraint('procedure_id', 'member_id', name=op.f('uq_procedure_answer_procedure_id_member_id'))
    )
    with op.batch_alter_table('procedure_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_answer_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procedure_answer_procedure_id'), ['procedure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('procedure_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_answer_procedure_id'))
        batch_op.drop_index(batch_op.f('ix_procedure_answer_member_id'))
    op.drop_table('procedure_answer')
    with op.batch_alter_table('written_procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_written_procedure_minutes_id'))
    op.drop_table('written_procedure')
