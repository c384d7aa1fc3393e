"""Pure functions from meetings to iCalendar bytes (RFC 5545), built with `icalendar`.

One meeting has one calendar identity: the same UID and SEQUENCE wherever it appears.
"""

from __future__ import annotations

from datetime import datetime

import icalendar
from flask import current_app

from .. import clock
from ..models import Meeting, MeetingStatus

PRODID = "-//NMG Ops//Meetings//EN"
_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_url(meeting: Meeting) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/meetings/{meeting.id}"


def _description(meeting: Meeting) -> str:
    lines = [meeting.description.strip()] if meeting.description.strip() else []
    for item in meeting.agenda_items:
        presenter = f" ({item.presenter})" if item.presenter else ""
        lines.append(f"{item.position}. {item.title}{presenter}")
    lines.append(meeting_url(meeting))
    return "\n".join(lines)


def event(meeting: Meeting, stamp: datetime | None = None) -> icalendar.Event:
    """The meeting as a VEVENT, times in the NMG's zone with TZID (the calendar adds the VTIMEZONE)."""
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
    vevent.add("status", _STATUS[meeting.status])
    return vevent


def meeting_calendar(meeting: Meeting) -> bytes:
    """A single meeting to download or attach: no METHOD and no attendees (RFC 5545 publishing)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
