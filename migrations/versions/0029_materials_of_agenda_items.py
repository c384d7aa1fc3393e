"""materials of agenda items: documents of the library or links, for the meeting pack

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 04:07:24.170258

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(document_id IS NULL) <> (url IS NULL)', name=op.f('ck_agenda_material_document_or_link')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_agenda_material_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_agenda_material_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_material')),
    sa.UniqueConstraint('agenda_item_id', 'document_id', name=op.f('uq_agenda_material_agenda_item_id_document_id'))
    )
    with op.batch_alter_table('agenda_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_material_agenda_item_id'), ['agenda_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('agenda_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_material_agenda_item_id'))

    op.drop_table('agenda_material')
