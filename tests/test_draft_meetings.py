"""Nobody is told of a draft meeting until the coordinator confirms it: a member invited to a draft finds it
on no page, in no feed and in no mail, and cannot answer it; the organisers see it everywhere they look."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.calendar.feeds import new_feed_token
from nmg_ops.calendar.rsvp_links import rsvp_links
from nmg_ops.extensions import db
from nmg_ops.models import Invitation, Meeting, MeetingStatus, Member, OutboundMessage
from nmg_ops.scheduler import run_due_jobs
from tests.fixtures.factories import PASSWORD

ROME = ZoneInfo("Europe/Rome")
DRAFT = "Plenary still in draft"
CONFIRMED = "Plenary already confirmed"


def _at(hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=14), time(hour), tzinfo=ROME)


def _signed_in(app, member: Member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _invitation(meeting: Meeting, member: Member) -> Invitation:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.member_id == member.id)
    )


def _mails_to(address: str) -> list[tuple[str, str]]:
    """Each mail's purpose and its whole text (subject, body, calendar), as the recipient would read it."""
    db.session.expire_all()
    mails = []
    for row in db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.recipient == address)):
        message = email.message_from_bytes(row.content, policy=email.policy.default)
        parts = [str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"]
        mails.append((row.purpose, "\n".join([message["Subject"], *parts])))
    return mails


@pytest.fixture
def planned(app, people, make_meeting):
    """Two plenaries in two weeks, both drafts at first; the coordinator invites the member to both through
    the invitees page and confirms one of them."""
    coordinator, member = people["coordinator"], people["member"]
    draft = make_meeting(starts_at=_at(10), invitees=[coordinator], title=DRAFT, mode="online")
    confirmed = make_meeting(starts_at=_at(15), invitees=[coordinator], title=CONFIRMED, mode="online")
    organiser = _signed_in(app, coordinator)
    for meeting in (draft, confirmed):
        response = organiser.post(
            f"/meetings/{meeting.id}/invitees",
            data={"members-member_ids": [str(member.id)], "members-submit": "y"},
        )
        assert response.status_code == 302
    assert organiser.post(f"/meetings/{confirmed.id}/confirm", data={"confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    assert (draft.status, confirmed.status) == (MeetingStatus.DRAFT, MeetingStatus.CONFIRMED)
    return draft, confirmed, organiser


def test_a_member_invited_to_a_draft_finds_it_on_no_page(app, people, planned):
    draft, confirmed, _organiser = planned
    client = _signed_in(app, people["member"])
    for path in ("/", "/meetings/my", "/meetings/"):
        page = client.get(path).get_data(as_text=True)
        assert CONFIRMED in page, path
        assert DRAFT not in page and f"/meetings/{draft.id}" not in page, path
    # A meeting the member may not see is not found, as any other meeting they may not see.
    assert client.get(f"/meetings/{confirmed.id}").status_code == 200
    assert client.get(f"/meetings/{draft.id}").status_code == 404
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404
    feed = client.get(f"/calendar/{new_feed_token(people['member'])}.ics").get_data(as_text=True)
    assert confirmed.calendar_uid in feed
    assert draft.calendar_uid not in feed and DRAFT not in feed


def test_a_member_cannot_answer_a_draft_from_the_page_or_a_link(app, people, planned):
    draft, confirmed, _organiser = planned
    member = people["member"]
    client = _signed_in(app, member)
    refused = client.post(f"/meetings/{draft.id}/rsvp", data={"answer": "yes"})
    assert refused.status_code == 404
    assert _invitation(draft, member).rsvp is None
    assert client.post(f"/meetings/{confirmed.id}/rsvp", data={"answer": "yes"}).status_code == 302
    assert _invitation(confirmed, member).rsvp is not None

    link = rsvp_links(_invitation(draft, member))["yes"].removeprefix("http://localhost")
    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 404
    assert anonymous.post(link).status_code == 404
    assert _invitation(draft, member).rsvp is None


def test_no_mail_tells_a_member_of_a_draft(app, people, planned):
    _draft, confirmed, _organiser = planned
    # Within a day of both meetings, when the last of their reminders is due.
    run_due_jobs(confirmed.starts_at - timedelta(hours=23))
    mails = _mails_to(people["member"].email)
    purposes = {purpose for purpose, text in mails if CONFIRMED in text}
    assert {"itip_request", "reminder"} <= purposes
    assert not [purpose for purpose, text in mails if DRAFT in text]


@pytest.mark.parametrize("role", ["coordinator", "coordination_team", "admin"])
def test_the_organisers_see_the_draft_where_members_do_not(app, people, planned, role):
    draft, _confirmed, _organiser = planned
    client = _signed_in(app, people[role])
    assert DRAFT in client.get("/meetings/").get_data(as_text=True)
    page = client.get(f"/meetings/{draft.id}").get_data(as_text=True)
    assert DRAFT in page and "Paolo Member" in page
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 200
    if role == "coordinator":
        assert DRAFT in client.get("/").get_data(as_text=True)
        assert DRAFT in client.get("/meetings/my").get_data(as_text=True)


def test_the_coordinator_invited_to_a_draft_answers_only_once_it_is_confirmed(app, people, planned):
    draft, _confirmed, organiser = planned
    coordinator = people["coordinator"]
    page = organiser.get(f"/meetings/{draft.id}").get_data(as_text=True)
    assert "answers open once it is" in page
    assert 'name="answer"' not in page
    response = organiser.post(f"/meetings/{draft.id}/rsvp", data={"answer": "yes"}, follow_redirects=True)
    assert "answers open once it is" in response.get_data(as_text=True)
    assert _invitation(draft, coordinator).rsvp is None
    assert organiser.post(f"/meetings/{draft.id}/confirm", data={"confirmed": "yes"}).status_code == 302
    assert organiser.post(f"/meetings/{draft.id}/rsvp", data={"answer": "yes"}).status_code == 302
    assert _invitation(draft, coordinator).rsvp is not None
