"""Every calendar the application writes, read line by line against the value types of RFC 5545: feeds,
downloads, invitations and cancellations. Parsers are lenient (icalendar read `X-PUBLISHED-TTL:1:00:00`
without a word), calendar apps are not: a DURATION written as Python prints a timedelta is ignored, a
DTSTAMP in local time is an error to strict servers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nmg_ops.calendar import invites
from nmg_ops.calendar.feeds import new_feed_token
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import Invitation, MeetingStatus

ROME = ZoneInfo("Europe/Rome")

UTC_DATE_TIME = re.compile(r"\d{8}T\d{6}Z")
LOCAL_DATE_TIME = re.compile(r"\d{8}T\d{6}")
DATE = re.compile(r"\d{8}")
DURATION = re.compile(r"[+-]?P(?:\d+W|(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)")
UTC_OFFSET = re.compile(r"[+-]\d{4}(?:\d{2})?")
INTEGER = re.compile(r"[+-]?\d+")
#: the properties whose value is TEXT, in which `;` and `,` must be escaped (RFC 5545 3.3.11)
TEXT = {"SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME", "TZNAME", "COMMENT"}
#: the properties whose value is a DURATION by default
DURATIONS = {"DURATION", "X-PUBLISHED-TTL", "REFRESH-INTERVAL"}
EVENT_STATUS = {"TENTATIVE", "CONFIRMED", "CANCELLED"}


@dataclass
class Line:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Component:
    name: str
    lines: list[Line] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Line]:
        return [line for line in self.lines if line.name == name]

    def walk(self, name: str) -> list[Component]:
        found = [self] if self.name == name else []
        for child in self.children:
            found.extend(child.walk(name))
        return found


def _content_line(raw: str) -> Line:
    """NAME *(;PARAM=VALUE) : VALUE, with quoted parameter values that may hold `:` and `;`."""
    name = re.match(r"[A-Za-z0-9-]+", raw)
    assert name, f"no property name: {raw!r}"
    at, params = name.end(), {}
    while raw[at] == ";":
        param = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*(?:,(?:"[^"]*"|[^";:,]*))*)').match(raw, at)
        assert param, f"a malformed parameter: {raw!r}"
        params[param[1].upper()] = param[2].strip('"')
        at = param.end()
    assert raw[at] == ":", f"no value: {raw!r}"
    return Line(name[0].upper(), params, raw[at + 1 :])


def parse(data: bytes) -> Component:
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "CRLF line ends only"
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    stack: list[Component] = []
    root = None
    for raw in unfolded.split("\r\n")[:-1]:
        line = _content_line(raw)
        if line.name == "BEGIN":
            component = Component(line.value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                root = component
            stack.append(component)
        elif line.name == "END":
            assert stack and stack.pop().name == line.value.upper(), f"END:{line.value} out of place"
        else:
            assert stack, f"a property outside any component: {raw!r}"
            stack[-1].lines.append(line)
    assert root is not None and not stack, "BEGIN and END pair up"
    return root


def _text_is_escaped(value: str) -> bool:
    at = 0
    while at < len(value):
        if value[at] == "\\":
            if value[at + 1 : at + 2] not in {"\\", ";", ",", "n", "N"}:
                return False
            at += 2
            continue
        if value[at] in ";,":
            return False
        at += 1
    return True


def problems(data: bytes) -> list[str]:
    """What in `data` breaks a value type of RFC 5545; empty for a conforming calendar."""
    calendar = parse(data)
    found: list[str] = []

    def check(ok: bool, where: str, line: Line) -> None:
        if not ok:
            found.append(f"{where}: {line.name};{line.params}:{line.value}")

    if calendar.name != "VCALENDAR":
        return ["not a VCALENDAR"]
    if [line.value for line in calendar.all("VERSION")] != ["2.0"] or len(calendar.all("PRODID")) != 1:
        found.append("VERSION:2.0 and one PRODID")
    zones = {line.value for tz in calendar.walk("VTIMEZONE") for line in tz.all("TZID")}
    for tz in calendar.walk("VTIMEZONE"):
        for part in tz.children:
            for line in part.all("DTSTART"):
                check(LOCAL_DATE_TIME.fullmatch(line.value) is not None, "a zone's DTSTART is local", line)
            for line in part.all("TZOFFSETFROM") + part.all("TZOFFSETTO"):
                check(UTC_OFFSET.fullmatch(line.value) is not None, "UTC-OFFSET", line)
    uids = []
    for component in calendar.walk("VEVENT"):
        if len(component.all("UID")) != 1 or not component.all("UID")[0].value.strip():
            found.append("a VEVENT without exactly one UID")
        uids.extend(line.value for line in component.all("UID"))
        if len(component.all("DTSTAMP")) != 1:
            found.append("a VEVENT without exactly one DTSTAMP")
        for name in ("DTSTART", "DTEND"):
            for line in component.all(name):
                if line.params.get("VALUE") == "DATE":
                    check(DATE.fullmatch(line.value) is not None, f"{name} DATE", line)
                elif "TZID" in line.params:
                    check(line.params["TZID"] in zones, f"{name} TZID has its VTIMEZONE", line)
                    check(LOCAL_DATE_TIME.fullmatch(line.value) is not None, f"{name} local with TZID", line)
                else:
                    check(
                        UTC_DATE_TIME.fullmatch(line.value) is not None, f"{name} in UTC without TZID", line
                    )
        for line in component.all("SEQUENCE"):
            check(INTEGER.fullmatch(line.value) is not None, "SEQUENCE is an INTEGER", line)
        for line in component.all("STATUS"):
            check(line.value in EVENT_STATUS, "a VEVENT's STATUS", line)
        for line in component.all("URL"):
            check(re.fullmatch(r"https?://[^\s/]+/\S*", line.value) is not None, "URL is absolute", line)
        for line in component.all("ORGANIZER") + component.all("ATTENDEE"):
            check(line.value.lower().startswith("mailto:"), "CAL-ADDRESS", line)
        for alarm in component.walk("VALARM"):
            if not alarm.all("ACTION") or len(alarm.all("TRIGGER")) != 1:
                found.append("a VALARM needs ACTION and one TRIGGER")
            for line in alarm.all("TRIGGER"):
                if line.params.get("VALUE") == "DATE-TIME":
                    check(UTC_DATE_TIME.fullmatch(line.value) is not None, "TRIGGER DATE-TIME in UTC", line)
                else:
                    check(DURATION.fullmatch(line.value) is not None, "TRIGGER DURATION", line)
    if len(uids) != len(set(uids)):
        found.append(f"one UID for two events: {uids}")

    def every(component: Component) -> None:
        for line in component.lines:
            if line.name in {"DTSTAMP", "CREATED", "LAST-MODIFIED"}:
                check(
                    UTC_DATE_TIME.fullmatch(line.value) is not None and "TZID" not in line.params, "UTC", line
                )
            if line.name in DURATIONS:
                check(DURATION.fullmatch(line.value) is not None, "DURATION", line)
            if line.name == "REFRESH-INTERVAL":
                check(line.params.get("VALUE") == "DURATION", "REFRESH-INTERVAL says VALUE=DURATION", line)
            if line.name in TEXT:
                check(_text_is_escaped(line.value), "TEXT escapes ; and ,", line)
        for child in component.children:
            every(child)

    every(calendar)
    return found


def test_the_validator_finds_what_calendar_apps_refuse():
    good = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nX-PUBLISHED-TTL:PT1H\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\n"
        b"SUMMARY:a\\, b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert problems(good) == []
    for wrong, right in (
        (b"X-PUBLISHED-TTL:1:00:00", b"X-PUBLISHED-TTL:PT1H"),
        (b"DTSTAMP:20260101T010000", b"DTSTAMP:20260101T000000Z"),
        (b"DTSTART;TZID=Europe/Rome:20260101T100000", b"DTSTART:20260101T100000Z"),
        (b"SUMMARY:a, b", b"SUMMARY:a\\, b"),
        (b"UID:", b"UID:a@x"),
    ):
        assert problems(good.replace(right, wrong)), wrong


@pytest.fixture
def meeting(make_meeting, people, make_member):
    """An evening meeting on the day the clocks go forward, with a name and a title that need escaping."""
    tricky = make_member(email="tricky@example.org", full_name="Rossi, Anna; Dr.: PhD")
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2027, 3, 28, 19, 0, tzinfo=ROME),
        invitees=[people["member"], tricky],
        status=MeetingStatus.CONFIRMED,
        title="Plenary: THCS, calls; results",
        is_public=True,
        mode="online",
        video_url="https://meet.example.org/plenary",
    )
    meeting.invitations.append(Invitation(guest_name="Greta Guest", guest_email="greta@guest.example"))
    db.session.commit()
    return meeting


def _calendars_in(mails) -> list[bytes]:
    return [
        part.get_payload(decode=True)
        for mail in mails
        for part in mail.walk()
        if part.get_content_type() in {"text/calendar", "application/ics"}
    ]


def test_every_calendar_the_application_writes_keeps_to_the_value_types(
    app, client, outbox, people, meeting, sign_in
):
    written: dict[str, bytes] = {}
    member = people["member"]
    member.feed_alarm_minutes = 30
    db.session.commit()
    written["personal feed"] = client.get(f"/calendar/{new_feed_token(member)}.ics").data
    written["public feed"] = client.get("/calendar/public.ics").data
    written["public download"] = client.get(f"/meetings/{meeting.id}.ics").data
    sign_in(member)
    written["member's download"] = client.get(f"/meetings/{meeting.id}.ics").data

    invites.announce(meeting)
    dispatch()
    requests = _calendars_in(outbox())
    invites.uninvite(meeting, meeting.invitations[1])
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    db.session.commit()
    invites.announce(meeting)
    dispatch()
    everything = _calendars_in(outbox())
    cancellations = everything[len(requests) :]
    assert requests and cancellations
    assert all(b"METHOD:REQUEST" in c for c in requests) and all(b"METHOD:CANCEL" in c for c in cancellations)
    written.update({f"invitation {n}": c for n, c in enumerate(requests)})
    written.update({f"cancellation {n}": c for n, c in enumerate(cancellations)})

    assert b"X-PUBLISHED-TTL:PT1H" in written["public feed"]
    assert b"BEGIN:VALARM" in written["personal feed"]
    for what, data in written.items():
        assert data.startswith(b"BEGIN:VCALENDAR"), what
        assert problems(data) == [], what
