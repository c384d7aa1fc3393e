"""Outbox: each message's bytes in a table of their own, so that sending a mail rewrites a small row

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbound_message_content',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['outbound_message.id'],
            name=op.f('fk_outbound_message_content_message_id_outbound_message'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_outbound_message_content')),
    )
    # Every message keeps its bytes, those still waiting included: they are sent as they were queued.
    op.execute(
        "INSERT INTO outbound_message_content (message_id, content) SELECT id, content FROM outbound_message"
    )
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_column('content')


def downgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=False, server_default=sa.text("''")))
    op.execute(
        "UPDATE outbound_message SET content = (SELECT c.content FROM outbound_message_content AS c "
        "WHERE c.message_id = outbound_message.id) "
        "WHERE id IN (SELECT message_id FROM outbound_message_content)"
    )
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.alter_column('content', server_default=None)
    op.drop_table('outbound_message_content')
