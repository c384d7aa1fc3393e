"""Meeting reminders through the scheduler's jobs, delivered to a real SMTP server."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from nmg_ops.extensions import db
from nmg_ops.models import AgendaItem, Invitation, MeetingStatus, Rsvp
from nmg_ops.scheduler import run_due_jobs

pytestmark = pytest.mark.smtp
ROME = ZoneInfo("Europe/Rome")
SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def plenary(make_meeting, people, make_member):
    """A confirmed plenary on 15 March 2027, 10:00 in Rome, with a declined invitee and a guest."""
    declined = make_member(email="declined@example.org", full_name="Dario Declined")
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2027, 3, 15, 10, 0, tzinfo=ROME),
        invitees=[people["member"], declined],
        status=MeetingStatus.CONFIRMED,
        title="Plenary meeting 2/6 – 2027",
        mode="hybrid",
        venue="Ministero della Salute, Lungotevere Ripa 1, Roma",
        video_url="https://meet.example.org/plenary-2",
    )
    meeting.invitations[1].rsvp = Rsvp.NO
    meeting.invitations.append(Invitation(guest_name="Greta Guest", guest_email="greta@guest.example"))
    meeting.agenda_items = [
        AgendaItem(position=1, title="Welcome", presenter="Carla Coordinator", duration_minutes=10),
        AgendaItem(position=2, title="THCS joint call 2027", presenter="Paolo Member", duration_minutes=45),
    ]
    db.session.commit()
    return meeting


def at(meeting, **before) -> datetime:
    return meeting.starts_at - timedelta(**before)


def recipients(sink, purpose_subject: str) -> list[str]:
    return sorted(r.rcpt_tos[0] for r in sink.received if r.message["Subject"].startswith(purpose_subject))


def test_reminders_go_on_the_agreed_offsets_to_invitees_who_did_not_decline(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, days=7, minutes=1))
    assert recipients(smtp_sink, "Reminder") == []
    run_due_jobs(at(plenary, days=7) + timedelta(minutes=1))
    assert recipients(smtp_sink, "Reminder") == ["greta@guest.example", "plain@example.org"]
    run_due_jobs(at(plenary, days=3))
    assert len(recipients(smtp_sink, "Reminder")) == 2, "nothing new between the offsets"
    run_due_jobs(at(plenary, hours=23))
    assert recipients(smtp_sink, "Reminder") == ["greta@guest.example"] * 2 + ["plain@example.org"] * 2


def test_plenary_asks_the_coordination_team_for_agenda_items_fourteen_days_before(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, days=14) + timedelta(minutes=5))
    assert recipients(smtp_sink, "Agenda items wanted") == ["ct@example.org"]


def test_tick_twice_for_the_same_instant_sends_each_reminder_once(app, smtp_sink, plenary, runner):
    instant = (at(plenary, hours=20)).isoformat()
    for _ in range(2):
        result = runner.invoke(args=["tick", "--at", instant])
        assert result.exit_code == 0, result.output
    assert recipients(smtp_sink, "Reminder") == ["greta@guest.example", "plain@example.org"]


def test_after_an_outage_only_the_closest_reminder_goes(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, hours=12))
    reminders = [r.message for r in smtp_sink.received if r.message["Subject"].startswith("Reminder")]
    assert len(reminders) == 2
    # Only the one-day reminder, and it says the twelve hours really left.
    assert all("takes place in 12 hours" in m.get_body(("plain",)).get_content() for m in reminders)


def test_cancelled_meetings_send_no_reminders(app, smtp_sink, plenary):
    plenary.status = MeetingStatus.CANCELLED
    db.session.commit()
    run_due_jobs(at(plenary, hours=12))
    assert smtp_sink.received == []


def test_a_moved_meeting_is_reminded_again_for_its_new_time(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, days=6))
    assert len(recipients(smtp_sink, "Reminder")) == 2
    plenary.starts_at += timedelta(days=7)
    plenary.ends_at += timedelta(days=7)
    db.session.commit()
    run_due_jobs(at(plenary, days=10))
    assert len(recipients(smtp_sink, "Reminder")) == 2, "the new time is not due yet"
    run_due_jobs(at(plenary, days=6))
    assert len(recipients(smtp_sink, "Reminder")) == 4


def test_restart_across_a_due_time_sends_once(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, days=8))
    assert recipients(smtp_sink, "Reminder") == []
    # The scheduler was down while the 7-day reminder fell due; the first run afterwards sends it.
    run_due_jobs(at(plenary, days=5))
    run_due_jobs(at(plenary, days=5) + timedelta(minutes=5))
    assert recipients(smtp_sink, "Reminder") == ["greta@guest.example", "plain@example.org"]


def test_reminder_carries_agenda_place_link_and_the_meeting_as_ics(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, days=6))
    message = next(r.message for r in smtp_sink.received if r.rcpt_tos == ["plain@example.org"])
    text = message.get_body(("plain",)).get_content()
    assert "THCS joint call 2027" in text
    assert "Ministero della Salute" in text
    assert "https://meet.example.org/plenary-2" in text
    assert f"http://localhost/meetings/{plenary.id}" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == plenary.calendar_uid
    assert event.decoded("DTSTART") == datetime(2027, 3, 15, 10, 0, tzinfo=ROME)
    assert calendar.walk("VTIMEZONE"), "the time zone travels with the event"


def test_reminder_mail_matches_its_snapshot(app, smtp_sink, plenary):
    run_due_jobs(at(plenary, days=6))
    message = next(r.message for r in smtp_sink.received if r.rcpt_tos == ["plain@example.org"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for name, body in (("reminder.txt", text), ("reminder.html", html)):
        expected = (SNAPSHOTS / name).read_text().replace("{id}", str(plenary.id))
        # Mail travels with CRLF line ends; the snapshot files are plain text. Signed answer links differ
        # with every secret key, so they are compared by shape.
        body = re.sub(r"/rsvp/[\w.-]+/", "/rsvp/{token}/", body.replace("\r\n", "\n"))
        assert body == expected, name


def test_sweep_handles_more_due_reminders_than_one_lookup_holds(app, smtp_sink, make_meeting, make_org):
    from nmg_ops.calendar.reminders import sweep
    from nmg_ops.models import Member

    org = make_org()
    crowd = [Member(full_name=f"Expert {i}", email=f"x{i}@example.org", organisation=org) for i in range(60)]
    db.session.add_all(crowd)
    db.session.commit()
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2027, 5, 10, 10, 0, tzinfo=ROME),
        invitees=crowd,
        status=MeetingStatus.CONFIRMED,
    )
    assert sweep(at(meeting, hours=2)).enqueued == 60
    assert sweep(at(meeting, hours=1)).enqueued == 0


@pytest.mark.parametrize("language", ["en", "it"])
def test_a_meeting_confirmed_a_day_ahead_is_reminded_as_a_day_away(
    app, smtp_sink, plenary, make_member, language
):
    reader = make_member(email=f"reader-{language}@example.org", full_name="Rita Reader", language=language)
    plenary.invitations.append(Invitation(member=reader))
    db.session.commit()
    # The seven-day offset has long passed; the mail says the time really left, in the reader's language.
    run_due_jobs(at(plenary, hours=24))
    message = next(r.message for r in smtp_sink.received if r.rcpt_tos == [reader.email])
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    body = re.sub(r"/rsvp/[\w.-]+/", "/rsvp/{token}/", body)
    expected = (SNAPSHOTS / f"reminder_24h.{language}.txt").read_text().replace("{id}", str(plenary.id))
    assert body == expected
