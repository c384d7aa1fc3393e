"""Attendance: recorded by the coordination team once the meeting has started; recording marks it held."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, render_template_string
from flask_login import login_user

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import attendance
from nmg_ops.meetings.attendance import AttendanceError
from nmg_ops.models import Attendance, AuditEntry, Invitation, Meeting, MeetingStatus, Member, Rsvp


def _marks(meeting_id: int) -> dict[str, str | None]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Invitation).where(Invitation.meeting_id == meeting_id).order_by(Invitation.id)
    ).scalars()
    return {invitation.email: invitation.attendance for invitation in rows}


def _meeting(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            so.joinedload(Meeting.type),
            so.selectinload(Meeting.agenda_items),
            so.selectinload(Meeting.invitations)
            .joinedload(Invitation.member)
            .joinedload(Member.organisation),
        )
    )


def _field(meeting: Meeting, email: str) -> str:
    invitation = next(i for i in meeting.invitations if i.email == email)
    return f"mark-{invitation.id}"


def _render_attendance(app, member: Member, meeting: Meeting, now=None) -> str:
    with app.test_request_context():
        # The test's application context outlives the request, and with it the roles cached in `g`.
        g.pop("nmg_roles", None)
        g.pop("nmg_coordinator_id", None)
        login_user(member)
        return render_template_string(
            '{% include "meetings/_attendance.html" %}',
            meeting=meeting,
            my_invitation=None,
            now=now or clock.now(),
        )


@pytest.fixture
def invitees(people, make_member):
    return [people["member"], make_member(email="anna@example.org", full_name="Anna Rossi")]


@pytest.fixture
def held_yesterday(make_meeting, invitees):
    """A confirmed meeting that took place yesterday, with two members and a guest invited."""
    meeting = make_meeting(
        starts_at=clock.now() - timedelta(days=1), invitees=invitees, status=MeetingStatus.CONFIRMED
    )
    meeting.invitations.append(Invitation(guest_name="Greta Guest", guest_email="greta@guest.example"))
    meeting.invitations[0].rsvp = Rsvp.NO
    db.session.commit()
    return _meeting(meeting.id)


@pytest.fixture
def team_client(client, sign_in, people):
    sign_in(people["coordination_team"])
    return client


# --- the rules, without HTTP ------------------------------------------------------------------------------


def test_recording_marks_the_meeting_held_and_raises_the_sequence_once(held_yesterday):
    meeting = held_yesterday
    sequence = meeting.sequence
    ids = [i.id for i in meeting.invitations]
    assert attendance.record_attendance(meeting, {ids[0]: Attendance.EXCUSED}, clock.now()) == 1
    meeting = _meeting(meeting.id)
    assert (meeting.status, meeting.sequence) == (MeetingStatus.HELD, sequence + 1)
    assert attendance.record_attendance(meeting, {ids[1]: "present", ids[2]: "absent"}, clock.now()) == 2
    meeting = _meeting(meeting.id)
    assert meeting.sequence == sequence + 1, "already held: the status did not change again"
    assert [i.attendance for i in meeting.invitations] == ["excused", "present", "absent"]


def test_recording_is_refused_before_the_start_and_for_cancelled_meetings(make_meeting, invitees):
    upcoming = make_meeting(invitees=invitees, status=MeetingStatus.CONFIRMED)
    with pytest.raises(AttendanceError, match="once the meeting has started"):
        attendance.record_attendance(upcoming, {upcoming.invitations[0].id: "present"}, clock.now())
    cancelled = make_meeting(starts_at=clock.now() - timedelta(days=1), invitees=invitees)
    cancelled.status = MeetingStatus.CANCELLED
    db.session.commit()
    with pytest.raises(AttendanceError, match="cancelled"):
        attendance.record_attendance(cancelled, {cancelled.invitations[0].id: "present"}, clock.now())
    assert _marks(upcoming.id) == {"plain@example.org": None, "anna@example.org": None}
    assert db.session.get(Meeting, cancelled.id).status is MeetingStatus.CANCELLED


def test_recording_refuses_people_not_invited_and_unknown_marks(held_yesterday, make_meeting, invitees):
    other = make_meeting(starts_at=clock.now() - timedelta(days=2), invitees=invitees)
    with pytest.raises(AttendanceError, match="not invited"):
        attendance.record_attendance(held_yesterday, {other.invitations[0].id: "present"}, clock.now())
    with pytest.raises(AttendanceError, match="present, absent or excused"):
        attendance.record_attendance(held_yesterday, {held_yesterday.invitations[0].id: "late"}, clock.now())
    assert set(_marks(held_yesterday.id).values()) == {None}
    assert db.session.get(Meeting, held_yesterday.id).status is MeetingStatus.CONFIRMED


# --- the page ---------------------------------------------------------------------------------------------


def test_the_sheet_lists_members_then_guests_with_their_answers_and_nothing_preselected(
    team_client, held_yesterday
):
    page = team_client.get(f"/meetings/{held_yesterday.id}/attendance").get_data(as_text=True)
    names = re.findall(r'<th scope="row"[^>]*>\s*([^<]+?)\s*<div', page)
    assert names == ["Anna Rossi", "Paolo Member", "Greta Guest"]
    assert "I will not attend" in page
    assert "Guest" in page
    assert "checked" not in page


def test_saving_records_marks_the_meeting_held_and_is_audited(team_client, held_yesterday):
    meeting = held_yesterday
    sequence = meeting.sequence
    data = {
        _field(meeting, "plain@example.org"): "excused",
        _field(meeting, "anna@example.org"): "present",
        _field(meeting, "greta@guest.example"): "absent",
    }
    response = team_client.post(f"/meetings/{meeting.id}/attendance", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting.id}#attendance"
    assert _marks(meeting.id) == {
        "plain@example.org": "excused",
        "anna@example.org": "present",
        "greta@guest.example": "absent",
    }
    meeting = _meeting(meeting.id)
    assert (meeting.status, meeting.sequence) == (MeetingStatus.HELD, sequence + 1)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_type == "meeting"))
    assert entry.subject_id == meeting.id
    assert entry.changes["status"] == ["confirmed", "held"]
    assert entry.changes["Anna Rossi <anna@example.org>"] == [None, "present"]

    page = team_client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert len(re.findall(r"checked", page)) == 3, (
        "recorded marks are pre-selected when the sheet is reopened"
    )


def test_rows_left_out_keep_their_earlier_mark(team_client, held_yesterday):
    meeting = held_yesterday
    sequence = meeting.sequence
    team_client.post(
        f"/meetings/{meeting.id}/attendance", data={_field(meeting, "anna@example.org"): "present"}
    )
    team_client.post(
        f"/meetings/{meeting.id}/attendance", data={_field(meeting, "plain@example.org"): "excused"}
    )
    assert _marks(meeting.id) == {
        "plain@example.org": "excused",
        "anna@example.org": "present",
        "greta@guest.example": None,
    }
    assert _meeting(meeting.id).sequence == sequence + 1


def test_an_invalid_mark_is_reported_and_nothing_is_saved(team_client, held_yesterday):
    meeting = held_yesterday
    data = {_field(meeting, "anna@example.org"): "present", _field(meeting, "plain@example.org"): "asleep"}
    response = team_client.post(f"/meetings/{meeting.id}/attendance", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Some marks could not be saved" in page
    assert "Not a valid choice." in page
    assert set(_marks(meeting.id).values()) == {None}
    assert _meeting(meeting.id).status is MeetingStatus.CONFIRMED


def test_before_the_start_the_team_is_sent_back_to_the_meeting(team_client, make_meeting, invitees):
    upcoming = make_meeting(invitees=invitees, status=MeetingStatus.CONFIRMED)
    for response in (
        team_client.get(f"/meetings/{upcoming.id}/attendance"),
        team_client.post(
            f"/meetings/{upcoming.id}/attendance", data={f"mark-{upcoming.invitations[0].id}": "present"}
        ),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == f"/meetings/{upcoming.id}"
    with team_client.session_transaction() as session:
        assert [m for _c, m in session["_flashes"]] == [
            "Attendance can be recorded once the meeting has started."
        ] * 2
    assert _meeting(upcoming.id).status is MeetingStatus.CONFIRMED
    assert set(_marks(upcoming.id).values()) == {None}


def test_cancelled_meetings_have_no_attendance(team_client, make_meeting, invitees):
    cancelled = make_meeting(
        starts_at=clock.now() - timedelta(days=1), invitees=invitees, status=MeetingStatus.CANCELLED
    )
    response = team_client.post(
        f"/meetings/{cancelled.id}/attendance", data={f"mark-{cancelled.invitations[0].id}": "present"}
    )
    assert response.status_code == 302
    assert _meeting(cancelled.id).status is MeetingStatus.CANCELLED


def test_unknown_meetings_are_not_found(team_client):
    assert team_client.get("/meetings/999999/attendance").status_code == 404


def test_a_meeting_without_invitees_can_still_be_marked_held(team_client, make_meeting):
    empty = make_meeting(starts_at=clock.now() - timedelta(hours=3))
    page = team_client.get(f"/meetings/{empty.id}/attendance").get_data(as_text=True)
    assert "Nobody was invited to this meeting." in page
    assert team_client.post(f"/meetings/{empty.id}/attendance").status_code == 302
    assert _meeting(empty.id).status is MeetingStatus.HELD


@pytest.mark.parametrize("role", ["public", "member"])
def test_attendance_is_for_the_coordination_team_only(app, people, held_yesterday, role):
    client = app.test_client()
    if people[role] is not None:
        client.post("/sign-in", data={"email": people[role].email, "password": "correct horse battery"})
    url = f"/meetings/{held_yesterday.id}/attendance"
    responses = [
        client.get(url),
        client.post(url, data={_field(held_yesterday, "anna@example.org"): "present"}),
    ]
    expected = 403 if role == "member" else 302
    assert [r.status_code for r in responses] == [expected, expected]
    assert set(_marks(held_yesterday.id).values()) == {None}


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_the_leaders_may_record_attendance(client, sign_in, people, held_yesterday, role):
    sign_in(people[role])
    field = _field(held_yesterday, "anna@example.org")
    assert (
        client.post(f"/meetings/{held_yesterday.id}/attendance", data={field: "present"}).status_code == 302
    )
    assert _marks(held_yesterday.id)["anna@example.org"] == "present"


def test_the_sheet_takes_the_same_queries_for_5_and_100_invitees(
    team_client, make_meeting, make_member, make_org, count_queries
):
    organisation = make_org()

    def measure(size: int) -> tuple[int, int]:
        members = [make_member(organisation=make_org() if n % 2 else organisation) for n in range(size)]
        meeting = make_meeting(starts_at=clock.now() - timedelta(days=1), invitees=members)
        url = f"/meetings/{meeting.id}/attendance"
        data = {f"mark-{invitation.id}": "present" for invitation in meeting.invitations}
        with count_queries() as shown:
            assert team_client.get(url).status_code == 200
        with count_queries() as saved:
            assert team_client.post(url, data=data).status_code == 302
        assert set(_marks(meeting.id).values()) == {"present"}
        return shown.count, saved.count

    assert measure(5) == measure(100)


# --- the partial on the meeting page ----------------------------------------------------------------------


def test_the_partial_summarises_attendance_for_the_team_after_the_start(app, held_yesterday, people):
    meeting = held_yesterday
    ids = [i.id for i in meeting.invitations]
    attendance.record_attendance(meeting, {ids[0]: "excused", ids[1]: "present"}, clock.now())
    page = _render_attendance(app, people["coordination_team"], _meeting(meeting.id))
    assert f'href="/meetings/{meeting.id}/attendance"' in page
    assert "Change attendance" in page
    for text in ("Present: 1", "Absent: 0", "Excused: 1", "Not recorded: 1"):
        assert text in page
    assert _render_attendance(app, people["member"], _meeting(meeting.id)).strip() == ""


def test_the_partial_shows_nothing_before_the_start(app, make_meeting, invitees, people):
    upcoming = make_meeting(invitees=invitees, status=MeetingStatus.CONFIRMED)
    assert _render_attendance(app, people["coordination_team"], _meeting(upcoming.id)).strip() == ""
    page = _render_attendance(
        app, people["coordination_team"], _meeting(upcoming.id), now=upcoming.starts_at + timedelta(minutes=1)
    )
    assert "Record attendance" in page


def test_the_meeting_page_shows_the_summary_to_the_team_only(client, sign_in, people, held_yesterday):
    meeting = held_yesterday
    field = _field(meeting, "anna@example.org")
    sign_in(people["coordination_team"])
    response = client.post(
        f"/meetings/{meeting.id}/attendance", data={field: "present"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Attendance saved; the meeting is marked as held." in page
    assert "Present: 1" in page
    assert "Not recorded: 2" in page
    client.post("/sign-out")
    sign_in(people["member"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="attendance-summary"' not in page
    assert f"/meetings/{meeting.id}/attendance" not in page
