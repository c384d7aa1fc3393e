"""Which members a consultation asks (none when it is open to the public only): every current member,
the members of a working group, or those of a stakeholder type, resolved when it is read (answering,
announcing, reminding, the start page), not frozen when the survey opens.

The rule is written once, as SQL over a survey and a member together (`asked_clause`); a given survey's
audience and a given member's surveys are both read through it.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..models import Member, Organisation, Survey, SurveyAudience, SurveyReach, member_working_group


def asked_clause(today: date) -> sa.ColumnElement[bool]:
    """The SQL condition on Survey and Member: the member is in the survey's audience today."""
    in_group = Member.id.in_(
        sa.select(member_working_group.c.member_id).where(
            member_working_group.c.working_group_id == Survey.audience_working_group_id
        )
    )
    of_type = Member.organisation_id.in_(
        sa.select(Organisation.id).where(Organisation.stakeholder_type == Survey.audience_stakeholder_type)
    )
    return sa.and_(
        Survey.reach != SurveyReach.PUBLIC,
        Member.current_clause(today),
        sa.or_(
            Survey.audience == SurveyAudience.ALL,
            sa.and_(Survey.audience == SurveyAudience.WORKING_GROUP, in_group),
            sa.and_(Survey.audience == SurveyAudience.STAKEHOLDER_TYPE, of_type),
        ),
    )


def audience_clause(survey: Survey, today: date | None = None) -> sa.ColumnElement[bool]:
    """The SQL condition on Member for the survey's audience today."""
    return sa.exists().where(Survey.id == survey.id, asked_clause(today or clock.today()))


def is_asked(survey: Survey, member: Member) -> bool:
    return (
        db.session.scalar(sa.select(Member.id).where(Member.id == member.id, audience_clause(survey)))
        is not None
    )
