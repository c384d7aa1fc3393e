"""meeting type names per language

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 18:20:27.353493

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

meeting_type = sa.table(
    'meeting_type',
    sa.column('id', sa.Integer),
    sa.column('code', sa.String),
    sa.column('name', sa.String),
    sa.column('names', sa.JSON),
)


def upgrade():
    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', sa.JSON(), server_default='{}', nullable=False))

    # Names per language from the configuration (MEETING_TYPES), matched by code. A type still named as
    # configured takes the configured names, and `name` becomes the one in the NMG's default language; a
    # type the coordinator renamed keeps its name, as the name in the default language.
    default = current_app.config['DEFAULT_LANGUAGE']
    configured = {spec['code']: spec['names'] for spec in current_app.config['MEETING_TYPES']}
    bind = op.get_bind()
    for row in bind.execute(sa.select(meeting_type.c.id, meeting_type.c.code, meeting_type.c.name)).all():
        names = configured.get(row.code)
        if names is None:
            continue
        if row.name in names.values():
            values = {'names': dict(names), 'name': names[default]}
        else:
            values = {'names': {default: row.name}}
        bind.execute(meeting_type.update().where(meeting_type.c.id == row.id).values(**values))


def downgrade():
    # Names in other languages go; `name` stays the one in the NMG's default language.
    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.drop_column('names')
