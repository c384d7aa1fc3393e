"""Scheduling, confirming, cancelling and deleting meetings; who sees them; the list and detail pages."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import lifecycle, queries, rules
from nmg_ops.meetings.types import meeting_type, meeting_types
from nmg_ops.models import (
    AgendaItem,
    AuditEntry,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Member,
    Organisation,
    Rsvp,
    StakeholderType,
)
from nmg_ops.permissions import Role
from tests.fixtures.factories import PASSWORD_HASH
from tests.fixtures.pages import answer_buttons

ROME = ZoneInfo("Europe/Rome")
#: what the confirmation page posts along with the form
CONFIRMED = {"confirmed": "yes"}


def _day(days_ahead: int = 30) -> date:
    return clock.today() + timedelta(days=days_ahead)


def _at(days_ahead: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(_day(days_ahead), time(hour, minute), tzinfo=ROME)


def _form(**overrides) -> dict:
    data = {
        "type_id": str(meeting_type("plenary").id),
        "title": "Second plenary of the year",
        "day": _day().isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "mode": "online",
        "video_url": "https://meet.example.org/nmg",
        "description": "We discuss the **work plan**.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _meetings() -> list[Meeting]:
    return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.id)))


def _audit(meeting_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == "meeting", AuditEntry.subject_id == meeting_id)
            .order_by(AuditEntry.id)
        )
    )


def _bulk_members(count: int, prefix: str) -> list[Member]:
    """Many members, each of their own organisation, in one commit."""
    members = []
    for n in range(count):
        org = Organisation(name=f"{prefix} organisation {n}", stakeholder_type=StakeholderType.RESEARCH)
        members.append(
            Member(
                email=f"{prefix}{n}@example.org",
                full_name=f"{prefix.title()} {n:03d}",
                organisation=org,
                password_hash=PASSWORD_HASH,
                language="en",
                joined_on=date(2024, 1, 1),
            )
        )
    db.session.add_all(members)
    db.session.commit()
    return members


# --- who may schedule -----------------------------------------------------------------------------------


def test_the_coordinator_schedules_a_draft_meeting(client, people, sign_in):
    sign_in(people["coordinator"])
    page = client.get("/meetings/new").get_data(as_text=True)
    assert "Europe/Rome" in page
    response = client.post("/meetings/new", data=_form())
    (meeting,) = _meetings()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.status is MeetingStatus.DRAFT
    assert meeting.organiser_id == people["coordinator"].id
    assert meeting.sequence == 0
    assert meeting.calendar_uid.endswith("@test.nmg.invalid")
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Second plenary of the year" in detail
    assert "<strong>work plan</strong>" in detail
    assert "Carla Coordinator" in detail
    assert [entry.action for entry in _audit(meeting.id)] == ["created"]


@pytest.mark.parametrize("role", ["member", "coordination_team"])
def test_only_the_coordinator_and_administrators_schedule(client, people, sign_in, role):
    sign_in(people[role])
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=_form()).status_code == 403
    assert _meetings() == []


def test_an_administrator_schedules_too(client, people, sign_in):
    sign_in(people["admin"])
    assert client.post("/meetings/new", data=_form()).status_code == 302
    assert len(_meetings()) == 1


def test_the_meeting_pages_need_sign_in(client, people, make_meeting):
    meeting = make_meeting(is_public=True, status=MeetingStatus.CONFIRMED)
    for path in ("/meetings/", "/meetings/my", f"/meetings/{meeting.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_an_empty_mode_and_end_take_the_types_usual_settings(client, people, sign_in):
    sign_in(people["coordinator"])
    thematic = meeting_type("thematic")
    client.post("/meetings/new", data=_form(type_id=str(thematic.id), mode="", end_time=""))
    (meeting,) = _meetings()
    assert meeting.mode is MeetingMode.HYBRID
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=180)


def test_a_duration_sets_the_end_when_no_end_time_is_given(client, people, sign_in):
    sign_in(people["coordinator"])
    client.post("/meetings/new", data=_form(end_time="", duration_minutes="45"))
    (meeting,) = _meetings()
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=45)


def _invite_all_box(page: str) -> str:
    return re.search(r'<input[^>]*name="invite_all"[^>]*>', page).group(0)


def test_the_chosen_type_preselects_itself_and_whether_everyone_is_invited(client, people, sign_in):
    sign_in(people["coordinator"])
    bilateral = meeting_type("bilateral")
    page = client.get("/meetings/new?type=bilateral").get_data(as_text=True)
    assert f'<option selected value="{bilateral.id}">' in page
    assert "checked" not in _invite_all_box(page)
    page = client.get("/meetings/new?type=plenary").get_data(as_text=True)
    assert "checked" in _invite_all_box(page)
    # Without a choice the first type is offered, with the NMG's usual start time.
    page = client.get("/meetings/new").get_data(as_text=True)
    assert f'<option selected value="{meeting_type("plenary").id}">' in page
    assert 'value="10:00"' in page


def test_creating_with_invite_all_invites_every_current_member(client, people, sign_in, make_member):
    former = make_member(email="former@example.org", left_on=date(2025, 1, 1))
    sign_in(people["coordinator"])
    client.post("/meetings/new", data=_form(invite_all="y"))
    (meeting,) = _meetings()
    invited = {invitation.member_id for invitation in meeting.invitations}
    assert invited == {m.id for m in people.values() if m is not None}
    assert former.id not in invited
    assert [entry.action for entry in _audit(meeting.id)] == ["created", "invited"]


# --- validation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "09:00"}, "The meeting must end after it starts."),
        ({"end_time": "10:00"}, "The meeting must end after it starts."),
        ({"end_time": "", "duration_minutes": str(73 * 60)}, "A meeting can last at most 72 hours."),
        ({"end_day": (_day() + timedelta(days=4)).isoformat()}, "A meeting can last at most 72 hours."),
        ({"end_time": "", "duration_minutes": "9" * 15}, "A meeting can last at most 72 hours."),
        ({"day": "0202-03-01"}, "Choose a date within 10 years of today."),
        ({"end_day": "9999-12-31", "end_time": "23:00"}, "Choose a date within 10 years of today."),
        ({"end_day": _day().isoformat(), "end_time": ""}, "Give the time the meeting ends on its last day."),
        ({"video_url": "http://meet.example.org/nmg"}, "Use a secure web address starting with https://."),
        ({"video_url": "meet.example.org"}, "Use a secure web address starting with https://."),
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"description": "x" * 20_001}, "Field cannot be longer than 20000 characters."),
        ({"day": ""}, "This field is required."),
        ({"start_time": "25:00"}, "Not a valid time value."),
        ({"type_id": "999"}, "Not a valid choice."),
    ],
)
def test_invalid_meetings_are_refused_with_a_message(client, people, sign_in, overrides, message):
    sign_in(people["coordinator"])
    response = client.post("/meetings/new", data=_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _meetings() == []


def test_a_meeting_over_two_days_fits_with_a_last_day(client, people, sign_in):
    sign_in(people["coordinator"])
    event = meeting_type("partnership_event")
    client.post(
        "/meetings/new",
        data=_form(
            type_id=str(event.id),
            mode="hybrid",
            venue="Brussels",
            end_day=(_day() + timedelta(days=1)).isoformat(),
            end_time="17:00",
        ),
    )
    (meeting,) = _meetings()
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=31)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"video_url": "http://meet.example.org/nmg"}, "video_url"),
        ({"video_url": "https://"}, "video_url"),
        ({"title": "Two\nlines"}, "title"),
        ({"title": "   "}, "title"),
        ({"venue": "v" * 301}, "venue"),
    ],
)
def test_the_service_guards_callers_that_skip_the_form(app, people, change, field):
    data = rules.MeetingData(
        type_id=meeting_type("plenary").id, **{"title": "T", **change}, day=_day(), start_time=time(10)
    )
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.create_meeting(data, None)
    assert caught.value.field == field
    assert _meetings() == []


def test_an_inactive_type_is_not_offered_for_new_meetings(app, people):
    bilateral = meeting_type("bilateral")
    bilateral.is_active = False
    db.session.commit()
    data = rules.MeetingData(type_id=bilateral.id, title="T", day=_day(), start_time=time(10))
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.create_meeting(data, None)
    assert caught.value.field == "type_id"


# --- editing and the sequence ---------------------------------------------------------------------------


def _data_of(meeting: Meeting, **overrides) -> rules.MeetingData:
    start = clock.local(meeting.starts_at)
    end = clock.local(meeting.ends_at)
    values = {
        "type_id": meeting.type_id,
        "title": meeting.title,
        "day": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "mode": meeting.mode,
        "venue": meeting.venue,
        "video_url": meeting.video_url,
        "is_public": meeting.is_public,
        "description": meeting.description,
    }
    values.update(overrides)
    return rules.MeetingData(**values)


@pytest.mark.parametrize(
    ("change", "material"),
    [
        ({"start_time": time(9, 0)}, True),
        ({"end_time": time(13, 0)}, True),
        ({"day": _day(31)}, True),
        ({"mode": MeetingMode.HYBRID, "venue": "Roma"}, True),
        ({"venue": "Ministero della Salute, sala B"}, True),
        ({"video_url": "https://meet.example.org/other"}, True),
        ({"title": "A better title"}, False),
        ({"description": "New notes"}, False),
        ({"is_public": True}, False),
        ({}, False),
    ],
)
def test_the_sequence_rises_on_material_changes_only(app, people, make_meeting, change, material):
    meeting = make_meeting(starts_at=_at(30), mode=MeetingMode.ONLINE)
    assert lifecycle.update_meeting(meeting, _data_of(meeting, **change)) is material
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).sequence == (1 if material else 0)
    assert len(_audit(meeting.id)) == (0 if not change else 1)


def test_editing_through_the_form_raises_the_sequence_once(client, people, sign_in, make_meeting):
    meeting = make_meeting(starts_at=_at(30), mode=MeetingMode.ONLINE, title="Plenary")
    sign_in(people["coordinator"])
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in page
    response = client.post(f"/meetings/{meeting.id}/edit", data=_form(title="Plenary", start_time="11:00"))
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.sequence == 1
    assert clock.local(meeting.starts_at).time() == time(11, 0)
    (entry,) = _audit(meeting.id)
    assert entry.action == "updated"
    assert set(entry.changes) >= {"starts_at", "description"}


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.HELD])
def test_cancelled_and_held_meetings_cannot_be_edited(client, people, sign_in, make_meeting, status):
    meeting = make_meeting(status=status, title="Old title")
    sign_in(people["coordinator"])
    response = client.get(f"/meetings/{meeting.id}/edit", follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/edit", data=_form(title="New title"))
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Old title"
    with pytest.raises(rules.MeetingError):
        lifecycle.update_meeting(meeting, _data_of(meeting, title="New title"))


def test_a_confirmed_meeting_keeps_what_confirming_required(app, people, make_meeting):
    meeting = make_meeting(
        status=MeetingStatus.CONFIRMED, mode=MeetingMode.ONLINE, invitees=[people["member"]]
    )
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.update_meeting(meeting, _data_of(meeting, mode=MeetingMode.HYBRID, venue=""))
    assert caught.value.field == "venue"
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.update_meeting(meeting, _data_of(meeting, day=clock.today() - timedelta(days=1)))
    assert caught.value.field == "start_time"


# --- confirming, cancelling, deleting -------------------------------------------------------------------


def test_confirming_a_ready_meeting_raises_the_sequence(client, people, sign_in, make_meeting):
    meeting = make_meeting(invitees=[people["member"]])
    sign_in(people["coordinator"])
    page = client.post(f"/meetings/{meeting.id}/confirm", data=CONFIRMED, follow_redirects=True).get_data(
        as_text=True
    )
    assert "is confirmed" in page
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status is MeetingStatus.CONFIRMED
    assert meeting.sequence == 1
    assert _audit(meeting.id)[-1].action == "confirmed"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"mode": MeetingMode.ONSITE, "venue": ""}, "Add a venue: onsite and hybrid meetings need one."),
        ({"mode": MeetingMode.HYBRID, "venue": ""}, "Add a venue: onsite and hybrid meetings need one."),
        (
            {"mode": MeetingMode.ONLINE, "video_url": ""},
            "Add a video link: online and hybrid meetings need one.",
        ),
        (
            {"mode": MeetingMode.HYBRID, "video_url": ""},
            "Add a video link: online and hybrid meetings need one.",
        ),
        ({"starts_at": _at(-2)}, "The meeting is in the past; only upcoming meetings can be confirmed."),
        ({"invitees": []}, "Nobody is invited yet; add the invitees first."),
    ],
)
def test_confirming_is_refused_until_the_meeting_is_ready(client, people, sign_in, make_meeting, kw, message):
    meeting = make_meeting(**{"invitees": [people["member"]], **kw})
    sign_in(people["coordinator"])
    before = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Before this meeting can be confirmed" in before
    assert message in before
    page = client.post(f"/meetings/{meeting.id}/confirm", data=CONFIRMED, follow_redirects=True).get_data(
        as_text=True
    )
    assert f'role="alert">{message}' in page
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status is MeetingStatus.DRAFT
    assert meeting.sequence == 0


def test_a_meeting_is_confirmed_once(app, people, make_meeting):
    meeting = make_meeting(invitees=[people["member"]])
    lifecycle.confirm_meeting(meeting, clock.now())
    with pytest.raises(rules.MeetingError, match="already confirmed"):
        lifecycle.confirm_meeting(meeting, clock.now())
    assert meeting.sequence == 1


def test_cancelling_keeps_the_meeting_and_raises_the_sequence(client, people, sign_in, make_meeting):
    meeting = make_meeting(status=MeetingStatus.CONFIRMED, invitees=[people["member"]])
    meeting.sequence = 3
    sign_in(people["coordinator"])
    page = client.post(f"/meetings/{meeting.id}/cancel", data=CONFIRMED, follow_redirects=True).get_data(
        as_text=True
    )
    assert "has been cancelled" in page
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status is MeetingStatus.CANCELLED
    assert meeting.sequence == 4
    assert len(meeting.invitations) == 1
    assert _audit(meeting.id)[-1].changes == {"status": ["confirmed", "cancelled"]}
    listed = client.get("/meetings/").get_data(as_text=True)
    assert meeting.title in listed
    assert "Cancelled" in listed


def test_held_meetings_cannot_be_cancelled(client, people, sign_in, make_meeting):
    meeting = make_meeting(status=MeetingStatus.HELD, starts_at=_at(-3))
    sign_in(people["coordinator"])
    page = client.post(f"/meetings/{meeting.id}/cancel", data=CONFIRMED, follow_redirects=True).get_data(
        as_text=True
    )
    assert "it cannot be cancelled" in page
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.HELD


def test_only_a_draft_without_invitees_can_be_deleted(client, people, sign_in, make_meeting):
    empty = make_meeting(title="Empty draft")
    db.session.add(AgendaItem(meeting=empty, position=1, title="Welcome"))
    invited = make_meeting(title="Draft with invitees", invitees=[people["member"]])
    confirmed = make_meeting(title="Confirmed", status=MeetingStatus.CONFIRMED)
    sign_in(people["coordinator"])
    assert "Delete draft" in client.get(f"/meetings/{empty.id}").get_data(as_text=True)
    assert "Delete draft" not in client.get(f"/meetings/{invited.id}").get_data(as_text=True)
    for meeting in (invited, confirmed):
        page = client.post(f"/meetings/{meeting.id}/delete", follow_redirects=True).get_data(as_text=True)
        assert "Only a draft without invitees can be deleted" in page
    empty_id = empty.id
    response = client.post(f"/meetings/{empty_id}/delete")
    assert response.headers["Location"].endswith("/meetings/")
    assert [m.title for m in _meetings()] == ["Draft with invitees", "Confirmed"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaItem)) == 0
    assert _audit(empty_id)[-1].action == "deleted"


def test_unknown_meetings_are_not_found(client, people, sign_in, make_meeting):
    sign_in(people["coordinator"])
    for path in ("/meetings/999", "/meetings/999/edit"):
        assert client.get(path).status_code == 404
    for path in ("/meetings/999/confirm", "/meetings/999/cancel", "/meetings/999/delete"):
        assert client.post(path).status_code == 404


# --- who sees what --------------------------------------------------------------------------------------


def test_a_member_sees_only_meetings_that_concern_them(client, people, sign_in, make_meeting):
    member = people["member"]
    invited = make_meeting(title="Invited plenary", invitees=[member], status=MeetingStatus.CONFIRMED)
    invited_draft = make_meeting(title="Invited draft", invitees=[member])
    public = make_meeting(title="Public plenary", is_public=True, status=MeetingStatus.CONFIRMED)
    public_draft = make_meeting(title="Public draft", is_public=True)
    private = make_meeting(title="Private bilateral", status=MeetingStatus.CONFIRMED)
    sign_in(member)

    listed = client.get("/meetings/").get_data(as_text=True)
    assert "Invited plenary" in listed
    assert "Public plenary" in listed
    assert "Invited draft" not in listed, "nobody is told of a draft until it is confirmed"
    assert "Public draft" not in listed
    assert "Private bilateral" not in listed

    for unseen in (private, public_draft, invited_draft):
        assert client.get(f"/meetings/{unseen.id}").status_code == 404
    page = client.get(f"/meetings/{invited.id}").get_data(as_text=True)
    assert "https://meet.example.org/nmg" in page
    page = client.get(f"/meetings/{public.id}").get_data(as_text=True)
    assert "Public plenary" in page
    # The video link is for invitees; the invitee list is for the team.
    assert "https://meet.example.org/nmg" not in page
    assert 'id="invitees"' not in page


@pytest.mark.parametrize("role", ["coordination_team", "coordinator", "admin"])
def test_the_team_and_leaders_see_every_meeting(client, people, sign_in, make_meeting, role):
    private = make_meeting(title="Private bilateral", invitees=[people["member"]])
    sign_in(people[role])
    assert "Private bilateral" in client.get("/meetings/").get_data(as_text=True)
    page = client.get(f"/meetings/{private.id}").get_data(as_text=True)
    assert "Paolo Member" in page
    assert "https://meet.example.org/nmg" in page
    assert ("/edit" in page) is (role != "coordination_team")
    # The draft's page tells those who cannot confirm it that it may still change.
    assert ("not confirmed yet; its details may still change" in page) is (role == "coordination_team")


def test_the_list_shows_counts_answers_and_filters(client, people, sign_in, make_meeting, make_member):
    member = people["member"]
    others = [make_member() for _ in range(3)]
    plenary = make_meeting(title="Plenary A", invitees=[member, *others], status=MeetingStatus.CONFIRMED)
    for invitation, answer in zip(plenary.invitations, [Rsvp.YES, Rsvp.YES, Rsvp.NO, None], strict=True):
        invitation.rsvp = answer
    make_meeting(
        "thematic", title="Thematic B", invitees=[member], starts_at=_at(40), status=MeetingStatus.CONFIRMED
    )
    make_meeting(title="Old plenary", invitees=[member], starts_at=_at(-20), status=MeetingStatus.HELD)
    later = clock.today().year + 2
    make_meeting(
        title="Far plenary",
        invitees=[member],
        starts_at=datetime(later, 6, 1, 10, tzinfo=ROME),
        status=MeetingStatus.CONFIRMED,
    )
    sign_in(member)

    page = client.get("/meetings/").get_data(as_text=True)
    assert page.index("Plenary A") < page.index("Thematic B")
    assert "Old plenary" not in page
    assert "4</span> / <span" in page
    assert ">2</span>" in page
    assert "Your answer: I will attend" in page
    assert "Your answer: not given yet" in page

    page = client.get("/meetings/?type=thematic").get_data(as_text=True)
    assert "Thematic B" in page
    assert "Plenary A" not in page

    page = client.get("/meetings/?when=past").get_data(as_text=True)
    assert "Old plenary" in page
    assert "Plenary A" not in page

    page = client.get(f"/meetings/?when=upcoming&year={later}").get_data(as_text=True)
    assert "Far plenary" in page
    assert "Plenary A" not in page
    # Unknown filter values are ignored rather than refused.
    assert client.get("/meetings/?when=someday&year=abc&type=nothing").status_code == 200


def test_my_meetings_lists_upcoming_and_past_with_my_answer(client, people, sign_in, make_meeting):
    member = people["member"]
    coming = make_meeting(
        title="Coming plenary",
        invitees=[member],
        status=MeetingStatus.CONFIRMED,
        mode=MeetingMode.HYBRID,
        venue="Via Roma 1",
    )
    coming.invitations[0].rsvp = Rsvp.MAYBE
    past = make_meeting(
        title="Past plenary", invitees=[member], starts_at=_at(-10), status=MeetingStatus.HELD
    )
    past.invitations[0].rsvp = Rsvp.YES
    make_meeting(title="Someone else's meeting", status=MeetingStatus.CONFIRMED)
    sign_in(member)

    page = client.get("/meetings/my").get_data(as_text=True)
    upcoming, earlier = page.split('id="past"')
    assert "Coming plenary" in upcoming
    assert "Maybe" in upcoming
    assert "Via Roma 1" in upcoming
    assert "https://meet.example.org/nmg" in upcoming
    assert f'action="/meetings/{coming.id}/rsvp?next=' in upcoming
    assert answer_buttons(upcoming)["Maybe (I may attend Coming plenary)"] is True
    assert "Past plenary" in earlier
    assert 'name="answer"' not in earlier
    assert "I will attend" in earlier
    assert "Someone else" not in page


def test_my_meetings_offers_the_answers_only_while_the_meeting_takes_them(
    client, people, sign_in, make_meeting
):
    member = people["member"]
    ahead = make_meeting(title="Plenary ahead", invitees=[member], status=MeetingStatus.CONFIRMED)
    make_meeting(
        title="Plenary under way",
        invitees=[member],
        status=MeetingStatus.CONFIRMED,
        starts_at=clock.now() - timedelta(minutes=30),
    )
    make_meeting("thematic", title="Thematic called off", invitees=[member], status=MeetingStatus.CANCELLED)
    sign_in(member)
    page = client.get("/meetings/my").get_data(as_text=True)
    assert list(answer_buttons(page)) == [
        "Yes (I will attend Plenary ahead)",
        "Maybe (I may attend Plenary ahead)",
        "No (I will not attend Plenary ahead)",
    ]
    assert "Plenary under way" in page and "Thematic called off" in page

    response = client.post(
        f"/meetings/{ahead.id}/rsvp",
        query_string={"next": f"/meetings/my#meeting-{ahead.id}"},
        data={"answer": "no"},
    )
    assert response.headers["Location"] == f"/meetings/my#meeting-{ahead.id}"
    page = client.get("/meetings/my").get_data(as_text=True)
    assert "Your answer to “Plenary ahead” has been recorded: I will not attend." in page
    assert answer_buttons(page)["No (I will not attend Plenary ahead)"] is True


def test_type_names_are_shown_in_the_readers_language(client, people, sign_in, make_meeting, make_member):
    italian = make_member(email="italiana@example.org", language="it")
    make_meeting(
        title="Seconda del 2027", invitees=[italian, people["member"]], status=MeetingStatus.CONFIRMED
    )
    steering = MeetingType(code="steering", name="Steering committee", default_mode=MeetingMode.ONLINE)
    db.session.add(steering)
    db.session.commit()
    make_meeting("steering", title="Comitato di giugno", invitees=[italian], status=MeetingStatus.CONFIRMED)

    sign_in(italian)
    listed = client.get("/meetings/").get_data(as_text=True)
    assert "Riunione plenaria" in listed and "Plenary meeting" not in listed
    assert "Steering committee" in listed, "a type named in one language only is shown by that name"
    assert "Riunione plenaria" in client.get("/meetings/my").get_data(as_text=True)
    client.post("/sign-out")
    sign_in(people["member"])
    listed = client.get("/meetings/").get_data(as_text=True)
    assert "Plenary meeting" in listed and "Riunione plenaria" not in listed


def test_overlapping_meetings_are_warned_about_not_refused(client, people, sign_in, make_meeting):
    make_meeting(title="Thematic on data", starts_at=_at(30, 11))
    make_meeting(title="Back to back", starts_at=_at(30, 8))
    make_meeting(title="Cancelled one", starts_at=_at(30, 10), status=MeetingStatus.CANCELLED)
    sign_in(people["coordinator"])
    response = client.post("/meetings/new", data=_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "This meeting overlaps with another meeting" in page
    overlaps = page.split('id="overlaps"')[1].split("</div>")[0]
    assert "Thematic on data" in overlaps
    assert "Back to back" not in overlaps
    assert "Cancelled one" not in overlaps
    assert len(_meetings()) == 4


# --- a constant number of statements --------------------------------------------------------------------


def _add_agenda(meeting: Meeting, items: int) -> None:
    for position in range(1, items + 1):
        db.session.add(AgendaItem(meeting=meeting, position=position, title=f"Item {position}", notes="*n*"))
    db.session.commit()


def _answer_some(meeting: Meeting) -> None:
    for index, invitation in enumerate(meeting.invitations):
        invitation.rsvp = [Rsvp.YES, Rsvp.NO, Rsvp.MAYBE, None][index % 4]
    db.session.commit()


@pytest.mark.parametrize("role", ["coordinator", "member"])
def test_the_detail_page_runs_a_fixed_number_of_statements(
    client, people, sign_in, make_meeting, count_queries, role
):
    sign_in(people[role])
    measured = []
    for invitees, items in ((5, 1), (100, 15)):
        members = [people["member"], *_bulk_members(invitees - 1, f"detail{invitees}x")]
        meeting = make_meeting(invitees=members, status=MeetingStatus.CONFIRMED)
        _add_agenda(meeting, items)
        _answer_some(meeting)
        with count_queries() as statements:
            response = client.get(f"/meetings/{meeting.id}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f"Item {items}" in page
        if role == "coordinator":
            assert f"Detail{invitees}X {invitees - 2:03d}" in page
        measured.append(statements.count)
    assert measured[0] == measured[1], measured


@pytest.mark.parametrize("role", ["coordinator", "member"])
def test_the_list_runs_a_fixed_number_of_statements(
    client, people, sign_in, make_meeting, count_queries, role
):
    sign_in(people[role])
    measured = []
    for meetings, invitees in ((2, 5), (8, 100)):
        members = [people["member"], *_bulk_members(invitees - 1, f"list{invitees}x")]
        for n in range(meetings):
            meeting = make_meeting(
                invitees=members,
                title=f"Meeting {invitees}-{n}",
                starts_at=_at(10 + n),
                is_public=n % 2 == 0,
                status=MeetingStatus.CONFIRMED,
            )
            _answer_some(meeting)
        with count_queries() as statements:
            response = client.get("/meetings/")
        assert response.status_code == 200
        assert f"Meeting {invitees}-{meetings - 1}" in response.get_data(as_text=True)
        measured.append(statements.count)
    assert measured[0] == measured[1], measured


def test_my_meetings_runs_a_fixed_number_of_statements(client, people, sign_in, make_meeting, count_queries):
    member = people["member"]
    sign_in(member)
    measured = []
    for meetings in (1, 10):
        for n in range(meetings):
            make_meeting(
                invitees=[member],
                title=f"Mine {meetings}-{n}",
                starts_at=_at(5 + n),
                status=MeetingStatus.CONFIRMED,
            )
        with count_queries() as statements:
            response = client.get("/meetings/my")
        assert f"Mine {meetings}-{meetings - 1}" in response.get_data(as_text=True)
        measured.append(statements.count)
    assert measured[0] == measured[1], measured


def test_rows_carry_counts_from_one_query(app, people, make_meeting, count_queries):
    members = _bulk_members(30, "rows")
    meeting = make_meeting(invitees=members, status=MeetingStatus.CONFIRMED)
    _answer_some(meeting)
    viewer_id = people["coordinator"].id
    db.session.expire_all()
    # As the list does for its filter: each row's type is then one of these, with no statement of its own.
    types = meeting_types(include_inactive=True)
    with count_queries() as statements:
        page = queries.meeting_rows_page(
            viewer_id, {Role.COORDINATOR}, queries.MeetingFilter(), clock.now(), page=1, per_page=50
        )
        assert [(row.invited, row.answered_yes, row.meeting.type.code) for row in page.items] == [
            (30, 8, "plenary")
        ]
    assert statements.count == 2, "the rows, and how many there are"
    assert page.items[0].meeting.type in types


def test_the_past_is_paged_and_each_page_costs_the_same(
    app, client, people, sign_in, make_meeting, count_queries
):
    app.config["MEETINGS_PER_PAGE"] = 5
    for n in range(12):
        make_meeting(title=f"Past meeting {n:02d}", starts_at=_at(-30 - n), status=MeetingStatus.HELD)
    sign_in(people["coordinator"])
    pages = []
    for page in (1, 2, 3):
        with count_queries() as statements:
            html = client.get(f"/meetings/?when=past&page={page}").get_data(as_text=True)
        pages.append((sorted(re.findall(r"Past meeting (\d\d)", html)), statements.count))
    assert [len(titles) for titles, _count in pages] == [5, 5, 2]
    assert sorted(title for titles, _count in pages for title in titles) == [f"{n:02d}" for n in range(12)]
    assert "12 meetings" in html and "when=past" in html
    assert len({count for _titles, count in pages}) == 1, pages


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Only the start moves: the end follows, the meeting keeps its two hours.
        ({"start_time": "13:00"}, ("13:00", "15:00")),
        # Start and end both changed: the end as given.
        ({"start_time": "13:00", "end_time": "14:00"}, ("13:00", "14:00")),
        # Another day, same times: the end goes with it.
        ({"day": _day(31).isoformat()}, ("10:00", "12:00")),
        # Late evening moved later: the end crosses midnight into the next day.
        ({"start_time": "23:00"}, ("23:00", "01:00")),
    ],
)
def test_moving_the_start_moves_the_end_unless_the_end_changed_too(
    client, people, sign_in, make_meeting, change, expected
):
    meeting = make_meeting(starts_at=_at(30), mode=MeetingMode.ONLINE, title="Plenary")
    sign_in(people["coordinator"])
    response = client.post(f"/meetings/{meeting.id}/edit", data=_form(title="Plenary", **change))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    start, end = clock.local(meeting.starts_at), clock.local(meeting.ends_at)
    assert (f"{start:%H:%M}", f"{end:%H:%M}") == expected
