"""Invitees: all members, a working group resolved at invitation time, chosen members and external guests."""

from datetime import date

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import invitees, rules
from nmg_ops.models import AuditEntry, Invitation, Meeting, MeetingStatus, OutboundMessage


def _invitations(meeting: Meeting) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation).where(Invitation.meeting_id == meeting.id).order_by(Invitation.id)
        )
    )


def _invited_ids(meeting: Meeting) -> set[int]:
    return {i.member_id for i in _invitations(meeting) if i.member_id is not None}


@pytest.fixture
def wp4(make_working_group):
    return make_working_group("WP4", "Data and interoperability")


def test_inviting_all_members_adds_current_members_once(client, people, sign_in, make_meeting, make_member):
    former = make_member(email="former@example.org", left_on=date(2025, 6, 30))
    meeting = make_meeting()
    sign_in(people["coordinator"])
    page = client.post(
        f"/meetings/{meeting.id}/invitees", data={"all-submit": "y"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "4 people invited." in page
    everyone = {m.id for m in people.values() if m is not None}
    assert _invited_ids(meeting) == everyone
    assert former.id not in _invited_ids(meeting)
    assert "Paolo Member" in page

    page = client.post(
        f"/meetings/{meeting.id}/invitees", data={"all-submit": "y"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Nobody was added" in page
    assert len(_invitations(meeting)) == 4


def test_a_working_group_is_resolved_when_invited(client, people, sign_in, make_meeting, make_member, wp4):
    in_group = make_member(email="in@example.org", full_name="Ines Group", working_groups=[wp4])
    make_member(email="left@example.org", working_groups=[wp4], left_on=date(2025, 1, 1))
    make_member(email="outside@example.org")
    meeting = make_meeting()
    sign_in(people["coordinator"])
    page = client.get(f"/meetings/{meeting.id}/invitees").get_data(as_text=True)
    assert "WP4 – Data and interoperability (1 member)" in page

    response = client.post(
        f"/meetings/{meeting.id}/invitees", data={"group-group_id": str(wp4.id), "group-submit": "y"}
    )
    assert response.status_code == 302
    (invitation,) = _invitations(meeting)
    assert invitation.member_id == in_group.id
    assert invitation.via_working_group_id == wp4.id

    # Someone joining the group afterwards is not on the list: the group was resolved at invitation time.
    latecomer = make_member(email="late@example.org", working_groups=[wp4])
    assert latecomer.id not in _invited_ids(meeting)
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Ines Group" in detail
    assert ">WP4</span>" in detail


def test_inviting_a_group_keeps_people_already_invited_as_they_were(
    app, people, make_meeting, make_member, wp4
):
    member = make_member(working_groups=[wp4])
    meeting = make_meeting(invitees=[member])
    assert invitees.invite_working_group(meeting, wp4, clock.today()) == []
    (invitation,) = _invitations(meeting)
    assert invitation.via_working_group_id is None


def test_chosen_members_are_invited_and_duplicates_ignored(
    client, people, sign_in, make_meeting, make_member
):
    first = make_member(full_name="Anna First")
    second = make_member(full_name="Bruno Second")
    meeting = make_meeting(invitees=[first])
    sign_in(people["coordinator"])
    page = client.get(f"/meetings/{meeting.id}/invitees").get_data(as_text=True)
    assert f'value="{second.id}"' in page
    # Already invited people are not offered again.
    assert f'name="members-member_ids" type="checkbox" value="{first.id}"' not in page

    page = client.post(
        f"/meetings/{meeting.id}/invitees",
        data={"members-member_ids": [str(first.id), str(second.id)], "members-submit": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 person invited." in page
    assert _invited_ids(meeting) == {first.id, second.id}


def test_choosing_nobody_is_a_form_error(client, people, sign_in, make_meeting):
    meeting = make_meeting()
    sign_in(people["coordinator"])
    response = client.post(f"/meetings/{meeting.id}/invitees", data={"members-submit": "y"})
    assert response.status_code == 200
    assert "Choose at least one member." in response.get_data(as_text=True)


def test_members_who_left_are_not_invited_even_if_chosen(app, people, make_meeting, make_member):
    former = make_member(left_on=date(2025, 1, 1))
    meeting = make_meeting()
    assert invitees.invite_members(meeting, [former.id, people["member"].id], clock.today()) != []
    assert _invited_ids(meeting) == {people["member"].id}


def test_an_external_guest_is_invited_by_name_and_lower_case_address(client, people, sign_in, make_meeting):
    meeting = make_meeting()
    sign_in(people["coordinator"])
    page = client.post(
        f"/meetings/{meeting.id}/invitees",
        data={"guest-name": "Greta Guest", "guest-email": " Greta.Guest@Partner.EU ", "guest-submit": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Greta Guest has been invited." in page
    (invitation,) = _invitations(meeting)
    assert invitation.member_id is None
    assert invitation.guest_email == "greta.guest@partner.eu"
    assert "greta.guest@partner.eu" in page

    page = client.post(
        f"/meetings/{meeting.id}/invitees",
        data={"guest-name": "Greta G.", "guest-email": "GRETA.GUEST@partner.eu", "guest-submit": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Greta Guest is already invited." in page
    assert len(_invitations(meeting)) == 1


def test_a_guest_with_a_members_address_is_invited_as_the_member(client, people, sign_in, make_meeting):
    meeting = make_meeting()
    member = people["member"]
    sign_in(people["coordinator"])
    page = client.post(
        f"/meetings/{meeting.id}/invitees",
        data={"guest-name": "Paolo", "guest-email": "PLAIN@example.org", "guest-submit": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "plain@example.org belongs to Paolo Member, who has been invited as a member." in page
    (invitation,) = _invitations(meeting)
    assert invitation.member_id == member.id
    assert invitation.guest_email is None

    invitation, added = invitees.invite_guest(meeting, "Paolo", "plain@example.org")
    assert not added
    assert invitation.member_id == member.id
    assert len(_invitations(meeting)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"guest-name": "Greta", "guest-email": "not-an-address"}, "Invalid email address."),
        ({"guest-name": "", "guest-email": "greta@partner.eu"}, "This field is required."),
        ({"guest-name": "Greta", "guest-email": ""}, "This field is required."),
    ],
)
def test_guests_need_a_name_and_a_valid_address(client, people, sign_in, make_meeting, data, message):
    meeting = make_meeting()
    sign_in(people["coordinator"])
    response = client.post(f"/meetings/{meeting.id}/invitees", data={**data, "guest-submit": "y"})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _invitations(meeting) == []


def test_the_service_checks_guests_too(app, people, make_meeting):
    meeting = make_meeting()
    with pytest.raises(rules.MeetingError) as caught:
        invitees.invite_guest(meeting, "Greta", "greta@")
    assert caught.value.field == "email"
    with pytest.raises(rules.MeetingError) as caught:
        invitees.invite_guest(meeting, "Greta\nBcc: someone", "greta@partner.eu")
    assert caught.value.field == "name"


def test_removing_an_invitee(client, people, sign_in, make_meeting):
    meeting = make_meeting(invitees=[people["member"]])
    other = make_meeting(invitees=[people["member"]])
    (invitation,) = _invitations(meeting)
    (elsewhere,) = _invitations(other)
    sign_in(people["coordinator"])
    assert client.post(f"/meetings/{meeting.id}/invitees/{elsewhere.id}/remove").status_code == 404
    page = client.post(
        f"/meetings/{meeting.id}/invitees/{invitation.id}/remove", follow_redirects=True
    ).get_data(as_text=True)
    assert "Paolo Member is no longer invited." in page
    assert _invitations(meeting) == []
    assert len(_invitations(other)) == 1
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject_id == meeting.id).order_by(AuditEntry.id.desc())
    ).first()
    assert entry.changes == {"invitees": ["Paolo Member <plain@example.org>", None]}


def test_someone_taken_off_a_confirmed_meeting_is_sent_a_cancellation_and_nobody_else(
    client, people, sign_in, make_meeting
):
    meeting = make_meeting(status=MeetingStatus.CONFIRMED, invitees=[people["member"], people["coordinator"]])
    removed = next(i for i in _invitations(meeting) if i.member_id == people["member"].id)
    draft = make_meeting(invitees=[people["member"]])
    (from_the_draft,) = _invitations(draft)
    sign_in(people["coordinator"])
    client.post(f"/meetings/{meeting.id}/invitees/{removed.id}/remove")
    client.post(f"/meetings/{draft.id}/invitees/{from_the_draft.id}/remove")
    mailed = db.session.execute(sa.select(OutboundMessage.purpose, OutboundMessage.recipient)).all()
    assert mailed == [("itip_cancel", people["member"].email)], "only the confirmed one was announced"


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.HELD])
def test_invitees_of_cancelled_and_held_meetings_are_frozen(client, people, sign_in, make_meeting, status):
    meeting = make_meeting(status=status, invitees=[people["member"]])
    (invitation,) = _invitations(meeting)
    sign_in(people["coordinator"])
    page = client.get(f"/meetings/{meeting.id}/invitees").get_data(as_text=True)
    assert "can no longer be changed" in page
    assert 'name="all-submit"' not in page
    page = client.post(
        f"/meetings/{meeting.id}/invitees", data={"all-submit": "y"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "its invitees can no longer be changed" in page
    client.post(f"/meetings/{meeting.id}/invitees/{invitation.id}/remove")
    assert len(_invitations(meeting)) == 1


@pytest.mark.parametrize("role", ["member", "coordination_team"])
def test_only_leaders_change_invitees(client, people, sign_in, make_meeting, role):
    meeting = make_meeting(invitees=[people["member"]])
    (invitation,) = _invitations(meeting)
    sign_in(people[role])
    assert client.get(f"/meetings/{meeting.id}/invitees").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/invitees", data={"all-submit": "y"}).status_code == 403
    assert client.post(f"/meetings/{meeting.id}/invitees/{invitation.id}/remove").status_code == 403
    assert len(_invitations(meeting)) == 1


def test_unknown_meetings_have_no_invitees_page(client, people, sign_in):
    sign_in(people["coordinator"])
    assert client.get("/meetings/999/invitees").status_code == 404
    assert client.post("/meetings/999/invitees/1/remove").status_code == 404


def test_an_invitation_that_slips_past_the_check_is_reported_not_a_server_error(
    client, people, sign_in, make_meeting, monkeypatch
):
    """Two coordinators inviting the same people at the same moment: the database's unique constraint wins."""
    meeting = make_meeting(invitees=[people["member"]])
    monkeypatch.setattr(invitees, "_invited_member_ids", lambda meeting: set())
    sign_in(people["coordinator"])
    response = client.post(
        f"/meetings/{meeting.id}/invitees", data={"all-submit": "y"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Someone else changed the invitees at the same moment" in response.get_data(as_text=True)
    assert len(_invitations(meeting)) == 1
