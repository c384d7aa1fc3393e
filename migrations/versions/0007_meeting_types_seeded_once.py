"""meeting types seeded once, from the configuration, instead of by the first page that reads them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:00:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

meeting_type = sa.table(
    'meeting_type',
    sa.column('code', sa.String),
    sa.column('name', sa.String),
    sa.column('default_mode', sa.String),
    sa.column('target_per_year', sa.Integer),
    sa.column('min_onsite_per_year', sa.Integer),
    sa.column('default_duration_minutes', sa.Integer),
    sa.column('reminder_days', sa.JSON),
    sa.column('agenda_call_days', sa.Integer),
    sa.column('position', sa.Integer),
    sa.column('is_active', sa.Boolean),
)


def upgrade():
    # The types configured for this installation (MEETING_TYPES); codes already there are left as edited.
    existing = set(op.get_bind().scalars(sa.select(meeting_type.c.code)))
    rows = [
        {
            'code': spec['code'],
            'name': spec['name'],
            'default_mode': spec['default_mode'],
            'target_per_year': spec.get('target_per_year'),
            'min_onsite_per_year': spec.get('min_onsite_per_year', 0),
            'default_duration_minutes': spec.get('default_duration_minutes', 120),
            'reminder_days': list(spec.get('reminder_days', [])),
            'agenda_call_days': spec.get('agenda_call_days'),
            'position': position,
            'is_active': True,
        }
        for position, spec in enumerate(current_app.config['MEETING_TYPES'], start=1)
        if spec['code'] not in existing
    ]
    if rows:
        op.bulk_insert(meeting_type, rows)


def downgrade():
    # The types are the NMG's data from here on, edited and referenced by meetings: they stay.
    pass
