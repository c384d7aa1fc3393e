"""The mails of a consultation: its announcement when it opens, and the reminders before its deadline.

Opening a survey announces it at once to every member of its audience, in their language; the
scheduler's run then announces it to anyone who joined the audience since (a new member of the working
group), and the key (survey, member) lets each announcement go once whoever queues it. Reminders go
`REMINDER_DAYS` before the deadline to the audience members who have not answered; the key names the
survey, the member and the offset, so each reminder goes once. An offset reached before the survey opened
sends nothing: the announcement just told them, and a survey opened late does not send the earlier
reminders it missed; only the nearest offset reached since it opened is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..mail import queue_mails
from ..models import Member, Survey, SurveyParticipation
from .consultation_audience import audience_clause

#: days before the deadline on which members who have not answered are reminded
REMINDER_DAYS = (7, 2)
REMINDER_PURPOSE = "survey_reminder"
OPENED_PURPOSE = "survey_opened"


def _not_answered(survey: Survey, now: datetime) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).where(
                audience_clause(survey, clock.local(now).date()),
                Member.id.not_in(
                    sa.select(SurveyParticipation.member_id).where(SurveyParticipation.survey_id == survey.id)
                ),
            )
        )
    )


def _mail(survey: Survey, member: Member, subject: Any, template: str) -> dict[str, Any]:
    return {
        "to_name": member.full_name,
        "language": member.language.value,
        "subject": subject,
        "template": template,
        "member": member,
        "survey": survey,
        "deadline": clock.local(survey.deadline_at, member.timezone),
        "link": f"{current_app.config['PUBLIC_URL'].rstrip('/')}/consultations/{survey.id}",
    }


def announce(survey: Survey, now: datetime) -> int:
    """Tell the audience members not yet told (nor answered) that the survey is open; how many were queued."""
    mails = [
        (
            f"{OPENED_PURPOSE}:{survey.id}:{member.id}",
            member.email,
            _mail(survey, member, _l("New survey: %(title)s", title=survey.title), "survey_opened"),
        )
        for member in _not_answered(survey, now)
    ]
    return len(queue_mails(OPENED_PURPOSE, mails))


def _reminder_offset(survey: Survey, now: datetime) -> int | None:
    """The nearest offset (in days before the deadline) reached since the survey opened, or None."""
    reached = [
        days for days in REMINDER_DAYS if survey.opened_at < survey.deadline_at - timedelta(days=days) <= now
    ]
    return min(reached) if reached else None


def send_reminders(now: datetime) -> str:
    """Announce every open survey to whoever has not been told, and queue the reminders due."""
    announced = reminded = 0
    open_surveys = db.session.scalars(
        sa.select(Survey).where(Survey.opened_at.is_not(None), Survey.deadline_at > now)
    ).all()
    for survey in open_surveys:
        announced += announce(survey, now)
        offset = _reminder_offset(survey, now)
        if offset is None:
            continue
        subject = _l("Reminder: %(title)s", title=survey.title)
        mails = [
            (
                f"{REMINDER_PURPOSE}:{survey.id}:{member.id}:{offset}",
                member.email,
                _mail(survey, member, subject, "survey_reminder"),
            )
            for member in _not_answered(survey, now)
        ]
        reminded += len(queue_mails(REMINDER_PURPOSE, mails))
    return f"{announced} survey announcements and {reminded} survey reminders queued"
