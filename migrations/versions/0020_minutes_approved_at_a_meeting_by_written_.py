"""minutes approved at a later meeting of the approving type, by written procedure, or by the coordinator

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

#: the values before and after: "the next plenary" became "a later meeting" (of the approving type, the
#: plenary unless configured otherwise), "the coordination team" became "by the coordinator"
RENAMED = {'plenary': 'meeting', 'team': 'coordinator'}

meeting_type = sa.table(
    'meeting_type',
    sa.column('id', sa.Integer),
    sa.column('code', sa.String),
    sa.column('minutes_approval', sa.String),
    sa.column('minutes_approving_type_id', sa.Integer),
)
minutes = sa.table(
    'minutes',
    sa.column('status', sa.String),
    sa.column('approved_at_meeting_id', sa.Integer),
    sa.column('approved_how', sa.String),
)


def _check(values):
    listed = ', '.join(f"'{value}'" for value in values)
    return f'minutes_approval IN ({listed})'


def upgrade():
    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        # The enum's CHECK names the old values; it is put back with the new ones below.
        batch_op.drop_constraint(op.f('ck_meeting_type_minutes_approval'), type_='check')
        batch_op.alter_column('minutes_approval', existing_type=sa.String(length=32), server_default='meeting')
        batch_op.add_column(sa.Column('minutes_approving_type_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_meeting_type_minutes_approving_type_id_meeting_type'),
            'meeting_type',
            ['minutes_approving_type_id'],
            ['id'],
            ondelete='SET NULL',
        )
    for old, new in RENAMED.items():
        op.execute(meeting_type.update().where(meeting_type.c.minutes_approval == old).values(minutes_approval=new))
    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.create_check_constraint('minutes_approval', _check(['meeting', 'written', 'coordinator']))

    # Minutes were approved at the plenary until now; the configuration may name another approving type
    # (minutes_approved_at) or a written procedure for a type.
    bind = op.get_bind()
    ids = dict(bind.execute(sa.select(meeting_type.c.code, meeting_type.c.id)).all())
    for spec in current_app.config['MEETING_TYPES']:
        approver = ids.get(spec.get('minutes_approved_at', 'plenary'))
        values = {'minutes_approving_type_id': approver}
        if spec.get('minutes_approval') == 'written':
            values['minutes_approval'] = 'written'
        bind.execute(meeting_type.update().where(meeting_type.c.code == spec['code']).values(**values))

    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_how', sa.Enum('meeting', 'written', 'coordinator', name='approved_how', native_enum=False, create_constraint=True, length=32), nullable=True))
    approved = minutes.c.status == 'approved'
    op.execute(minutes.update().where(approved, minutes.c.approved_at_meeting_id.is_not(None)).values(approved_how='meeting'))
    op.execute(minutes.update().where(approved, minutes.c.approved_at_meeting_id.is_(None)).values(approved_how='coordinator'))


def downgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_minutes_approved_how'), type_='check')
        batch_op.drop_column('approved_how')

    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_type_minutes_approval'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_meeting_type_minutes_approving_type_id_meeting_type'), type_='foreignkey'
        )
        batch_op.drop_column('minutes_approving_type_id')
        batch_op.alter_column('minutes_approval', existing_type=sa.String(length=32), server_default='plenary')
    # A written procedure was not a way before; the next plenary was the nearest.
    op.execute(meeting_type.update().where(meeting_type.c.minutes_approval.in_(['meeting', 'written'])).values(minutes_approval='plenary'))
    op.execute(meeting_type.update().where(meeting_type.c.minutes_approval == 'coordinator').values(minutes_approval='team'))
    with op.batch_alter_table('meeting_type', schema=None) as batch_op:
        batch_op.create_check_constraint('minutes_approval', _check(['plenary', 'team']))
