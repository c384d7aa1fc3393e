"""The demo NMG's meetings: the kick-off, the yearly plans since, and two meetings ahead.

The yearly plans go through the same planner as the coordinator's, as if each had been committed on
1 December of the year before. What lies before the day the demo is loaded is held, with attendance; what
lies after is confirmed. Nothing is sent: the demo writes history, it does not invite anyone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..meetings import planning
from ..meetings.types import meeting_type
from ..models import (
    AgendaItem,
    Attendance,
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Member,
    Rsvp,
    WorkingGroup,
)

KICK_OFF_VENUE = "Regione del Veneto, sede di Roma, Via Nazionale 12, Roma"
ONSITE_VENUE = "Ministero della Salute, Lungotevere Ripa 1, Roma"
VIDEO_URL = "https://meet.example.org/it-nmg"

KICK_OFF_AGENDA = [
    ("Welcome and opening", "Ministry of Health", 15),
    ("The THCS partnership and the role of national mirror groups", "ProMIS", 30),
    ("Structure and composition of the IT NMG", "ProMIS", 20),
    ("Interactive session: THCS priorities for Italy", "All experts", 60),
    ("Methodologies, tools and strategic directions", "Coordination team", 30),
    ("Next steps and closing", "ProMIS", 15),
]
PLENARY_AGENDA = [
    ("Welcome and approval of the minutes", "Coordinator", 10),
    ("News from the THCS partnership", "ProMIS", 30),
    ("Reports from the work packages followed (WP4, WP5, WP8, WP9)", "Working group leads", 45),
    ("National consultation: feedback to the partnership", "Coordination team", 25),
    ("Any other business", "", 10),
]


def _attendance(rng: random.Random) -> Attendance:
    draw = rng.random()
    return Attendance.PRESENT if draw < 0.78 else Attendance.EXCUSED if draw < 0.92 else Attendance.ABSENT


def _agenda(meeting: Meeting, items: list[tuple[str, str, int]]) -> None:
    meeting.agenda_items = [
        AgendaItem(position=n, title=title, presenter=presenter, duration_minutes=minutes)
        for n, (title, presenter, minutes) in enumerate(items, start=1)
    ]


def _settle(meeting: Meeting, now: datetime, rng: random.Random) -> None:
    """A past meeting was held, with its attendance; an upcoming one is confirmed, with answers coming in."""
    if meeting.mode.needs_venue and not meeting.venue:
        meeting.venue = ONSITE_VENUE
    if meeting.mode.needs_video_link and not meeting.video_url:
        meeting.video_url = VIDEO_URL
    held = meeting.ends_at <= now
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.CONFIRMED
    meeting.sequence = 1
    for invitation in meeting.invitations:
        if held:
            invitation.attendance = _attendance(rng)
            invitation.rsvp = Rsvp.YES if invitation.attendance is Attendance.PRESENT else Rsvp.NO
        elif rng.random() < 0.5:
            invitation.rsvp = rng.choice([Rsvp.YES, Rsvp.YES, Rsvp.MAYBE, Rsvp.NO])


def _weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _coordinator_on(terms: list[CoordinatorTerm], day: date) -> Member:
    return next((term.member for term in terms if term.covers(day)), terms[0].member)


def load_meetings(members: list[Member], terms: list[CoordinatorTerm], kick_off: date, today: date) -> int:
    """The kick-off as held, each year's plan from the year after it through this one, and a bilateral
    meeting and a partnership event ahead; returns how many meetings were added.

    Next year is left unplanned: it is the coordinator's to generate."""
    rng = random.Random(kick_off.toordinal())
    now = clock.now()
    plenary = meeting_type("plenary")
    starts_at = clock.from_local(kick_off, time(10, 30))
    kick_off_meeting = Meeting(
        type=plenary,
        title="Kick-off meeting of the IT NMG",
        description="Inaugural meeting of the Italian National Mirror Group, led by ProMIS and the IT MoH.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        mode=MeetingMode.ONSITE,
        venue=KICK_OFF_VENUE,
        organiser=_coordinator_on(terms, kick_off),
        is_public=True,
        invitations=[Invitation(member=member) for member in members],
    )
    _agenda(kick_off_meeting, KICK_OFF_AGENDA)
    db.session.add(kick_off_meeting)
    _settle(kick_off_meeting, now, rng)
    db.session.commit()
    added = 1
    for year in range(kick_off.year + 1, today.year + 1):
        committed_on = date(year - 1, 12, 1)
        plan = planning.propose(year, committed_on)
        meetings = planning.commit(plan, _coordinator_on(terms, committed_on).id, committed_on)
        for meeting in meetings:
            if meeting.type.code == "plenary":
                _agenda(meeting, PLENARY_AGENDA)
            _settle(meeting, now, rng)
        added += len(meetings)
    added += _around_today(members, terms, today, now, rng)
    db.session.commit()
    return added


def _around_today(
    members: list[Member], terms: list[CoordinatorTerm], today: date, now: datetime, rng: random.Random
) -> int:
    """A bilateral meeting with a work package's experts next week and a public partnership event."""
    group = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.code == "WP8"))
    experts = [member for member in members if group in member.working_groups]
    bilateral_start = clock.from_local(_weekday_from(today + timedelta(days=7)), time(15, 0))
    bilateral = Meeting(
        type=meeting_type("bilateral"),
        title="WP8 experts: data for health system performance",
        starts_at=bilateral_start,
        ends_at=bilateral_start + timedelta(hours=1),
        mode=MeetingMode.ONLINE,
        organiser=_coordinator_on(terms, today),
        invitations=[Invitation(member=member, via_working_group=group) for member in experts],
    )
    event_start = clock.from_local(_weekday_from(today + timedelta(days=45)), time(9, 30))
    event = Meeting(
        type=meeting_type("partnership_event"),
        title="THCS partnership: national mirror groups' day",
        description="The partnership's yearly meeting with the national mirror groups, open to the public.",
        starts_at=event_start,
        ends_at=event_start + timedelta(hours=7),
        mode=MeetingMode.HYBRID,
        organiser=_coordinator_on(terms, today),
        is_public=True,
        invitations=[Invitation(member=member) for member in members],
    )
    db.session.add_all([bilateral, event])
    for meeting in (bilateral, event):
        _settle(meeting, now, rng)
    return 2
