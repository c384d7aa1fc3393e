"""Consultations: survey answers get random ids; anonymous responses already given are rewritten

Revision ID: 0017
Revises: 0016
Create Date: 2027-01-12 10:00:00.000000

Serial answer ids, and the order in which rows were written, matched the order of the participation rows
and so linked a member to an anonymous answer. Every anonymous survey's responses and answers are written
again with new random ids, in a random order.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

RANDOM_ID_MAX = 2**53


def _random_id():
    return secrets.randbelow(RANDOM_ID_MAX) + 1


def _rewrite_anonymous_responses(connection):
    survey = sa.table('survey', sa.column('id'), sa.column('is_anonymous'))
    response = sa.table(
        'survey_response', sa.column('id'), sa.column('survey_id'), sa.column('member_id'),
        sa.column('stakeholder_type'), sa.column('region'),
    )
    answer = sa.table(
        'survey_answer', sa.column('id'), sa.column('response_id'), sa.column('question_id'),
        sa.column('value'),
    )
    anonymous = connection.scalars(sa.select(survey.c.id).where(survey.c.is_anonymous)).all()
    shuffle = secrets.SystemRandom().shuffle
    for survey_id in anonymous:
        responses = connection.execute(
            sa.select(response.c.id, response.c.stakeholder_type, response.c.region)
            .where(response.c.survey_id == survey_id)
        ).all()
        if not responses:
            continue
        ids = [row.id for row in responses]
        answers = connection.execute(
            sa.select(answer.c.response_id, answer.c.question_id, answer.c.value)
            .where(answer.c.response_id.in_(ids))
        ).all()
        connection.execute(sa.delete(answer).where(answer.c.response_id.in_(ids)))
        connection.execute(sa.delete(response).where(response.c.id.in_(ids)))
        new_id = {old: _random_id() for old in ids}
        new_responses = [
            {'id': new_id[row.id], 'survey_id': survey_id, 'member_id': None,
             'stakeholder_type': row.stakeholder_type, 'region': row.region}
            for row in responses
        ]
        new_answers = [
            {'id': _random_id(), 'response_id': new_id[row.response_id],
             'question_id': row.question_id, 'value': row.value}
            for row in answers
        ]
        shuffle(new_responses)
        shuffle(new_answers)
        connection.execute(sa.insert(response), new_responses)
        if new_answers:
            connection.execute(sa.insert(answer), new_answers)


def upgrade():
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.alter_column(
            'id', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False,
        )
    if op.get_bind().dialect.name == 'postgresql':
        # The ids are drawn by the application now, not by a sequence.
        op.execute('ALTER TABLE survey_answer ALTER COLUMN id DROP DEFAULT')
        op.execute('DROP SEQUENCE IF EXISTS survey_answer_id_seq')
    _rewrite_anonymous_responses(op.get_bind())


def downgrade():
    # Serial ids again: number the answers 1, 2, … in the order of their random ids, which is no order
    # of answering. Negative first, so that no new id meets an old one on the way.
    connection = op.get_bind()
    answer = sa.table('survey_answer', sa.column('id'))
    ids = connection.scalars(sa.select(answer.c.id).order_by(answer.c.id)).all()
    renumber = sa.update(answer).where(answer.c.id == sa.bindparam('old')).values(id=sa.bindparam('new'))
    if ids:
        connection.execute(renumber, [{'old': old, 'new': -n} for n, old in enumerate(ids, start=1)])
        connection.execute(renumber, [{'old': -n, 'new': n} for n in range(1, len(ids) + 1)])
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.alter_column(
            'id', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False,
        )
    if connection.dialect.name == 'postgresql':
        op.execute('CREATE SEQUENCE survey_answer_id_seq OWNED BY survey_answer.id')
        op.execute("ALTER TABLE survey_answer ALTER COLUMN id SET DEFAULT nextval('survey_answer_id_seq')")
        op.execute(
            "SELECT setval('survey_answer_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM survey_answer), false)"
        )
