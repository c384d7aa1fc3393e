"""One rule decides who sees a meeting and its video link: every page, list, download and feed agrees with
it, for every kind of visitor, on public and private meetings in each state."""

from __future__ import annotations

import itertools

import pytest

from nmg_ops.calendar.feeds import new_feed_token
from nmg_ops.extensions import db
from nmg_ops.meetings import visibility
from nmg_ops.models import MeetingStatus
from nmg_ops.permissions import roles_of
from tests.fixtures.factories import PASSWORD

VIEWERS = ("public", "invitee", "member", "coordination_team", "coordinator", "admin")
STATES = (MeetingStatus.DRAFT, MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED)


@pytest.fixture
def meetings(make_meeting, make_member, people):
    invitee = make_member(email="invitee@example.org", full_name="Ivo Invitee")
    made = {}
    for n, (is_public, status) in enumerate(itertools.product((True, False), STATES)):
        made[(is_public, status)] = make_meeting(
            "plenary",
            status=status,
            is_public=is_public,
            invitees=[invitee],
            mode="online",
            video_url=f"https://meet.example.org/room-{n}",
            title=f"Meeting {n} {'public' if is_public else 'private'} {status.value}",
        )
    return invitee, made


def _client_for(app, viewer, people, invitee):
    client = app.test_client()
    member = invitee if viewer == "invitee" else people[viewer]
    if member is not None:
        client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    return client, member


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_door_agrees_with_the_one_rule(app, people, meetings, viewer):
    invitee, made = meetings
    client, member = _client_for(app, viewer, people, invitee)
    roles = roles_of(member)
    listed = client.get("/meetings/").get_data(as_text=True) if member else ""
    public_feed = client.get("/calendar/public.ics").get_data(as_text=True)
    personal_feed = (
        client.get(f"/calendar/{new_feed_token(member)}.ics").get_data(as_text=True) if member else ""
    )
    db.session.commit()
    for meeting in made.values():
        db.session.refresh(meeting)
        invited = viewer == "invitee"
        sees = visibility.may_see(meeting, invited, roles)
        link = visibility.shows_video_link(invited, roles)
        where = f"{viewer} on {meeting.title}"
        download = client.get(f"/meetings/{meeting.id}.ics")
        assert (download.status_code == 200) == sees, where
        if sees:
            assert (meeting.video_url in download.get_data(as_text=True)) == link, where
        if member is not None:
            detail = client.get(f"/meetings/{meeting.id}")
            assert (detail.status_code == 200) == sees, where
            if sees:
                assert (meeting.video_url in detail.get_data(as_text=True)) == link, where
            assert (meeting.title in listed) == sees, where
            # A personal feed shows the meetings one is invited to, once they are more than a draft.
            in_feed = meeting.calendar_uid in personal_feed
            assert in_feed == (invited and meeting.status is not MeetingStatus.DRAFT), where
        assert (meeting.calendar_uid in public_feed) == visibility.is_published(meeting), where
    assert not any(m.video_url in public_feed for m in made.values()), "the public feed has no video links"
