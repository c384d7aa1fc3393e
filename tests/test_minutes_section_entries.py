"""Decisions and actions captured where they are said: in the minutes editor, each section adds its own,
the owners found by typing part of a name, and the editor comes back to that section."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import ActionItem, AgendaItem, Decision, MeetingStatus
from tests.test_start_page_todo import todo


@pytest.fixture
def held(make_meeting, people):
    """A plenary held last week with two agenda items."""
    meeting = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(days=7), status=MeetingStatus.HELD, title="Plenary"
    )
    for position, title in enumerate(["Welcome", "Annual plan"], start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
    db.session.commit()
    return meeting


def _section(page: str, key: str) -> str:
    return page.split(f'id="section-{key}"')[1].split("</section>")[0]


def _plan_key(meeting) -> str:
    return f"item-{meeting.agenda_items[1].id}"


def test_an_action_added_in_a_section_with_a_searched_owner_shows_there_and_on_the_owners_start_page(
    app, client, held, people, sign_in
):
    sign_in(people["coordination_team"])
    key = _plan_key(held)
    due = clock.today() + timedelta(days=20)
    response = client.post(
        f"/meetings/{held.id}/minutes/edit/{key}/action",
        data={
            f"{key}-action-title": "Draft the annual plan",
            # part of a name, as typed without the list the search offers
            f"{key}-action-owners": "paolo",
            f"{key}-action-due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/meetings/{held.id}/minutes/edit#section-{key}")

    editor = client.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True)
    section = _section(editor, key)
    assert "Draft the annual plan" in section and "Paolo Member" in section
    assert "Draft the annual plan" not in _section(editor, "opening")
    action = db.session.scalar(sa.select(ActionItem))
    assert action.agenda_item_id == held.agenda_items[1].id and action.due_on == due

    client.post("/sign-out")
    sign_in(people["member"])
    assert f"/actions/{action.id}" in todo(client.get("/").get_data(as_text=True))["my-action"]


def test_an_action_has_several_owners_or_the_coordination_team(app, client, held, people, sign_in):
    sign_in(people["coordinator"])
    key = "aob"
    client.post(
        f"/meetings/{held.id}/minutes/edit/{key}/action",
        data={
            f"{key}-action-title": "Write to the ministry",
            f"{key}-action-owners": "Paolo Member <plain@example.org>; teresa",
            f"{key}-action-is_team_owned": "y",
        },
    )
    action = db.session.scalar(sa.select(ActionItem))
    assert [owner.full_name for owner in action.owners] == ["Paolo Member", "Teresa Team"]
    assert action.is_team_owned and action.due_on is None and action.section == "aob"


@pytest.mark.parametrize(
    ("owners", "due_on", "message"),
    [
        ("nobody-here", "", "No member matches “nobody-here”"),
        ("o", "", "members match “o”"),
        ("", "", "Give the action an owner"),
        ("paolo", "2020-01-01", "cannot be due before the meeting"),
        ("paolo", "31/02/2027", "Not a valid date value"),
    ],
)
def test_a_bad_owner_or_date_is_told_in_the_section_and_the_typed_text_stays(
    app, client, held, people, sign_in, owners, due_on, message
):
    sign_in(people["coordination_team"])
    key = _plan_key(held)
    response = client.post(
        f"/meetings/{held.id}/minutes/edit/{key}/action",
        data={
            f"{key}-action-title": "Book the room",
            f"{key}-action-owners": owners,
            f"{key}-action-due_on": due_on,
        },
    )
    assert response.status_code == 422
    section = _section(response.get_data(as_text=True), key)
    assert message in section
    for typed in filter(None, ("Book the room", owners, due_on)):
        assert f'value="{typed}"' in section
    # the section opens on its form, and the page starts at it
    assert re.search(r"<details[^>]*open", section)
    assert f'minutes/edit/{key}/action#section-{key}"' in section
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 0


def test_a_decision_added_in_a_section_gets_its_number_and_comes_back_there(
    app, client, held, people, sign_in
):
    sign_in(people["coordination_team"])
    key = _plan_key(held)
    response = client.post(
        f"/meetings/{held.id}/minutes/edit/{key}/decision", data={f"{key}-decision-text": "Adopt the plan."}
    )
    assert response.location.endswith(f"#section-{key}")
    decision = db.session.scalar(sa.select(Decision))
    assert decision.section == key
    editor = client.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True)
    assert f"Decision {decision.code}" in _section(editor, key)

    empty = client.post(
        f"/meetings/{held.id}/minutes/edit/{key}/decision", data={f"{key}-decision-text": " "}
    )
    assert empty.status_code == 422
    assert "This field is required." in _section(empty.get_data(as_text=True), key)


def test_a_section_the_minutes_do_not_have_is_not_found(app, client, held, people, sign_in):
    sign_in(people["coordination_team"])
    response = client.post(
        f"/meetings/{held.id}/minutes/edit/item-999999/action", data={"item-999999-action-title": "x"}
    )
    assert response.status_code == 404


def test_a_member_outside_the_team_cannot_add_decisions_or_actions(app, client, held, people, sign_in):
    sign_in(people["member"])
    key = "opening"
    for kind, field in (("decision", "text"), ("action", "title")):
        response = client.post(
            f"/meetings/{held.id}/minutes/edit/{key}/{kind}",
            data={f"{key}-{kind}-{field}": "Mine", f"{key}-action-owners": "paolo"},
        )
        assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_the_owner_field_offers_no_list_of_every_member(app, client, held, people, sign_in, make_member):
    for n in range(40):
        make_member(full_name=f"Expert {n:02d}")
    sign_in(people["coordination_team"])
    editor = client.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True)
    assert "Expert 07" not in editor and "<option" not in editor
    owners = re.search(r'<input[^>]*name="aob-action-owners"[^>]*>', editor)[0]
    assert 'data-member-search="/members/search.json?scope=current"' in owners
    assert 'data-member-several=";"' in owners
