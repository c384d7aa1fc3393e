"""Agendas: the coordination team adds, edits, reorders and removes items; positions always run 1..n."""

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
from nmg_ops.meetings import agenda
from nmg_ops.meetings.agenda import AgendaError, AgendaItemData, Direction
from nmg_ops.models import AgendaItem, AuditEntry, Invitation, Meeting, MeetingStatus, Member


def _items(meeting_id: int) -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            sa.select(AgendaItem.position, AgendaItem.title)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        ).tuples()
    )


def _add(meeting: Meeting, *titles: str) -> list[AgendaItem]:
    return [agenda.add_item(meeting, AgendaItemData(title=title)) for title in titles]


def _agenda_page_titles(page: str) -> list[str]:
    return re.findall(r'<span class="agenda-title">(.*?)</span>', page)


def _loaded(meeting_id: int) -> Meeting:
    """The meeting loaded as the meeting page loads it for the partials."""
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


def _render_agenda(app, member: Member, meeting: Meeting) -> str:
    with app.test_request_context():
        # The test's application context outlives the request, and with it the roles cached in `g`.
        g.pop("nmg_roles", None)
        g.pop("nmg_coordinator_id", None)
        login_user(member)
        return render_template_string(
            '{% include "meetings/_agenda.html" %}', meeting=meeting, my_invitation=None, now=clock.now()
        )


@pytest.fixture
def meeting(make_meeting, people):
    return make_meeting("plenary", invitees=[people["member"]], status=MeetingStatus.CONFIRMED)


@pytest.fixture
def team_client(client, sign_in, people):
    sign_in(people["coordination_team"])
    return client


# --- the rules, without HTTP ------------------------------------------------------------------------------


def test_items_are_appended_in_order_and_numbered_from_one(meeting):
    _add(meeting, "Welcome", "THCS joint call", "Any other business")
    assert _items(meeting.id) == [(1, "Welcome"), (2, "THCS joint call"), (3, "Any other business")]


def test_moving_swaps_with_the_neighbour_and_does_nothing_at_the_ends(meeting):
    first, second, third = _add(meeting, "A", "B", "C")
    assert agenda.move_item(meeting, second, Direction.UP) is True
    assert _items(meeting.id) == [(1, "B"), (2, "A"), (3, "C")]
    assert agenda.move_item(meeting, first, Direction.DOWN) is True
    assert _items(meeting.id) == [(1, "B"), (2, "C"), (3, "A")]
    assert agenda.move_item(meeting, second, Direction.UP) is False
    assert agenda.move_item(meeting, first, Direction.DOWN) is False
    assert _items(meeting.id) == [(1, "B"), (2, "C"), (3, "A")]
    assert third.position == 2


def test_deleting_closes_the_gap(meeting):
    _first, second, _third, _fourth = _add(meeting, "A", "B", "C", "D")
    agenda.delete_item(meeting, second)
    assert _items(meeting.id) == [(1, "A"), (2, "C"), (3, "D")]
    new = agenda.add_item(meeting, AgendaItemData(title="E"))
    assert new.position == 4


def test_rules_refuse_bad_data_and_cancelled_meetings(meeting, make_meeting):
    for data in (
        AgendaItemData(title="   "),
        AgendaItemData(title="x" * 201),
        AgendaItemData(title="Ok", duration_minutes=0),
        AgendaItemData(title="Ok", duration_minutes=601),
        AgendaItemData(title="Ok", notes="x" * 10_001),
    ):
        with pytest.raises(AgendaError):
            agenda.add_item(meeting, data)
    cancelled = make_meeting(status=MeetingStatus.CANCELLED)
    with pytest.raises(AgendaError, match="cancelled"):
        agenda.add_item(cancelled, AgendaItemData(title="Too late"))
    assert _items(meeting.id) == []


def test_changes_are_audited_with_the_meeting_in_the_label(meeting):
    (item,) = _add(meeting, "Welcome")
    assert agenda.update_item(meeting, item, AgendaItemData(title="Welcome", presenter="Carla")) is True
    assert agenda.update_item(meeting, item, AgendaItemData(title="Welcome", presenter="Carla")) is False
    agenda.delete_item(meeting, item)
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject_type == "agenda_item").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["created", "updated", "deleted"]
    assert entries[0].subject_label == f"{meeting.title}: Welcome"
    assert entries[1].changes == {"presenter": ["", "Carla"]}


# --- the pages --------------------------------------------------------------------------------------------


def test_team_adds_two_items_and_moves_the_second_up(team_client, meeting):
    url = f"/meetings/{meeting.id}/agenda"
    response = team_client.post(
        url, data={"title": "Welcome", "presenter": "Carla Coordinator", "duration_minutes": "10"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(url)
    team_client.post(url, data={"title": "THCS joint call 2027", "duration_minutes": "45", "notes": ""})
    second = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.position == 2))
    response = team_client.post(f"{url}/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#item-{second.id}")

    page = team_client.get(url).get_data(as_text=True)
    assert _agenda_page_titles(page) == ["THCS joint call 2027", "Welcome"]
    assert "Planned: 55 of 120 minutes." in page
    assert _items(meeting.id) == [(1, "THCS joint call 2027"), (2, "Welcome")]


def test_the_first_item_cannot_go_up_nor_the_last_down(team_client, meeting):
    _add(meeting, "A", "B")
    page = team_client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*>\s*<span aria-hidden=\"true\">([↑↓])</span>", page)
    disabled = re.findall(r"<button[^>]*disabled>\s*<span aria-hidden=\"true\">([↑↓])</span>", page)
    assert buttons == ["↑", "↓", "↑", "↓"]
    assert disabled == ["↑", "↓"]


def test_editing_an_item_saves_and_audits(team_client, meeting):
    (item,) = _add(meeting, "Welcome")
    url = f"/meetings/{meeting.id}/agenda/{item.id}/edit"
    page = team_client.get(url).get_data(as_text=True)
    assert 'value="Welcome"' in page
    response = team_client.post(
        url,
        data={"title": "Welcome and minutes", "presenter": "Teresa", "duration_minutes": "15", "notes": "x"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (item.title, item.presenter, item.duration_minutes, item.notes, item.position) == (
        "Welcome and minutes",
        "Teresa",
        15,
        "x",
        1,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"title": "Ok", "duration_minutes": "0"}, "Number must be between 1 and 600."),
        ({"title": "Ok", "duration_minutes": "601"}, "Number must be between 1 and 600."),
        ({"title": "Ok", "duration_minutes": "an hour"}, "Not a valid integer value."),
        ({"title": "Ok", "notes": "x" * 10_001}, "Field cannot be longer than 10000 characters."),
    ],
)
def test_invalid_items_are_shown_again_with_the_reason(team_client, meeting, data, message):
    response = team_client.post(f"/meetings/{meeting.id}/agenda", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _items(meeting.id) == []


def test_notes_are_rendered_as_sanitised_markdown(app, team_client, meeting, people):
    notes = "**Decision** expected.\n\n<script>alert('x')</script>\n\n[call](javascript:alert(1))"
    team_client.post(f"/meetings/{meeting.id}/agenda", data={"title": "Joint call", "notes": notes})
    for page in (
        team_client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True),
        _render_agenda(app, people["member"], _loaded(meeting.id)),
    ):
        assert "<strong>Decision</strong> expected." in page
        assert "<script>alert" not in page
        assert "javascript:" not in page


def test_deleting_from_the_page_renumbers(team_client, meeting):
    _a, b, _c = _add(meeting, "A", "B", "C")
    response = team_client.post(f"/meetings/{meeting.id}/agenda/{b.id}/delete")
    assert response.status_code == 302
    assert _items(meeting.id) == [(1, "A"), (2, "C")]


def test_an_unknown_direction_moves_nothing(team_client, meeting):
    _a, b = _add(meeting, "A", "B")
    for data in ({"direction": "sideways"}, {}):
        response = team_client.post(f"/meetings/{meeting.id}/agenda/{b.id}/move", data=data)
        assert response.status_code == 302
    assert _items(meeting.id) == [(1, "A"), (2, "B")]
    page = team_client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    assert "Choose whether to move the item up or down." in page


def test_items_of_another_meeting_are_not_found(team_client, meeting, make_meeting):
    other = make_meeting("thematic")
    (foreign,) = _add(other, "Not yours")
    base = f"/meetings/{meeting.id}/agenda/{foreign.id}"
    assert team_client.get(f"{base}/edit").status_code == 404
    assert team_client.post(f"{base}/edit", data={"title": "Stolen"}).status_code == 404
    assert team_client.post(f"{base}/delete").status_code == 404
    assert team_client.post(f"{base}/move", data={"direction": "up"}).status_code == 404
    assert team_client.get("/meetings/999999/agenda").status_code == 404
    assert team_client.post("/meetings/999999/agenda", data={"title": "x"}).status_code == 404
    assert _items(other.id) == [(1, "Not yours")]


def test_a_cancelled_meetings_agenda_is_read_only(team_client, make_meeting):
    cancelled = make_meeting(status=MeetingStatus.CANCELLED)
    db.session.add(AgendaItem(meeting_id=cancelled.id, position=1, title="Planned item"))
    db.session.commit()
    planned = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == cancelled.id))
    url = f"/meetings/{cancelled.id}/agenda"
    page = team_client.get(url).get_data(as_text=True)
    assert "its agenda can no longer be changed" in page
    assert "Add an item" not in page
    assert f"{url}/{planned.id}/move" not in page
    team_client.post(url, data={"title": "Too late"})
    team_client.post(f"{url}/{planned.id}/delete")
    team_client.post(f"{url}/{planned.id}/edit", data={"title": "Renamed"})
    assert _items(cancelled.id) == [(1, "Planned item")]


def test_a_held_meetings_agenda_is_the_record_and_the_team_cannot_change_it(team_client, make_meeting):
    held = make_meeting(starts_at=clock.now() - timedelta(days=2), status=MeetingStatus.HELD)
    response = team_client.post(f"/meetings/{held.id}/agenda", data={"title": "Added afterwards"})
    assert response.status_code == 302
    assert _items(held.id) == []
    assert "The coordinator can correct it" in team_client.get(response.headers["Location"]).get_data(
        as_text=True
    )


@pytest.mark.parametrize("role", ["public", "member"])
def test_agenda_routes_are_for_the_coordination_team_only(app, people, meeting, role):
    (item,) = _add(meeting, "Welcome")
    client = app.test_client()
    if people[role] is not None:
        client.post("/sign-in", data={"email": people[role].email, "password": "correct horse battery"})
    base = f"/meetings/{meeting.id}/agenda"
    responses = [
        client.get(base),
        client.post(base, data={"title": "Sneaked in"}),
        client.get(f"{base}/{item.id}/edit"),
        client.post(f"{base}/{item.id}/edit", data={"title": "Renamed"}),
        client.post(f"{base}/{item.id}/delete"),
        client.post(f"{base}/{item.id}/move", data={"direction": "down"}),
    ]
    expected = 403 if role == "member" else 302
    assert [r.status_code for r in responses] == [expected] * len(responses)
    assert _items(meeting.id) == [(1, "Welcome")]


@pytest.mark.parametrize("role", ["coordination_team", "coordinator", "admin"])
def test_the_team_and_the_leaders_may_edit_agendas(client, sign_in, people, meeting, role):
    sign_in(people[role])
    assert client.post(f"/meetings/{meeting.id}/agenda", data={"title": role}).status_code == 302
    assert _items(meeting.id) == [(1, role)]


def test_the_agenda_page_takes_the_same_queries_for_few_and_many_items(team_client, meeting, count_queries):
    def measure() -> int:
        with count_queries() as counter:
            assert team_client.get(f"/meetings/{meeting.id}/agenda").status_code == 200
        return counter.count

    _add(meeting, "A", "B")
    few = measure()
    _add(meeting, *(f"Item {n}" for n in range(30)))
    assert measure() == few


# --- the partial on the meeting page ----------------------------------------------------------------------


def test_the_agenda_partial_lists_items_in_order_with_the_total(app, meeting, people):
    agenda.add_item(meeting, AgendaItemData(title="Welcome", presenter="Carla", duration_minutes=10))
    agenda.add_item(meeting, AgendaItemData(title="Joint call", duration_minutes=45, notes="*Decide*"))
    agenda.add_item(meeting, AgendaItemData(title="Any other business"))
    page = _render_agenda(app, people["member"], _loaded(meeting.id))
    titles = re.findall(r'<div class="fw-semibold">(\d+\. [^<]+)</div>', page)
    assert titles == ["1. Welcome", "2. Joint call", "3. Any other business"]
    assert "Carla · 10 min" in page
    assert "<em>Decide</em>" in page
    assert "Total: 55 min" in page
    assert "Edit agenda" not in page
    assert "Edit agenda" in _render_agenda(app, people["coordination_team"], _loaded(meeting.id))


def test_the_agenda_partial_runs_no_query_per_item(app, meeting, people, count_queries):
    def measure() -> int:
        loaded = _loaded(meeting.id)
        with count_queries() as counter:
            _render_agenda(app, people["coordination_team"], loaded)
        return counter.count

    _add(meeting, "A")
    few = measure()
    _add(meeting, *(f"Item {n}" for n in range(20)))
    assert measure() == few


def test_the_meeting_page_shows_the_agenda_and_the_edit_link_to_the_team_only(
    client, sign_in, meeting, people, count_queries
):
    agenda.add_item(meeting, AgendaItemData(title="Welcome", notes="<script>alert(1)</script>**Hello**"))
    sign_in(people["member"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert '<div class="fw-semibold">1. Welcome</div>' in page
    assert "<strong>Hello</strong>" in page
    assert "<script>alert" not in page
    assert "Edit agenda" not in page

    client.post("/sign-out")
    sign_in(people["coordination_team"])

    def measure() -> int:
        with count_queries() as counter:
            page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        assert f'href="/meetings/{meeting.id}/agenda"' in page
        return counter.count

    few = measure()
    _add(meeting, *(f"Item {n}" for n in range(30)))
    assert measure() == few
