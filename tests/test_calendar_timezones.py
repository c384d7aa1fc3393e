"""Every calendar the app makes resolves to the meetings' real instants in `icalendar` and in ical.js, the
parser of Thunderbird, reading only the file's own VTIMEZONE; and that block is small and in rule form.

ical.js runs under Node.js (tests/calendar_reader); without Node.js and npm these tests skip, and under
CI=true they fail (`.ci/system-packages` installs both).
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from nmg_ops.calendar import ical, invites
from nmg_ops.calendar.feeds import new_feed_token
from nmg_ops.calendar.timezones import transitions, vtimezone
from nmg_ops.extensions import db
from nmg_ops.models import MeetingStatus, OutboundMessage
from tests.fixtures.node import installed_package

READER = Path(__file__).parent / "calendar_reader"
ROME = ZoneInfo("Europe/Rome")
HOUR = timedelta(hours=1)

#: (UID, start, end) in UTC, as one reader resolves the events of one calendar
Resolved = set[tuple[str, datetime, datetime]]


@pytest.fixture(scope="session")
def read_as_thunderbird() -> Callable[[list[bytes]], list[Resolved]]:
    """Resolve calendars with ical.js, installed once from the pinned package-lock.json."""
    installed_package(READER, "ical.js")
    node = shutil.which("node")

    def read(calendars: list[bytes]) -> list[Resolved]:
        # One Node.js process for many calendars; each is read with its own time zones only.
        done = subprocess.run(
            [node, str(READER / "read.mjs")],
            input=b"".join(calendars),
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()
        resolved: list[Resolved] = [set() for _calendar in calendars]
        for line in done.stdout.decode().splitlines():
            event = json.loads(line)
            start, end = (datetime.fromtimestamp(event[name], UTC) for name in ("start", "end"))
            resolved[event["calendar"]].add((event["uid"], start, end))
        return resolved

    return read


def read_with_icalendar(data: bytes) -> Resolved:
    calendar = icalendar.Calendar.from_ical(data)
    return {
        (str(event["UID"]), event.decoded("DTSTART").astimezone(UTC), event.decoded("DTEND").astimezone(UTC))
        for event in calendar.walk("VEVENT")
    }


def time_zone_block(data: bytes) -> bytes:
    [block] = re.findall(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", data, re.DOTALL)
    return block


def calendar_with(zone: ZoneInfo, instants: Iterable[datetime]) -> bytes:
    """A calendar of one-hour events at these instants, written as local times with the VTIMEZONE the app
    would write."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//NMG Ops tests//EN")
    calendar.add("version", "2.0")
    times = [(instant.astimezone(zone), (instant + HOUR).astimezone(zone)) for instant in instants]
    calendar.add_component(vtimezone(zone, [local for pair in times for local in pair]))
    for number, (start, end) in enumerate(times):
        event = icalendar.Event()
        event.add("uid", f"event-{number}")
        event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
        event.add("dtstart", start)
        event.add("dtend", end)
        calendar.add_component(event)
    return calendar.to_ical()


def expected_events(instants: Iterable[datetime]) -> Resolved:
    return {(f"event-{number}", instant, instant + HOUR) for number, instant in enumerate(instants)}


def in_zone(zone: ZoneInfo, *walls: datetime) -> list[datetime]:
    return [wall.replace(tzinfo=zone).astimezone(UTC) for wall in walls]


def _on(day: str, at: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time.fromisoformat(at))


# Local time in Rome -> the UTC instant, worked out by hand: the clocks go forward on the last Sunday of
# March at 02:00 (01:00 UTC) and back on the last Sunday of October at 03:00 (01:00 UTC).
ROME_MEETINGS = {
    # winter days, +01:00
    ("2025-01-15", "10:00"): "2025-01-15 09:00",
    ("2026-12-09", "10:00"): "2026-12-09 09:00",
    ("2028-02-29", "10:00"): "2028-02-29 09:00",
    # summer days, +02:00
    ("2025-07-10", "10:00"): "2025-07-10 08:00",
    ("2026-06-18", "10:00"): "2026-06-18 08:00",
    ("2027-08-26", "10:00"): "2027-08-26 08:00",
    ("2028-06-21", "10:00"): "2028-06-21 08:00",
    # the days the clocks go forward: before the change, just after it, later in the day
    ("2025-03-30", "01:30"): "2025-03-30 00:30",
    ("2025-03-30", "03:30"): "2025-03-30 01:30",
    ("2025-03-30", "10:00"): "2025-03-30 08:00",
    ("2026-03-29", "01:30"): "2026-03-29 00:30",
    ("2026-03-29", "03:30"): "2026-03-29 01:30",
    ("2026-03-29", "10:00"): "2026-03-29 08:00",
    ("2027-03-28", "01:30"): "2027-03-28 00:30",
    ("2027-03-28", "03:30"): "2027-03-28 01:30",
    ("2027-03-28", "10:00"): "2027-03-28 08:00",
    ("2028-03-26", "01:30"): "2028-03-26 00:30",
    ("2028-03-26", "03:30"): "2028-03-26 01:30",
    ("2028-03-26", "10:00"): "2028-03-26 08:00",
    # the days the clocks go back: before the change (a two-hour meeting that ends in the repeated hour's
    # second pass), in the repeated hour's first pass (as stored before such times were refused), after it
    ("2025-10-26", "01:30"): "2025-10-25 23:30",
    ("2025-10-26", "02:30"): "2025-10-26 00:30",
    ("2025-10-26", "10:00"): "2025-10-26 09:00",
    ("2026-10-25", "01:30"): "2026-10-24 23:30",
    ("2026-10-25", "10:00"): "2026-10-25 09:00",
    ("2027-10-31", "01:30"): "2027-10-30 23:30",
    ("2027-10-31", "02:30"): "2027-10-31 00:30",
    ("2027-10-31", "10:00"): "2027-10-31 09:00",
    ("2028-10-29", "01:30"): "2028-10-28 23:30",
    ("2028-10-29", "10:00"): "2028-10-29 09:00",
}


@pytest.fixture
def rome_meetings(make_meeting, people):
    """Confirmed public two-hour meetings at the local times above, each with the plain member invited."""
    meetings = {}
    for (day, at), utc in ROME_MEETINGS.items():
        meeting = make_meeting(
            "thematic",
            starts_at=_on(day, at).replace(tzinfo=ROME),
            invitees=[people["member"]],
            status=MeetingStatus.CONFIRMED,
            is_public=True,
            title=f"Thematic meeting {day} {at}",
            mode="online",
        )
        # Two hours of real time: the one at 01:30 on the day the clocks go back ends at 02:30 of the
        # repeated hour's second pass.
        meeting.ends_at = meeting.starts_at.astimezone(UTC) + 2 * HOUR
        meetings[meeting.calendar_uid] = (meeting, datetime.fromisoformat(utc).replace(tzinfo=UTC))
    db.session.commit()
    return meetings


def _itip_calendars(purpose: str) -> list[bytes]:
    rows = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.purpose == purpose))
    found = []
    for row in rows:
        message = email.message_from_bytes(row.content, policy=email.policy.default)
        found.append(
            next(p for p in message.walk() if p.get_content_type() == "application/ics").get_content()
        )
    return found


def test_every_calendar_gives_the_stored_instants_to_icalendar_and_to_thunderbird(
    app, client, people, sign_in, rome_meetings, read_as_thunderbird
):
    stored = {
        (uid, meeting.starts_at.astimezone(UTC), meeting.ends_at.astimezone(UTC))
        for uid, (meeting, _utc) in rome_meetings.items()
    }
    assert {(uid, start) for uid, start, _end in stored} == {
        (uid, utc) for uid, (_meeting, utc) in rome_meetings.items()
    }, "stored as the local times the coordinator chose"
    member = people["member"]
    token = new_feed_token(member)
    sign_in(member)
    calendars: dict[str, bytes] = {
        "personal feed": client.get(f"/calendar/{token}.ics").data,
        "public feed": client.get("/calendar/public.ics").data,
    }
    for meeting, _utc in rome_meetings.values():
        calendars[f"download {meeting.title}"] = client.get(f"/meetings/{meeting.id}.ics").data
        assert invites.announce(meeting) == 1
    for meeting, _utc in rome_meetings.values():
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        db.session.commit()
        assert invites.announce(meeting) == 1
    for method in ("request", "cancel"):
        for number, data in enumerate(_itip_calendars(f"itip_{method}")):
            calendars[f"{method.upper()} {number}"] = data
    assert len(calendars) == 2 + 3 * len(ROME_MEETINGS)

    names = list(calendars)
    by_thunderbird = dict(zip(names, read_as_thunderbird([calendars[name] for name in names]), strict=True))
    for name, data in calendars.items():
        by_icalendar = read_with_icalendar(data)
        assert by_icalendar, name
        assert by_icalendar <= stored, name
        assert by_thunderbird[name] == by_icalendar, name
        block = time_zone_block(data)
        assert len(block) < 1024, (name, len(block))
        assert b"RRULE:" in block and b"RDATE" not in block, name
    for feed in ("personal feed", "public feed"):
        assert by_thunderbird[feed] == stored, feed


@pytest.mark.parametrize("day", ["2025-10-26", "2026-10-25", "2027-10-31"])
def test_either_pass_of_the_repeated_hour_is_written_in_utc_and_read_alike(
    app, make_meeting, read_as_thunderbird, day
):
    """02:30 with TZID means the first pass to `icalendar` (RFC 5545) and the second to ical.js; a meeting
    stored in either pass (by a duration, or by an earlier version) is written in UTC, read alike by all."""
    first = datetime.combine(datetime.fromisoformat(day).date(), time(2, 30), ROME).astimezone(UTC)
    second = first + HOUR
    cases = [(first, first + 2 * HOUR), (second, second + 2 * HOUR), (first - 2 * HOUR, second)]
    calendars, expected = [], []
    for start, end in cases:
        meeting = make_meeting(starts_at=start)
        meeting.ends_at = end
        calendars.append(ical.download(meeting))
        expected.append({(meeting.calendar_uid, start, end)})
    assert [read_with_icalendar(data) for data in calendars] == expected
    assert read_as_thunderbird(calendars) == expected
    compact = day.replace("-", "")
    assert f"DTSTART:{compact}T003000Z\r\n".encode() in calendars[0]
    assert f"DTSTART:{compact}T013000Z\r\n".encode() in calendars[1]
    assert f"DTEND:{compact}T013000Z\r\n".encode() in calendars[2]
    # Outside the repeated hour the local time and its zone are written, as everywhere else.
    assert f"DTEND;TZID=Europe/Rome:{compact}T043000\r\n".encode() in calendars[1]


def test_the_time_zone_block_is_the_current_rule_set_of_rome(app, make_meeting):
    summer = make_meeting(starts_at=datetime(2027, 7, 8, 10, 0, tzinfo=ROME))
    data = ical.download(summer)
    block = time_zone_block(data).decode()
    assert "TZID:Europe/Rome\r\n" in block
    assert block.count("BEGIN:DAYLIGHT") == 1 and block.count("BEGIN:STANDARD") == 1
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in block
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in block
    assert "UNTIL" not in block
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")
    assert b"DTSTART;TZID=Europe/Rome:20270708T100000\r\n" in data


def test_a_zone_without_daylight_saving_time_gets_a_single_standard(
    app, make_meeting, monkeypatch, read_as_thunderbird
):
    monkeypatch.setitem(app.config, "TIMEZONE", "Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    winter = make_meeting(starts_at=datetime(2027, 1, 14, 10, 0, tzinfo=tokyo))
    summer = make_meeting(starts_at=datetime(2027, 7, 14, 10, 0, tzinfo=tokyo))
    for meeting, utc in ((winter, datetime(2027, 1, 14, 1, 0)), (summer, datetime(2027, 7, 14, 1, 0))):
        data = ical.download(meeting)
        block = time_zone_block(data).decode()
        assert "TZID:Asia/Tokyo\r\n" in block
        assert block.count("BEGIN:STANDARD") == 1
        assert "DAYLIGHT" not in block and "RRULE" not in block and "RDATE" not in block
        assert "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n" in block
        expected = {
            (meeting.calendar_uid, utc.replace(tzinfo=UTC), utc.replace(tzinfo=UTC) + timedelta(hours=2))
        }
        assert read_with_icalendar(data) == expected
        assert read_as_thunderbird([data]) == [expected]


def test_in_sydney_summer_is_in_january(app, make_meeting, monkeypatch, read_as_thunderbird):
    monkeypatch.setitem(app.config, "TIMEZONE", "Australia/Sydney")
    sydney = ZoneInfo("Australia/Sydney")
    # +11:00 from the first Sunday of October to the first Sunday of April, +10:00 the rest of the year
    cases = {
        datetime(2027, 1, 14, 10, 0): datetime(2027, 1, 13, 23, 0),
        datetime(2027, 4, 4, 10, 0): datetime(2027, 4, 4, 0, 0),
        datetime(2027, 7, 14, 10, 0): datetime(2027, 7, 14, 0, 0),
        datetime(2027, 10, 3, 10, 0): datetime(2027, 10, 2, 23, 0),
    }
    calendars, expected = [], []
    for wall, utc in cases.items():
        meeting = make_meeting(starts_at=wall.replace(tzinfo=sydney))
        assert meeting.starts_at.astimezone(UTC) == utc.replace(tzinfo=UTC)
        calendars.append(ical.download(meeting))
        start = utc.replace(tzinfo=UTC)
        expected.append({(meeting.calendar_uid, start, start + timedelta(hours=2))})
    assert [read_with_icalendar(data) for data in calendars] == expected
    assert read_as_thunderbird(calendars) == expected
    block = time_zone_block(calendars[0]).decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10\r\n" in block
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\n" in block


def _occurs_once(local: datetime) -> bool:
    return local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset()


def _around_changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[datetime]:
    """Instants an hour and three hours either side of each change, and ten days off, whose one-hour
    events start and end at local times that occur once (a repeated one is read as its first pass)."""
    instants = []
    for change in transitions(zone.key, first_year, last_year):
        for hours in (-240, -3, -1, 1, 3, 240):
            instant = change.at + timedelta(hours=hours)
            if _occurs_once(instant.astimezone(zone)) and _occurs_once((instant + HOUR).astimezone(zone)):
                instants.append(instant)
    return instants


@pytest.mark.parametrize(
    "key",
    [
        "Europe/Rome",
        "Europe/London",
        "America/New_York",
        "America/Santiago",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Pacific/Auckland",
        "Asia/Jerusalem",
        "Africa/Cairo",
        "Asia/Tokyo",
        "America/Sao_Paulo",
        "Europe/Istanbul",
    ],
)
def test_any_zone_reads_in_thunderbird_as_in_zoneinfo(key, read_as_thunderbird):
    zone = ZoneInfo(key)
    instants = _around_changes(zone, 2025, 2028) or in_zone(
        zone, datetime(2026, 1, 15, 10, 0), datetime(2026, 7, 15, 10, 0)
    )
    data = calendar_with(zone, instants)
    assert read_as_thunderbird([data]) == [expected_events(instants)]


@pytest.mark.parametrize("key", ["Asia/Tokyo", "America/Sao_Paulo", "Europe/Istanbul", "Asia/Tehran"])
def test_zones_that_no_longer_change_their_clocks_get_a_single_standard(key, read_as_thunderbird):
    zone = ZoneInfo(key)
    instants = in_zone(zone, datetime(2026, 1, 15, 10, 0), datetime(2027, 7, 15, 10, 0))
    data = calendar_with(zone, instants)
    block = time_zone_block(data).decode()
    assert block.count("BEGIN:") == 2 and "BEGIN:STANDARD" in block, block
    assert "RRULE" not in block
    assert read_as_thunderbird([data]) == [expected_events(instants)]


def test_an_earlier_rule_set_is_added_only_for_the_times_that_need_it(read_as_thunderbird):
    # Until 1995 Italy went back to standard time on the last Sunday of September: 2 October 1994 was winter.
    instants = in_zone(ROME, datetime(1994, 10, 2, 10, 0), datetime(2027, 7, 8, 10, 0))
    data = calendar_with(ROME, instants)
    block = time_zone_block(data).decode()
    assert "RRULE:FREQ=YEARLY;UNTIL=19950924T010000Z;BYDAY=-1SU;BYMONTH=9\r\n" in block
    assert block.count("BEGIN:STANDARD") == 2 and block.count("BEGIN:DAYLIGHT") == 1
    [resolved] = read_as_thunderbird([data])
    assert (
        "event-0",
        datetime(1994, 10, 2, 9, 0, tzinfo=UTC),
        datetime(1994, 10, 2, 10, 0, tzinfo=UTC),
    ) in resolved
    assert resolved == expected_events(instants)
    assert "UNTIL" not in time_zone_block(calendar_with(ROME, instants[1:])).decode()
