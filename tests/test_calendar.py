"""Calendar output parsed back by two independent parsers and checked against RFC 5545/5546."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
import vobject
from werkzeug.serving import make_server

from nmg_ops import clock
from nmg_ops.calendar import ical, invites
from nmg_ops.calendar.feeds import new_feed_token
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import Invitation, MeetingStatus, Member, OutboundMessage, Rsvp
from nmg_ops.scheduler import run_due_jobs

ROME = ZoneInfo("Europe/Rome")


def check_rfc5545(data: bytes) -> icalendar.Calendar:
    """Both parsers accept it, lines are CRLF-terminated and at most 75 octets, VERSION/PRODID lead."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), [line for line in lines if len(line) > 75]
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert [line.split(b":")[0] for line in lines[1:3]] == [b"VERSION", b"PRODID"]
    vobject.readOne(data.decode("utf-8"))
    return icalendar.Calendar.from_ical(data)


@pytest.fixture
def confirmed(make_meeting, people, make_member):
    tricky = make_member(email="tricky@example.org", full_name="Rossi, Anna; Dr.: PhD")
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2027, 3, 28, 19, 0, tzinfo=ROME),
        invitees=[people["member"], tricky],
        status=MeetingStatus.CONFIRMED,
        title="Plenary: THCS, calls; results",
        mode="online",
        video_url="https://meet.example.org/plenary",
    )
    meeting.invitations[0].rsvp = Rsvp.YES
    meeting.invitations.append(Invitation(guest_name="Greta Guest", guest_email="greta@guest.example"))
    db.session.commit()
    return meeting


def parts(message) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


@pytest.mark.smtp
def test_confirming_sends_each_invitee_an_itip_request(app, smtp_sink, confirmed):
    # With a guest invited, only the meeting's own setting lists everyone (see test_invitation_mails).
    confirmed.lists_attendees = True
    db.session.commit()
    assert invites.announce(confirmed) == 3
    dispatch()
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.received) == [
        "greta@guest.example",
        "plain@example.org",
        "tricky@example.org",
    ]
    message = next(r.message for r in smtp_sink.received if r.rcpt_tos == ["plain@example.org"])
    assert parts(message) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    inline = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert inline.get_param("method") == "REQUEST"
    attachment = next(p for p in message.walk() if p.get_content_type() == "application/ics")
    assert attachment["Content-Transfer-Encoding"] == "base64"
    assert attachment.get_content() == inline.get_content().encode("utf-8")
    calendar = check_rfc5545(attachment.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == confirmed.calendar_uid
    assert event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {
        "mailto:plain@example.org",
        "mailto:tricky@example.org",
        "mailto:greta@guest.example",
    }
    assert attendees["mailto:plain@example.org"]["PARTSTAT"] == "ACCEPTED"
    assert attendees["mailto:tricky@example.org"]["PARTSTAT"] == "NEEDS-ACTION"
    assert all(p["RSVP"] == "TRUE" and p["ROLE"] == "REQ-PARTICIPANT" for p in attendees.values())
    assert attendees["mailto:tricky@example.org"]["CN"] == "Rossi, Anna; Dr.: PhD"
    assert b'CN="Rossi, Anna; Dr.: PhD"' in attachment.get_content().replace(b"\r\n ", b"")
    assert str(event["SUMMARY"]) == "Plenary: THCS, calls; results"
    assert "/rsvp/" in message.get_body(("plain",)).get_content()


def test_dst_day_evening_is_stored_and_exported_right(app, confirmed):
    assert confirmed.starts_at.astimezone(UTC) == datetime(2027, 3, 28, 17, 0, tzinfo=UTC)
    calendar = check_rfc5545(ical.download(confirmed))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 28, 17, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Rome"


@pytest.mark.smtp
def test_a_change_is_a_new_request_with_a_higher_sequence_and_the_same_uid(app, smtp_sink, confirmed):
    invites.announce(confirmed)
    invites.announce(confirmed)
    assert len(smtp_sink.received) == 0, "enqueued, not yet dispatched"
    dispatch()
    assert len(smtp_sink.received) == 3, "announcing the same version twice sends once"
    confirmed.starts_at += timedelta(hours=1)
    confirmed.ends_at += timedelta(hours=1)
    confirmed.sequence += 1
    db.session.commit()
    invites.announce(confirmed)
    dispatch()
    sequences = []
    for received in smtp_sink.received:
        if received.rcpt_tos == ["plain@example.org"]:
            [event] = icalendar.Calendar.from_ical(_ics(received.message)).walk("VEVENT")
            assert str(event["UID"]) == confirmed.calendar_uid
            sequences.append(int(event["SEQUENCE"]))
    assert sequences == [0, 1]
    assert smtp_sink.received[-1].message["Subject"].startswith("Updated invitation")


def _ics(message) -> bytes:
    return next(p for p in message.walk() if p.get_content_type() == "application/ics").get_content()


@pytest.mark.smtp
def test_cancelling_sends_cancel_without_alarm(app, smtp_sink, confirmed):
    confirmed.status = MeetingStatus.CANCELLED
    confirmed.sequence += 1
    db.session.commit()
    invites.announce(confirmed)
    dispatch()
    for received in smtp_sink.received:
        inline = next(p for p in received.message.walk() if p.get_content_type() == "text/calendar")
        assert inline.get_param("method") == "CANCEL"
        calendar = check_rfc5545(_ics(received.message))
        assert calendar["METHOD"] == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert event["STATUS"] == "CANCELLED"
        assert not event.walk("VALARM")


@pytest.mark.smtp
def test_removed_and_added_invitees_get_their_own_cancel_and_request(app, smtp_sink, confirmed, make_member):
    removed = confirmed.invitations[1]
    invites.uninvite(confirmed, removed)
    newcomer = Invitation(member=make_member(email="new@example.org", full_name="Nina New"))
    confirmed.invitations.append(newcomer)
    db.session.commit()
    invites.invite_added(confirmed, [newcomer])
    dispatch()
    by_recipient = {r.rcpt_tos[0]: r.message for r in smtp_sink.received}
    assert set(by_recipient) == {"tricky@example.org", "new@example.org"}
    cancel = icalendar.Calendar.from_ical(_ics(by_recipient["tricky@example.org"]))
    assert cancel["METHOD"] == "CANCEL"
    [event] = cancel.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:tricky@example.org"
    request = icalendar.Calendar.from_ical(_ics(by_recipient["new@example.org"]))
    assert request["METHOD"] == "REQUEST"


def test_download_has_no_method_and_no_attendees(app, client, confirmed, people, sign_in):
    assert client.get(f"/meetings/{confirmed.id}.ics").status_code == 404, "not public, not signed in"
    sign_in(people["member"])
    response = client.get(f"/meetings/{confirmed.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = check_rfc5545(response.data)
    assert "METHOD" not in calendar
    [event] = calendar.walk("VEVENT")
    assert "ATTENDEE" not in event
    assert str(event["UID"]) == confirmed.calendar_uid


def test_feed_token_subscribes_updates_and_dies_when_regenerated(app, client, confirmed, people, sign_in):
    sign_in(people["member"])
    page = client.post("/profile/calendar").get_data(as_text=True)
    https_url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', page).group(1)
    assert f'value="webcal://{https_url.split("://")[1]}"' in page
    path = https_url.removeprefix("http://localhost")
    feed = client.get(path)
    assert feed.status_code == 200
    calendar = check_rfc5545(feed.data)
    assert "METHOD" not in calendar
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert "X-PUBLISHED-TTL" in calendar
    [event] = calendar.walk("VEVENT")
    assert "ATTENDEE" not in event
    assert str(event["UID"]) == confirmed.calendar_uid
    again = client.get(path, headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    confirmed.sequence += 1
    confirmed.title = "Plenary moved"
    db.session.commit()
    assert client.get(path, headers={"If-None-Match": feed.headers["ETag"]}).status_code == 200
    client.post("/profile/calendar", data={"confirm": "yes"})
    assert client.get(path).status_code == 404, "the old address is dead"
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_304_builds_no_calendar(app, client, confirmed, people, count_queries):
    member = db.session.get(type(people["member"]), people["member"].id)
    token = new_feed_token(member)
    first = client.get(f"/calendar/{token}.ics")
    with count_queries() as counted:
        second = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert counted.count <= 2, counted.statements
    assert not any("agenda_item" in s for s in counted.statements)


def test_unchanged_feeds_answer_304_to_any_form_of_their_validator(app, client, confirmed, people):
    token = new_feed_token(people["member"])
    for path in (f"/calendar/{token}.ics", "/calendar/public.ics"):
        first = client.get(path)
        assert first.status_code == 200
        etag = first.headers["ETag"]
        for validator in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            again = client.get(path, headers={"If-None-Match": validator})
            assert again.status_code == 304, (path, validator)
            assert again.headers["ETag"] == etag and again.data == b""
            assert again.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
        head = client.head(path, headers={"If-None-Match": etag})
        assert head.status_code == 304
        assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get("/calendar/unknown-secret.ics", headers={"If-None-Match": "*"}).status_code == 404


def test_feed_keeps_cancelled_meetings_thirty_days_and_alarms_by_preference(
    app, client, confirmed, people, make_meeting, monkeypatch
):
    member = people["member"]
    member.feed_alarm_minutes = 30
    cancelled = make_meeting(
        "thematic", invitees=[member], status=MeetingStatus.CANCELLED, title="Cancelled thematic meeting"
    )
    db.session.commit()
    token = new_feed_token(member)
    calendar = check_rfc5545(client.get(f"/calendar/{token}.ics").data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert events["Cancelled thematic meeting"]["STATUS"] == "CANCELLED"
    assert not events["Cancelled thematic meeting"].walk("VALARM")
    [alarm] = events["Plenary: THCS, calls; results"].walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=30)
    later = clock.now() + timedelta(days=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
    assert "Cancelled thematic meeting" not in [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert cancelled.id


def test_public_feed_shows_public_meetings_only(app, client, make_meeting, confirmed):
    make_meeting("partnership_event", status=MeetingStatus.CONFIRMED, title="THCS info day", is_public=True)
    calendar = check_rfc5545(client.get("/calendar/public.ics").data)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["THCS info day"]


def test_one_click_answer_asks_on_get_and_records_on_post(app, client, confirmed):
    from nmg_ops.calendar.rsvp_links import rsvp_links

    tricky = confirmed.invitations[1]
    link = rsvp_links(tricky)["maybe"].removeprefix("http://localhost")
    page = client.get(link)
    assert page.status_code == 200
    assert "confirm your answer" in page.get_data(as_text=True)
    db.session.refresh(tricky)
    assert tricky.rsvp is None, "a prefetching mail scanner answers nothing"
    done = client.post(link)
    assert "is recorded" in done.get_data(as_text=True)
    db.session.refresh(tricky)
    assert tricky.rsvp is Rsvp.MAYBE
    assert client.get(link.replace("/rsvp/", "/rsvp/x")).status_code == 404


def test_one_click_answer_after_the_start_is_refused(app, client, make_meeting, people, monkeypatch):
    from nmg_ops.calendar.rsvp_links import rsvp_links

    meeting = make_meeting(invitees=[people["member"]], status=MeetingStatus.CONFIRMED)
    link = rsvp_links(meeting.invitations[0])["yes"].removeprefix("http://localhost")
    later = meeting.starts_at + timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post(link)
    assert response.status_code == 409
    assert "already started" in response.get_data(as_text=True)


def test_feed_secret_is_never_logged_in_full(app, confirmed, people, caplog):
    token = new_feed_token(people["member"])
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = f"http://127.0.0.1:{server.server_port}/calendar/{token}.ics"
            with urllib.request.urlopen(url) as response:
                assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"/calendar/{token[:6]}…" in logged
    assert token not in logged


@pytest.mark.smtp
def test_the_coordinators_actions_reach_the_invitees_calendars(
    app, smtp_sink, client, people, sign_in, make_meeting
):
    """Confirm, move, remove someone, add someone, cancel: each announced once, with rising SEQUENCE."""
    meeting = make_meeting(
        "bilateral", invitees=[people["member"], people["coordination_team"]], mode="online"
    )
    sign_in(people["coordinator"])

    def methods_and_sequences(address: str) -> list[tuple[str, int]]:
        dispatch()
        found = []
        for received in smtp_sink.received:
            if received.rcpt_tos == [address]:
                calendar = icalendar.Calendar.from_ical(_ics(received.message))
                [event] = calendar.walk("VEVENT")
                found.append((str(calendar["METHOD"]), int(event["SEQUENCE"])))
        return found

    client.post(f"/meetings/{meeting.id}/confirm", data={"confirmed": "yes"})
    assert methods_and_sequences("plain@example.org") == [("REQUEST", 1)]
    local = meeting.starts_at.astimezone(ROME)
    client.post(
        f"/meetings/{meeting.id}/edit",
        data={
            "type_id": str(meeting.type_id),
            "title": meeting.title,
            "day": local.date().isoformat(),
            "start_time": "15:00",
            "end_time": "16:00",
            "mode": "online",
            "video_url": meeting.video_url,
        },
    )
    assert methods_and_sequences("plain@example.org") == [("REQUEST", 1), ("REQUEST", 2)]
    team_invitation = next(i for i in meeting.invitations if i.member_id == people["coordination_team"].id)
    client.post(f"/meetings/{meeting.id}/invitees/{team_invitation.id}/remove")
    assert methods_and_sequences("ct@example.org") == [("REQUEST", 1), ("REQUEST", 2), ("CANCEL", 2)]
    client.post(
        f"/meetings/{meeting.id}/invitees",
        data={"guest-name": "Gina Guest", "guest-email": "gina@guest.example", "guest-submit": "1"},
    )
    assert methods_and_sequences("gina@guest.example") == [("REQUEST", 2)]
    client.post(f"/meetings/{meeting.id}/cancel", data={"confirmed": "yes"})
    assert methods_and_sequences("plain@example.org")[-1] == ("CANCEL", 3)
    assert len(methods_and_sequences("plain@example.org")) == 3, "each announcement once"


@pytest.fixture
def whole_group(make_meeting, make_org, people):
    org = make_org()
    group = [Member(full_name=f"Expert {i}", email=f"x{i}@example.org", organisation=org) for i in range(60)]
    db.session.add_all(group)
    db.session.commit()
    return make_meeting("plenary", invitees=group, mode="online")


def test_confirming_for_the_whole_group_answers_before_the_invitations_are_made(
    app, client, people, sign_in, whole_group
):
    sign_in(people["coordinator"])
    response = client.post(f"/meetings/{whole_group.id}/confirm", data={"confirmed": "yes"}, buffered=False)
    assert response.status_code == 302
    invitations = sa.select(sa.func.count(OutboundMessage.id)).where(
        OutboundMessage.purpose == "itip_request"
    )
    assert db.session.scalar(invitations) == 0, "the answer did not wait for sixty mails"
    response.close()
    db.session.expire_all()
    assert db.session.scalar(invitations) == 60
    rows = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.purpose == "itip_request"))
    for row in rows:
        assert len(row.content) < 20 * 1024
        message = email.message_from_bytes(row.content, policy=email.policy.default)
        calendar = check_rfc5545(_ics(message))
        [event] = calendar.walk("VEVENT")
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        # A large group: each invitation names its own recipient only, and the organiser.
        assert [str(a).removeprefix("mailto:") for a in attendees] == [row.recipient]
        assert str(event["ORGANIZER"]).startswith("mailto:")


@pytest.mark.smtp
def test_an_announcement_left_by_a_dead_process_is_mailed_by_the_scheduler(app, whole_group, smtp_sink):
    from nmg_ops.meetings import lifecycle
    from nmg_ops.models import Announcement

    with app.test_request_context():
        # Inside a request the mail waits for the answer to go; this one's process "dies" before.
        lifecycle.confirm_meeting(whole_group, clock.now())
    assert (
        db.session.scalar(sa.select(sa.func.count(Announcement.id)).where(Announcement.done_at.is_(None)))
        == 1
    )

    def invitations() -> list[str]:
        return [
            r.rcpt_tos[0]
            for r in smtp_sink.received
            if r.message.get_content_type() == "multipart/mixed"
            and any(p.get_param("method") == "REQUEST" for p in r.message.walk())
        ]

    run_due_jobs(clock.now())
    assert sorted(invitations()) == sorted(i.email for i in whole_group.invitations)
    run_due_jobs(clock.now())
    assert len(invitations()) == 60, "mailed once"


def test_a_public_event_opens_for_a_visitor_with_its_calendar_file_and_no_way_into_the_call(
    client, make_meeting, confirmed
):
    event = make_meeting(
        "partnership_event",
        status=MeetingStatus.CONFIRMED,
        title="THCS info day",
        is_public=True,
        mode="online",
        video_url="https://meet.example.org/secret-room",
    )
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "THCS info day" in html and "secret-room" not in html
    ics = re.search(r'id="event-ics" href="([^"]+)"', html)[1]
    assert check_rfc5545(client.get(ics).data).walk("VEVENT")[0]["SUMMARY"] == "THCS info day"
    assert client.get(f"/events/{confirmed.id}").status_code == 404, "not public: no page"
    draft = make_meeting("partnership_event", title="Not announced yet", is_public=True)
    assert client.get(f"/events/{draft.id}").status_code == 404, "a draft is nobody's news"
