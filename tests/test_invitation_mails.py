"""Invitation mails: "Invitation" the first time a person is invited, "Updated invitation" afterwards, in
their language; and attendee lists that show nobody's address to a guest unless the meeting says so."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import time, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.calendar import invites
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.i18n import format_datetime
from nmg_ops.meetings import lifecycle, rules
from nmg_ops.meetings.announcements import announce_soon
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import Invitation, Meeting, OutboundMessage, Rsvp


def mails_to(address: str) -> list[email.message.EmailMessage]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(OutboundMessage)
        .where(OutboundMessage.recipient == address, OutboundMessage.purpose == "itip_request")
        .order_by(OutboundMessage.id)
    )
    return [email.message_from_bytes(row.content, policy=email.policy.default) for row in rows]


def attendees_and_organizer(message: email.message.EmailMessage) -> tuple[list[str], str]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    found = event.get("ATTENDEE", [])
    found = found if isinstance(found, list) else [found]
    return sorted(str(a).removeprefix("mailto:") for a in found), str(event["ORGANIZER"])


def move(meeting: Meeting, hours: int) -> None:
    meeting.starts_at += timedelta(hours=hours)
    meeting.ends_at += timedelta(hours=hours)
    meeting.sequence += 1
    db.session.commit()
    announce_soon(meeting)


# --- item 3: the first invitation is an invitation -------------------------------------------------------


def test_the_first_invitation_says_invitation_in_every_language_and_a_change_says_updated(
    app, make_meeting, make_member
):
    english = make_member(email="en@example.org", language="en")
    italian = make_member(email="it@example.org", language="it")
    meeting = make_meeting("plenary", invitees=[english, italian], mode="online", title="Plenaria")
    lifecycle.confirm_meeting(meeting, clock.now())
    assert meeting.sequence == 1, "confirming a draft raises the SEQUENCE"
    [first_en], [first_it] = mails_to("en@example.org"), mails_to("it@example.org")
    assert first_en["Subject"] == "Invitation: Plenaria"
    assert first_it["Subject"] == "Invito: Plenaria"
    assert "You are invited to this meeting" in first_en.get_body(("plain",)).get_content()

    move(meeting, 1)
    assert [m["Subject"] for m in mails_to("en@example.org")] == [
        "Invitation: Plenaria",
        "Updated invitation: Plenaria",
    ]
    assert mails_to("it@example.org")[-1]["Subject"] == "Invito aggiornato: Plenaria"
    assert "has changed" in mails_to("en@example.org")[-1].get_body(("plain",)).get_content()


def test_someone_added_after_a_change_gets_an_invitation_not_an_update(app, make_meeting, make_member):
    first = make_member(email="first@example.org", language="en")
    meeting = make_meeting("plenary", invitees=[first], mode="online", title="Plenary")
    lifecycle.confirm_meeting(meeting, clock.now())
    move(meeting, 2)
    late = Invitation(member=make_member(email="late@example.org", language="en"))
    meeting.invitations.append(late)
    db.session.commit()
    announce_soon(meeting, added=[late])
    assert [m["Subject"] for m in mails_to("late@example.org")] == ["Invitation: Plenary"]
    assert mails_to("first@example.org")[-1]["Subject"] == "Updated invitation: Plenary"


# --- item 4: who is named in the invitation --------------------------------------------------------------


@pytest.fixture
def bilateral(make_meeting, people):
    meeting = make_meeting(
        "bilateral", invitees=[people["member"], people["coordination_team"]], mode="online"
    )
    meeting.invitations.append(Invitation(guest_name="Greta Guest", guest_email="greta@guest.example"))
    db.session.commit()
    return meeting


def test_a_guests_invitation_names_only_the_guest_and_the_organiser(app, bilateral):
    lifecycle.confirm_meeting(bilateral, clock.now())
    [guest_mail] = mails_to("greta@guest.example")
    attendees, organizer = attendees_and_organizer(guest_mail)
    assert attendees == ["greta@guest.example"]
    assert organizer.startswith("mailto:no-reply@")
    [member_mail] = mails_to("plain@example.org")
    assert attendees_and_organizer(member_mail)[0] == ["plain@example.org"]


def test_a_meeting_may_list_everyone_even_with_guests(app, bilateral):
    bilateral.lists_attendees = True
    db.session.commit()
    lifecycle.confirm_meeting(bilateral, clock.now())
    [guest_mail] = mails_to("greta@guest.example")
    assert attendees_and_organizer(guest_mail)[0] == [
        "ct@example.org",
        "greta@guest.example",
        "plain@example.org",
    ]


def test_without_guests_the_type_decides(app, make_meeting, people):
    meeting = make_meeting("plenary", invitees=[people["member"], people["coordination_team"]], mode="online")
    assert invites.lists_attendees(meeting)
    meeting_type("plenary").lists_attendees = False
    db.session.commit()
    assert not invites.lists_attendees(meeting)
    meeting.lists_attendees = True
    assert invites.lists_attendees(meeting), "the meeting's own setting comes first"


def test_the_forms_set_the_attendee_list(app, client, people, sign_in, bilateral):
    sign_in(people["coordinator"])
    local = clock.local(bilateral.starts_at)
    form = {
        "type_id": str(bilateral.type_id),
        "title": bilateral.title,
        "day": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "end_time": clock.local(bilateral.ends_at).strftime("%H:%M"),
        "mode": "online",
        "video_url": bilateral.video_url,
    }
    page = client.get(f"/meetings/{bilateral.id}/edit").get_data(as_text=True)
    assert 'name="lists_attendees"' in page
    client.post(f"/meetings/{bilateral.id}/edit", data={**form, "lists_attendees": "yes"})
    db.session.expire_all()
    assert db.session.get(Meeting, bilateral.id).lists_attendees is True
    response = client.post(f"/meetings/{bilateral.id}/edit", data={**form, "lists_attendees": "maybe"})
    assert response.status_code == 200, "the form is shown again with the mistake"
    db.session.expire_all()
    assert db.session.get(Meeting, bilateral.id).lists_attendees is True
    client.post(f"/meetings/{bilateral.id}/edit", data={**form, "lists_attendees": ""})
    db.session.expire_all()
    assert db.session.get(Meeting, bilateral.id).lists_attendees is None

    kind = meeting_type("thematic")
    response = client.post(
        f"/meetings/types/{kind.id}/edit",
        data={
            "name": kind.name,
            "default_mode": kind.default_mode.value,
            "min_onsite_per_year": "0",
            "target_per_year": str(kind.target_per_year),
            "default_duration_minutes": str(kind.default_duration_minutes),
            "reminder_days": "7, 1",
            "minutes_comment_days": "10",
            "minutes_approval": "meeting",
            "is_active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting_type("thematic").lists_attendees is False


# --- an updated invitation says what changed ---------------------------------------------------------------


def _moved(meeting: Meeting, days: int, hour: int, **overrides) -> rules.MeetingData:
    start = clock.local(meeting.starts_at)
    values = {
        "type_id": meeting.type_id,
        "title": meeting.title,
        "day": start.date() + timedelta(days=days),
        "start_time": time(hour, 0),
        "end_time": time(hour + 1, 0),
        "mode": meeting.mode,
        "venue": meeting.venue,
        "video_url": meeting.video_url,
        "is_public": meeting.is_public,
        "description": meeting.description,
    }
    return rules.MeetingData(**{**values, **overrides})


def test_an_updated_invitation_says_what_changed_in_each_language(app, make_meeting, make_member):
    english = make_member(email="en@example.org", language="en")
    italian = make_member(email="it@example.org", language="it")
    meeting = make_meeting("plenary", invitees=[english, italian], mode="hybrid", title="Plenaria")
    lifecycle.confirm_meeting(meeting, clock.now())
    was = clock.local(meeting.starts_at)
    lifecycle.update_meeting(
        meeting,
        _moved(
            meeting,
            2,
            15,
            venue="Istituto Superiore di Sanità, Roma",
            video_url="https://meet.example.org/new",
        ),
    )
    now = clock.local(meeting.starts_at)

    def when(instant, language):
        return format_datetime(instant, "full", rebase=False, locale=language)

    text = mails_to("en@example.org")[-1].get_body(("plain",)).get_content()
    assert f"Was {when(was, 'en')}, now {when(now, 'en')}." in text
    assert "10:00" in when(was, "en") and "15:00" in when(now, "en")
    assert "New venue: Istituto Superiore di Sanità, Roma" in text
    assert "New video link: https://meet.example.org/new" in text
    italian_text = mails_to("it@example.org")[-1].get_body(("plain",)).get_content()
    assert f"Prima: {when(was, 'it')}; ora: {when(now, 'it')}." in italian_text
    assert "15:00" in when(now, "it")
    assert "Nuovo luogo: Istituto Superiore di Sanità, Roma" in italian_text
    html = mails_to("en@example.org")[-1].get_body(("html",)).get_content()
    assert "New venue: Istituto Superiore di Sanità, Roma" in html


def test_a_first_invitation_names_no_change(app, make_meeting, make_member):
    english = make_member(email="en@example.org", language="en")
    meeting = make_meeting("plenary", invitees=[english], mode="online", title="Plenary")
    lifecycle.update_meeting(meeting, _moved(meeting, 1, 15))
    lifecycle.confirm_meeting(meeting, clock.now())
    text = mails_to("en@example.org")[-1].get_body(("plain",)).get_content()
    assert "Was " not in text and "New venue" not in text


# --- guests answer without an account ---------------------------------------------------------------------


def _answer_links(message: email.message.EmailMessage) -> dict[str, str]:
    text = message.get_body(("plain",)).get_content()
    return dict(re.findall(r"^(Yes|No|Maybe): http://localhost(/rsvp/\S+?)\r?$", text, re.M))


@pytest.mark.smtp
def test_a_guest_answers_from_the_invitation_mail_without_an_account(app, client, smtp_sink, bilateral):
    lifecycle.confirm_meeting(bilateral, clock.now())
    dispatch()
    [received] = [r for r in smtp_sink.received if r.rcpt_tos == ["greta@guest.example"]]
    links = _answer_links(received.message)
    assert set(links) == {"Yes", "No", "Maybe"}
    asked = client.get(links["Maybe"])
    assert asked.status_code == 200 and "Greta Guest, confirm your answer:" in asked.get_data(as_text=True)
    done = client.post(links["Maybe"]).get_data(as_text=True)
    assert "Thank you, Greta Guest" in done
    guest = db.session.scalar(sa.select(Invitation).where(Invitation.guest_email == "greta@guest.example"))
    db.session.refresh(guest)
    assert guest.rsvp == Rsvp.MAYBE
    guest.guest_email = "greta@elsewhere.example"
    db.session.commit()
    assert client.post(links["Yes"]).status_code == 404, "a link dies with the address it was sent to"


@pytest.mark.smtp
def test_with_a_calendar_mailbox_a_guests_reply_reaches_it(app, smtp_sink, bilateral):
    app.config["CALENDAR_MAILBOX_ADDRESS"] = "calendar@nmg.example"
    lifecycle.confirm_meeting(bilateral, clock.now())
    dispatch()
    [received] = [r for r in smtp_sink.received if r.rcpt_tos == ["greta@guest.example"]]
    assert received.message["Reply-To"] == "calendar@nmg.example"
    assert attendees_and_organizer(received.message)[1] == "mailto:calendar@nmg.example"
    assert _answer_links(received.message), "the links work whether or not the mailbox is read"
