"""Calendar invitations by mail (iTIP over iMIP): REQUEST when a meeting is confirmed or changes, CANCEL when
it is cancelled or someone is taken off the list. One message per invitee, through the outbox.

The dedupe key names the meeting, the person, the method and the SEQUENCE: every change is announced once,
and a retried job never announces it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..mail import ItipCalendar, send_mail
from ..models import Invitation, Meeting, MeetingStatus
from . import ical
from .rsvp_links import rsvp_links


def _send(
    meeting: Meeting, method: str, recipients: Iterable[Invitation], attendees: list[Invitation]
) -> int:
    calendar = ItipCalendar(method, ical.invite(meeting, method, attendees))
    default_language = current_app.config["DEFAULT_LANGUAGE"]
    sent = 0
    for invitation in recipients:
        member = invitation.member
        if member is not None and not member.is_current:
            continue
        language = str(member.language) if member else default_language
        zone = member.timezone if member else current_app.config["TIMEZONE"]
        local_start = meeting.starts_at.astimezone(ZoneInfo(zone))
        subject = (
            _l("Cancelled: %(title)s", title=meeting.title)
            if method == "CANCEL"
            else _l("Invitation: %(title)s", title=meeting.title)
            if meeting.sequence == 0
            else _l("Updated invitation: %(title)s", title=meeting.title)
        )
        queued = send_mail(
            to_email=invitation.email,
            to_name=invitation.name,
            language=language,
            subject=subject,
            template="meeting_cancelled" if method == "CANCEL" else "meeting_invitation",
            purpose=f"itip_{method.lower()}",
            dedupe_key=f"itip:{meeting.id}:{invitation.email}:{method}:{meeting.sequence}",
            calendar=calendar,
            now=False,
            meeting=meeting,
            when=format_datetime(local_start, "full", tzinfo=local_start.tzinfo, locale=language),
            zone_name=zone,
            link=ical.meeting_url(meeting),
            rsvp=rsvp_links(invitation) if method == "REQUEST" else {},
        )
        sent += queued is not None
    return sent


def announce(meeting: Meeting) -> int:
    """Send everyone on the list the meeting as it now is: a REQUEST, or a CANCEL once it is cancelled."""
    if meeting.status is MeetingStatus.CANCELLED:
        return _send(meeting, "CANCEL", meeting.invitations, meeting.invitations)
    if meeting.status is not MeetingStatus.CONFIRMED:
        return 0
    return _send(meeting, "REQUEST", meeting.invitations, meeting.invitations)


def invite_added(meeting: Meeting, added: Iterable[Invitation]) -> int:
    """A REQUEST to people added to a confirmed meeting; the others' calendars need no update."""
    if meeting.status is not MeetingStatus.CONFIRMED:
        return 0
    return _send(meeting, "REQUEST", list(added), meeting.invitations)


def uninvite(meeting: Meeting, removed: Invitation) -> int:
    """A CANCEL to one person taken off a confirmed meeting, naming only them."""
    if meeting.status is not MeetingStatus.CONFIRMED:
        return 0
    return _send(meeting, "CANCEL", [removed], [removed])
