"""The minutes' part of the meetings' own pages, which the meetings ask for by signal: the meeting's page
links its minutes for those who may read them, and the agenda offers the open actions of earlier meetings
of the type, to carry over as "Matters arising"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import current_user

from ..meetings.signals import agenda_page, meeting_page
from ..models import Meeting, MeetingStatus
from ..permissions import current_roles
from . import access, matters_arising, writing
from .action_forms import CarryOverForm


@meeting_page.connect
def minutes_of_the_meeting(meeting: Meeting, *, now: datetime, manages: bool) -> dict[str, Any]:
    minutes = writing.minutes_of(meeting.id)
    readable = (
        meeting.starts_at <= now
        and meeting.status is not MeetingStatus.CANCELLED
        and access.may_read(meeting, minutes, current_user.id, current_roles())
    )
    return {"minutes": minutes, "minutes_readable": readable}


@agenda_page.connect
def agenda_part(meeting: Meeting, *, editable: bool) -> dict[str, Any]:
    return {
        "matters_arising": matters_arising.matters_arising(meeting) if editable else [],
        "carry_form": CarryOverForm(formdata=None),
    }
