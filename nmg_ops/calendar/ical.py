"""Pure functions from meetings to iCalendar bytes (RFC 5545, iTIP RFC 5546), built with `icalendar`.

One meeting has one calendar identity: the same UID and SEQUENCE in invites, feeds and downloads.
Invites carry METHOD and attendees; feeds and downloads carry neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app

from .. import clock
from ..models import Invitation, Meeting, MeetingStatus, Rsvp
from .timezones import vtimezone

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
    """One VTIMEZONE per zone the events use, in rule form (see `timezones`), so that every client reads the
    local times the same way; `add_missing_timezones()` would write a 3 KB RDATE list that Thunderbird
    misreads."""
    times: dict[str, list[datetime]] = {}
    for vevent in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            if name in vevent and "TZID" in vevent[name].params:
                times.setdefault(vevent[name].params["TZID"], []).append(vevent[name].dt)
    for position, (key, zone_times) in enumerate(sorted(times.items())):
        # Before the events, as every calendar app writes it (RFC 5545 asks only that it be present).
        calendar.subcomponents.insert(position, vtimezone(ZoneInfo(key), zone_times))
    return calendar.to_ical()


def _local(instant: datetime) -> datetime:
    """The instant as a local time in the NMG's zone, written with TZID.

    A local time that occurs twice, in the hour the clocks go back, is written in UTC, whichever of the two
    it is: RFC 5545 3.3.5 reads such a TZID time as its first occurrence, `icalendar` does, but Thunderbird's
    ical.js takes the second, an hour later. Only UTC means the same instant to every reader.
    """
    if clock.is_repeated(instant):
        return instant.astimezone(UTC)
    return instant.astimezone(clock.nmg_zone())


def organizer() -> icalendar.vCalAddress:
    """The calendar mailbox when one is configured, since calendar apps send their answers (iTIP REPLY)
    to the ORGANIZER; else the sender, whose answers nobody reads."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    address = current_app.config.get("CALENDAR_MAILBOX_ADDRESS") or address
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
    with_video_link: bool = True,
) -> icalendar.Event:
    """The meeting as a VEVENT, local times with TZID in the NMG's zone (see `_local`); the video link only
    if the reader may have it (see meetings.visibility)."""
    vevent = icalendar.Event()
    vevent.add("uid", meeting.calendar_uid)
    vevent.add("dtstamp", stamp or clock.now())
    vevent.add("sequence", meeting.sequence)
    vevent.add("dtstart", _local(meeting.starts_at))
    vevent.add("dtend", _local(meeting.ends_at))
    vevent.add("summary", meeting.title)
    vevent.add("description", _description(meeting))
    location = meeting.venue if meeting.mode.needs_venue else meeting.video_url if with_video_link else ""
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


def download(meeting: Meeting, *, with_video_link: bool = True) -> bytes:
    """A single meeting to download or attach: no METHOD and no attendees."""
    calendar = _calendar()
    calendar.add_component(event(meeting, with_video_link=with_video_link))
    return _finish(calendar)


#: up to this many invitees, each invitation lists them all; above, only its own recipient (RFC 5546
#: allows it), so that an invitation to the whole group stays small and shows nobody's address to others
FULL_ATTENDEE_LIST_UP_TO = 20


def invite(meeting: Meeting, method: str, attendees: Iterable[Invitation]) -> bytes:
    """An iTIP message: REQUEST (new or changed meeting) or CANCEL (meeting cancelled, or invitee removed).

    A REQUEST lists the invitees given; a CANCEL to one removed person lists only them.
    """
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"unsupported iTIP method {method}")
    calendar = _calendar(method)
    calendar.add_component(
        event(meeting, attendees=attendees, with_organizer=True, cancelled=method == "CANCEL")
    )
    return _finish(calendar)


def invites_for(
    meeting: Meeting, method: str, everyone: list[Invitation], *, list_everyone: bool = True
) -> Callable[[Invitation], bytes]:
    """Each recipient's iTIP message for one change, with the calendar built once.

    A small meeting's invitation lists every invitee, the same bytes for all, if `list_everyone` allows
    (see `invites.lists_attendees`). Otherwise, and for a large meeting, each lists only its recipient
    and the organiser: the event is built once without attendees and each recipient's ATTENDEE line put in.
    """
    if list_everyone and len(everyone) <= FULL_ATTENDEE_LIST_UP_TO:
        shared = invite(meeting, method, everyone)
        return lambda _recipient: shared
    head, end, tail = invite(meeting, method, []).rpartition(b"END:VEVENT\r\n")

    def for_one(recipient: Invitation) -> bytes:
        lines = icalendar.Event()
        lines.add("attendee", attendee(recipient))
        # The component's own serialisation folds and escapes the line; only its BEGIN/END are dropped.
        attendee_line = lines.to_ical().split(b"\r\n", 1)[1].rsplit(b"END:VEVENT", 1)[0]
        return head + attendee_line + end + tail

    return for_one


def feed(
    meetings: Iterable[Meeting], name: str, alarm_minutes: int | None = None, *, with_video_link: bool = True
) -> bytes:
    """A subscribable calendar: no METHOD, no attendee lists, refreshed hourly by well-behaved clients."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    stamp = clock.now()
    for meeting in meetings:
        calendar.add_component(
            event(meeting, stamp=stamp, alarm_minutes=alarm_minutes, with_video_link=with_video_link)
        )
    return _finish(calendar)
