"""Approval of minutes always has a way through: at a later meeting held after circulation (never a day
before it), and the last plenary's minutes at the next plenary once it is held."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.minutes import lifecycle, writing
from nmg_ops.minutes.writing import MinutesError
from nmg_ops.models import Attendance, MeetingStatus, MinutesApproval, MinutesStatus
from tests.fixtures.factories import PASSWORD


def _held(make_meeting, people, code: str, title: str, days_ago: int = 7):
    meeting = make_meeting(
        code,
        starts_at=clock.now() - timedelta(days=days_ago),
        invitees=[people["member"]],
        status=MeetingStatus.CONFIRMED,
        title=title,
    )
    meeting.invitations[0].attendance = Attendance.PRESENT
    db.session.commit()
    return writing.meeting_for_minutes(meeting.id)


def _circulated(meeting, people, now=None):
    writing.save(meeting, {"opening": "Opened at 10:05."}, 0, people["coordination_team"].id)
    minutes = writing.minutes_of(meeting.id)
    lifecycle.circulate(meeting, minutes, now=now)
    return minutes


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def last_plenary(make_meeting, people):
    """The plenary held last week: the most recent one, no later plenary held yet."""
    return _held(make_meeting, people, "plenary", "Plenaria di novembre")


def test_a_day_of_approval_before_circulation_is_refused_with_a_message(make_meeting, people):
    bilateral = _held(make_meeting, people, "bilateral", "Bilateral with the ministry", days_ago=12)
    circulated_at = clock.now() - timedelta(days=2)
    minutes = _circulated(bilateral, people, now=circulated_at)
    with pytest.raises(MinutesError, match=r"circulated on .*cannot have been approved before") as refused:
        lifecycle.approve(
            bilateral,
            minutes,
            approved_on=clock.local(circulated_at).date() - timedelta(days=8),
            at_meeting=None,
            by_id=people["coordinator"].id,
        )
    assert refused.value.field == "approved_on"
    assert minutes.status is MinutesStatus.CIRCULATED


def test_a_meeting_held_before_circulation_cannot_have_approved_them(make_meeting, people):
    thematic = _held(make_meeting, people, "thematic", "Data spaces workshop", days_ago=20)
    plenary_before = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(days=10), status=MeetingStatus.CONFIRMED
    )
    minutes = _circulated(thematic, people, now=clock.now() - timedelta(days=2))
    assert lifecycle.approving_meetings(thematic, minutes, clock.now()) == []
    with pytest.raises(MinutesError, match="a meeting before then cannot have approved them") as refused:
        lifecycle.approve(
            thematic, minutes, approved_on=None, at_meeting=plenary_before, by_id=people["coordinator"].id
        )
    assert refused.value.field == "at_meeting"


def test_the_approval_page_refuses_a_day_before_circulation_under_its_field(app, make_meeting, people):
    bilateral = _held(make_meeting, people, "bilateral", "Bilateral with the ministry", days_ago=12)
    _circulated(bilateral, people, now=clock.now() - timedelta(days=2))
    coordinator = _client(app, people["coordinator"])
    early = (clock.today() - timedelta(days=9)).isoformat()
    response = coordinator.post(
        f"/meetings/{bilateral.id}/minutes/approve", data={"at_meeting": "", "approved_on": early}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "cannot have been approved before" in page
    db.session.expire_all()
    assert writing.minutes_of(bilateral.id).status is MinutesStatus.CIRCULATED


def test_the_last_plenarys_minutes_wait_for_the_next_plenary_without_a_dead_end(
    app, last_plenary, make_meeting, people
):
    next_plenary = make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=20), status=MeetingStatus.CONFIRMED, title="Next"
    )
    minutes = _circulated(last_plenary, people)
    assert minutes.approval_item.meeting_id == next_plenary.id
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{last_plenary.id}/minutes/approve").get_data(as_text=True)
    assert "Not at a meeting" not in page  # no choice offered only to be refused
    assert "Their approval is on the agenda of Next" in page


def test_the_last_plenarys_minutes_are_approved_at_the_next_plenary_once_held(
    app, last_plenary, make_meeting, people, monkeypatch
):
    next_plenary = make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=20), status=MeetingStatus.CONFIRMED, title="Next"
    )
    _circulated(last_plenary, people)
    later = next_plenary.starts_at + timedelta(hours=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{last_plenary.id}/minutes/approve").get_data(as_text=True)
    assert f'<option selected value="{next_plenary.id}">' in page  # the meeting with the approval item
    response = coordinator.post(
        f"/meetings/{last_plenary.id}/minutes/approve", data={"at_meeting": next_plenary.id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    minutes = writing.minutes_of(last_plenary.id)
    assert minutes.status is MinutesStatus.APPROVED
    assert (minutes.approved_at_meeting_id, minutes.approved_on) == (
        next_plenary.id,
        clock.local(next_plenary.starts_at).date(),
    )


def test_another_meetings_minutes_are_approved_at_the_next_plenary_once_held(make_meeting, people):
    thematic = _held(make_meeting, people, "thematic", "Data spaces workshop")
    next_plenary = make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=5), status=MeetingStatus.CONFIRMED
    )
    minutes = _circulated(thematic, people)
    assert minutes.approval_item.meeting_id == next_plenary.id
    with pytest.raises(MinutesError, match="has taken place"):
        lifecycle.approve(thematic, minutes, approved_on=None, at_meeting=next_plenary, by_id=None)
    held_then = next_plenary.starts_at + timedelta(hours=2)
    assert lifecycle.approving_meetings(thematic, minutes, held_then) == [next_plenary]
    lifecycle.approve(
        thematic,
        minutes,
        approved_on=None,
        at_meeting=next_plenary,
        by_id=people["coordinator"].id,
        now=held_then,
    )
    assert minutes.status is MinutesStatus.APPROVED
    assert minutes.approved_at_meeting_id == next_plenary.id


def test_team_approved_types_offer_approval_without_a_meeting(app, make_meeting, people):
    bilateral = _held(make_meeting, people, "bilateral", "Bilateral with the ministry")
    assert bilateral.type.minutes_approval is MinutesApproval.COORDINATOR
    _circulated(bilateral, people)
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{bilateral.id}/minutes/approve").get_data(as_text=True)
    assert "Not at a meeting" in page
    response = coordinator.post(f"/meetings/{bilateral.id}/minutes/approve", data={"at_meeting": ""})
    assert response.status_code == 302
    db.session.expire_all()
    minutes = writing.minutes_of(bilateral.id)
    assert (minutes.approved_on, minutes.approved_how) == (clock.today(), MinutesApproval.COORDINATOR)


def test_a_type_approved_at_its_own_meetings_waits_for_the_next_of_its_type(
    app, make_meeting, people, sign_in, client
):
    thematic_type = meeting_type("thematic")
    sign_in(people["coordinator"])
    form = client.get(f"/meetings/types/{thematic_type.id}/edit").get_data(as_text=True)
    assert "Meetings of this same type" in form
    response = client.post(
        f"/meetings/types/{thematic_type.id}/edit",
        data={
            "name": thematic_type.name,
            "default_mode": "hybrid",
            "target_per_year": "3",
            "min_onsite_per_year": "0",
            "default_duration_minutes": "180",
            "reminder_days": "7, 1",
            "minutes_comment_days": "10",
            "minutes_approval": "meeting",
            "minutes_approving_type_id": "",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting_type("thematic").minutes_approving_type_id is None
    thematic = _held(make_meeting, people, "thematic", "Data spaces workshop")
    make_meeting("plenary", starts_at=clock.now() + timedelta(days=3), status=MeetingStatus.CONFIRMED)
    next_thematic = make_meeting(
        "thematic", starts_at=clock.now() + timedelta(days=9), status=MeetingStatus.CONFIRMED
    )
    minutes = _circulated(thematic, people)
    assert minutes.approval_item.meeting_id == next_thematic.id
    later = next_thematic.starts_at + timedelta(hours=4)
    assert lifecycle.approving_meetings(thematic, minutes, later) == [next_thematic]
    lifecycle.approve(thematic, minutes, approved_on=None, at_meeting=next_thematic, by_id=None, now=later)
    assert minutes.approved_how is MinutesApproval.MEETING


def test_minutes_changed_after_circulation_show_their_differences_before_approval(
    app, last_plenary, make_meeting, people
):
    minutes = _circulated(last_plenary, people, now=clock.now() - timedelta(days=2))
    writing.save(
        last_plenary, {"opening": "Opened at 10:15."}, minutes.version, people["coordination_team"].id
    )
    approving = make_meeting(
        "plenary",
        starts_at=clock.now() - timedelta(hours=3),
        status=MeetingStatus.CONFIRMED,
        title="Dicembre",
    )
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{last_plenary.id}/minutes/approve").get_data(as_text=True)
    assert "Changed since circulation" in page
    assert re.search(r"<del>[^<]*05", page) and re.search(r"<ins>[^<]*15", page)
    assert "Circulate the changes again" in page

    url = f"/meetings/{last_plenary.id}/minutes/approve"
    unaware = coordinator.post(url, data={"at_meeting": approving.id, "revision": 2})
    assert unaware.status_code == 200
    assert "or approve revision 2 knowingly" in unaware.get_data(as_text=True)
    stale = coordinator.post(url, data={"at_meeting": approving.id, "revision": 1, "knowingly": "y"})
    assert "changed a moment ago" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert writing.minutes_of(last_plenary.id).status is MinutesStatus.CIRCULATED

    response = coordinator.post(url, data={"at_meeting": approving.id, "revision": 2, "knowingly": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    minutes = writing.minutes_of(last_plenary.id)
    assert (minutes.status, minutes.approved_version, minutes.circulated_version) == (
        MinutesStatus.APPROVED,
        2,
        1,
    )
    page = coordinator.get(f"/meetings/{last_plenary.id}/minutes").get_data(as_text=True)
    assert "Revision 2 was approved, with changes made after revision 1 was circulated." in page


def test_minutes_circulated_again_after_changes_are_approved_as_circulated(app, make_meeting, people):
    bilateral = _held(make_meeting, people, "bilateral", "Bilateral with the ministry")
    minutes = _circulated(bilateral, people, now=clock.now() - timedelta(days=2))
    writing.save(bilateral, {"opening": "Opened at 10:15."}, minutes.version, people["coordination_team"].id)
    lifecycle.circulate(bilateral, minutes)
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{bilateral.id}/minutes/approve").get_data(as_text=True)
    assert "Changed since circulation" not in page
    response = coordinator.post(
        f"/meetings/{bilateral.id}/minutes/approve", data={"at_meeting": "", "revision": 2}
    )
    assert response.status_code == 302
    db.session.expire_all()
    minutes = writing.minutes_of(bilateral.id)
    assert (minutes.approved_version, minutes.approved_with_later_changes) == (2, False)
    page = coordinator.get(f"/meetings/{bilateral.id}/minutes").get_data(as_text=True)
    assert "Revision 2 was approved, as circulated." in page
