"""Pure functions from meetings to iCalendar bytes (RFC 5545, iTIP RFC 5546), built with `icalendar`.

One meeting has one calendar identity: the same UID and SEQUENCE in invites, feeds and downloads.
Invites carry METHOD and attendees; feeds and downloads carry neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr

import icalendar
from flask import current_app

from .. import clock
from ..models import Invitation, Meeting, MeetingStatus, Rsvp

PRODID = "-//NMG Ops//Meetings//EN"
REFRESH = timedelta(hours=1)
_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}
_PARTSTAT = {None: "NEEDS-ACTION", Rsvp.YES: "ACCEPTED", Rsvp.NO: "DECLINED", Rsvp.MAYBE: "TENTATIVE"}


def meeting_url(meeting: Meeting) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/meetings/{meeting.id}"


def _description(meeting: Meeting) -> str:
    lines = [meeting.description.strip()] if meeting.description.strip() else []
    for item in meeting.agenda_items:
        presenter = f" ({item.presenter})" if item.presenter else ""
        lines.append(f"{item.position}. {item.title}{presenter}")
    lines.append(meeting_url(meeting))
    return "\n".join(lines)


def _calendar(method: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _finish(calendar: icalendar.Calendar) -> bytes:
    # One VTIMEZONE per zone the events use, so every client reads the local times the same way.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    value = icalendar.vCalAddress(f"mailto:{address}")
    value.params["CN"] = name or current_app.config["NMG_SHORT_NAME"]
    return value


def attendee(invitation: Invitation) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{invitation.email}")
    value.params["CN"] = invitation.name
    value.params["CUTYPE"] = "INDIVIDUAL"
    value.params["ROLE"] = "REQ-PARTICIPANT"
    value.params["PARTSTAT"] = _PARTSTAT[invitation.rsvp]
    value.params["RSVP"] = "TRUE"
    return value


def event(
    meeting: Meeting,
    *,
    stamp: datetime | None = None,
    attendees: Iterable[Invitation] = (),
    with_organizer: bool = False,
    alarm_minutes: int | None = None,
    cancelled: bool = False,
) -> icalendar.Event:
    """The meeting as a VEVENT, local times with TZID in the NMG's zone."""
    zone = clock.nmg_zone()
    vevent = icalendar.Event()
    vevent.add("uid", meeting.calendar_uid)
    vevent.add("dtstamp", stamp or clock.now())
    vevent.add("sequence", meeting.sequence)
    vevent.add("dtstart", meeting.starts_at.astimezone(zone))
    vevent.add("dtend", meeting.ends_at.astimezone(zone))
    vevent.add("summary", meeting.title)
    vevent.add("description", _description(meeting))
    location = meeting.venue if meeting.mode.needs_venue else meeting.video_url
    if location:
        vevent.add("location", location)
    vevent.add("url", meeting_url(meeting))
    vevent.add("status", "CANCELLED" if cancelled else _STATUS[meeting.status])
    if with_organizer:
        vevent.add("organizer", organizer())
    for invitation in attendees:
        vevent.add("attendee", attendee(invitation))
    if alarm_minutes and not cancelled and meeting.status is not MeetingStatus.CANCELLED:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.title)
        alarm.add("trigger", -timedelta(minutes=alarm_minutes))
        vevent.add_component(alarm)
    return vevent


def download(meeting: Meeting) -> bytes:
    """A single meeting to download or attach: no METHOD and no attendees."""
    calendar = _calendar()
    calendar.add_component(event(meeting))
    return _finish(calendar)


def invite(meeting: Meeting, method: str, attendees: Iterable[Invitation]) -> bytes:
    """An iTIP message: REQUEST (new or changed meeting) or CANCEL (meeting cancelled, or invitee removed).

    A REQUEST lists every invitee, as RFC 5546 expects; a CANCEL to one removed person lists only them.
    """
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"unsupported iTIP method {method}")
    calendar = _calendar(method)
    calendar.add_component(
        event(meeting, attendees=attendees, with_organizer=True, cancelled=method == "CANCEL")
    )
    return _finish(calendar)


def feed(meetings: Iterable[Meeting], name: str, alarm_minutes: int | None = None) -> bytes:
    """A subscribable calendar: no METHOD, no attendee lists, refreshed hourly by well-behaved clients."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    stamp = clock.now()
    for meeting in meetings:
        calendar.add_component(event(meeting, stamp=stamp, alarm_minutes=alarm_minutes))
    return _finish(calendar)
