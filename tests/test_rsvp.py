"""Answers to invitations: members answer their own, and may change it until the meeting starts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template_string
from flask_login import login_user

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import attendance
from nmg_ops.meetings.attendance import AttendanceError
from nmg_ops.models import Invitation, Meeting, MeetingStatus, Member, Rsvp


def _invitation(meeting: Meeting, member: Member) -> Invitation:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.member_id == member.id)
    )


def _render_rsvp(app, member: Member, meeting_id: int, now=None) -> str:
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    with app.test_request_context():
        login_user(member)
        return render_template_string(
            '{% include "meetings/_rsvp.html" %}',
            meeting=meeting,
            my_invitation=next((i for i in meeting.invitations if i.member_id == member.id), None),
            now=now or clock.now(),
        )


@pytest.fixture
def invited(people, make_member):
    return {"me": people["member"], "colleague": make_member(email="colleague@example.org")}


@pytest.fixture
def meeting(make_meeting, invited):
    return make_meeting(invitees=[invited["me"], invited["colleague"]], status=MeetingStatus.CONFIRMED)


@pytest.fixture
def me(client, sign_in, invited):
    return sign_in(invited["me"])


# --- the rules, without HTTP ------------------------------------------------------------------------------


def test_an_answer_is_stored_with_its_time_and_can_change_until_the_start(meeting, invited):
    invitation = _invitation(meeting, invited["me"])
    first = meeting.starts_at - timedelta(days=3)
    attendance.answer(invitation, Rsvp.YES, first)
    assert (invitation.rsvp, invitation.rsvp_at) == (Rsvp.YES, first)
    last_moment = meeting.starts_at - timedelta(seconds=1)
    attendance.answer(invitation, Rsvp.NO, last_moment)
    assert (_invitation(meeting, invited["me"]).rsvp, invitation.rsvp_at) == (Rsvp.NO, last_moment)
    with pytest.raises(AttendanceError, match="already started"):
        attendance.answer(invitation, Rsvp.MAYBE, meeting.starts_at)
    assert _invitation(meeting, invited["me"]).rsvp is Rsvp.NO


def test_a_cancelled_meeting_takes_no_answers(make_meeting, invited):
    cancelled = make_meeting(invitees=[invited["me"]], status=MeetingStatus.CANCELLED)
    with pytest.raises(AttendanceError, match="cancelled"):
        attendance.answer(_invitation(cancelled, invited["me"]), Rsvp.YES, clock.now())


# --- the route --------------------------------------------------------------------------------------------


def test_a_member_answers_and_changes_their_answer(client, me, meeting, invited):
    before = clock.now()
    response = client.post(f"/meetings/{meeting.id}/rsvp", data={"answer": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting.id}#rsvp"
    invitation = _invitation(meeting, me)
    assert invitation.rsvp is Rsvp.YES
    assert invitation.rsvp_at >= before
    for answer in ("no", "maybe"):
        client.post(f"/meetings/{meeting.id}/rsvp", data={"answer": answer})
        assert _invitation(meeting, me).rsvp == answer
    assert _invitation(meeting, invited["colleague"]).rsvp is None


def test_only_the_members_own_invitation_is_answered(client, me, meeting, invited, make_meeting, people):
    colleague = invited["colleague"]
    # Naming someone else in the request changes nothing: the invitation is found by the signed-in member.
    client.post(
        f"/meetings/{meeting.id}/rsvp",
        data={"answer": "no", "member_id": colleague.id, "invitation_id": _invitation(meeting, colleague).id},
    )
    assert _invitation(meeting, me).rsvp is Rsvp.NO
    assert _invitation(meeting, colleague).rsvp is None
    theirs = make_meeting("thematic", invitees=[colleague])
    assert client.post(f"/meetings/{theirs.id}/rsvp", data={"answer": "yes"}).status_code == 404
    assert _invitation(theirs, colleague).rsvp is None
    assert client.post("/meetings/999999/rsvp", data={"answer": "yes"}).status_code == 404


def test_not_invited_is_not_found_even_for_the_coordinator(client, sign_in, meeting, people):
    sign_in(people["coordinator"])
    assert client.post(f"/meetings/{meeting.id}/rsvp", data={"answer": "yes"}).status_code == 404


def test_answers_are_refused_once_the_meeting_has_started(client, me, make_meeting):
    started = make_meeting(
        starts_at=clock.now() - timedelta(minutes=5), invitees=[me], status=MeetingStatus.CONFIRMED
    )
    response = client.post(f"/meetings/{started.id}/rsvp", data={"answer": "yes"}, follow_redirects=False)
    assert response.status_code == 302
    with client.session_transaction() as session:
        messages = [message for _category, message in session["_flashes"]]
    assert messages == ["This meeting has already started; answers can no longer be changed."]
    assert _invitation(started, me).rsvp is None


def test_answers_are_refused_for_cancelled_meetings(client, me, make_meeting):
    cancelled = make_meeting(invitees=[me], status=MeetingStatus.CANCELLED)
    client.post(f"/meetings/{cancelled.id}/rsvp", data={"answer": "yes"})
    with client.session_transaction() as session:
        assert [m for _c, m in session["_flashes"]] == ["This meeting has been cancelled."]
    assert _invitation(cancelled, me).rsvp is None


@pytest.mark.parametrize("data", [{"answer": "perhaps"}, {"answer": ""}, {}])
def test_an_unknown_answer_changes_nothing(client, me, meeting, data):
    response = client.post(f"/meetings/{meeting.id}/rsvp", data=data)
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert [m for _c, m in session["_flashes"]] == ["Choose one of the answers."]
    assert _invitation(meeting, me).rsvp is None


def test_visitors_are_sent_to_sign_in(client, meeting):
    response = client.post(f"/meetings/{meeting.id}/rsvp", data={"answer": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


# --- the partial on the meeting page ----------------------------------------------------------------------


def test_before_the_start_the_partial_offers_three_answers_with_the_current_one_pressed(
    app, meeting, invited
):
    page = _render_rsvp(app, invited["me"], meeting.id)
    assert "You have not answered yet." in page
    assert 'name="csrf_token"' in page
    assert f'action="/meetings/{meeting.id}/rsvp"' in page
    buttons = re.findall(r'value="(yes|no|maybe)" aria-pressed="(true|false)">\s*([^<]+?)\s*</button>', page)
    assert buttons == [
        ("yes", "false", "I will attend"),
        ("no", "false", "I will not attend"),
        ("maybe", "false", "Maybe"),
    ]
    attendance.answer(_invitation(meeting, invited["me"]), Rsvp.MAYBE, clock.now())
    page = _render_rsvp(app, invited["me"], meeting.id)
    assert "You answered: Maybe." in page
    assert 'value="maybe" aria-pressed="true"' in page


def test_after_the_start_the_partial_shows_the_recorded_answer_only(app, meeting, invited):
    attendance.answer(_invitation(meeting, invited["me"]), Rsvp.YES, clock.now())
    page = _render_rsvp(app, invited["me"], meeting.id, now=meeting.starts_at)
    assert "You answered: I will attend." in page
    assert "<form" not in page
    page = _render_rsvp(app, invited["colleague"], meeting.id, now=meeting.starts_at)
    assert "You did not answer." in page


def test_the_partial_offers_no_answers_for_cancelled_meetings_or_to_people_not_invited(
    app, make_meeting, invited, people
):
    cancelled = make_meeting(invitees=[invited["me"]], status=MeetingStatus.CANCELLED)
    assert "<form" not in _render_rsvp(app, invited["me"], cancelled.id)
    assert _render_rsvp(app, people["coordinator"], cancelled.id).strip() == ""


def test_the_meeting_page_shows_the_answer_given(client, me, meeting):
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "You have not answered yet." in page
    response = client.post(f"/meetings/{meeting.id}/rsvp", data={"answer": "yes"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your answer has been recorded: I will attend." in page
    assert "You answered: I will attend." in page
    assert 'value="yes" aria-pressed="true"' in page
