"""Action items: recorded at a meeting or on their own, owned by members or the coordination team, moved on
by their owners, each change a line of their history; the team's register, my actions, matters arising
carried to the next meeting of the type, and the start page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.minutes import actions, matters_arising
from nmg_ops.minutes.actions import ActionData, ActionError
from nmg_ops.models import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Invitation,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    action_owner,
)
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def held(make_meeting, people):
    """A thematic meeting held last week, the member present, with one agenda item."""
    meeting = make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=7),
        invitees=[people["member"]],
        status=MeetingStatus.HELD,
        title="Workshop on data spaces",
    )
    db.session.add(AgendaItem(meeting_id=meeting.id, position=1, title="Roadmap"))
    meeting.invitations[0].attendance = Attendance.PRESENT
    db.session.commit()
    return meeting


@pytest.fixture
def team(people):
    return people["coordination_team"]


def _record(by, **kw):
    kw.setdefault("title", "Send the roadmap to the members")
    return actions.record(ActionData(**kw), by.id)


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- the rules ---------------------------------------------------------------------------------------------


def test_an_action_from_a_meeting_keeps_its_owners_item_and_a_first_history_line(held, people, team):
    item = held.agenda_items[0]
    action = _record(
        team,
        owner_ids=[people["member"].id],
        due_on=clock.today() + timedelta(days=10),
        meeting_id=held.id,
        agenda_item_id=item.id,
        section=f"item-{item.id}",
    )
    assert [m.full_name for m in action.owners] == ["Paolo Member"]
    assert (action.meeting_id, action.agenda_item_id, action.section) == (held.id, item.id, f"item-{item.id}")
    assert [(e.kind, e.status_to) for e in action.events] == [(ActionEventKind.CREATED, ActionStatus.OPEN)]


def test_an_owner_who_left_is_named_and_nothing_is_written(make_member, team):
    gone = make_member(full_name="Guido Gone", left_on=clock.today() - timedelta(days=3))
    with pytest.raises(ActionError, match="Guido Gone no longer belongs to the NMG") as refused:
        _record(team, owner_ids=[gone.id])
    assert refused.value.field == "owners"
    db.session.rollback()
    assert _count(ActionItem) == 0


def test_an_action_needs_an_owner_and_a_short_title(people, team):
    with pytest.raises(ActionError, match="Give the action an owner"):
        _record(team)
    with pytest.raises(ActionError, match="limited to 500 characters"):
        _record(team, title="x" * 501, is_team_owned=True)
    db.session.rollback()
    assert _count(ActionItem) == 0


def test_an_action_cannot_be_due_before_the_meeting_that_agreed_it(held, team):
    with pytest.raises(ActionError, match="cannot be due before the meeting") as refused:
        _record(team, is_team_owned=True, meeting_id=held.id, due_on=clock.today() - timedelta(days=10))
    assert refused.value.field == "due_on"
    db.session.rollback()
    assert _count(ActionItem) == 0
    assert _record(team, is_team_owned=True, meeting_id=held.id, due_on=clock.today()).due_on == clock.today()


def test_an_agenda_item_of_another_meeting_is_refused(held, make_meeting, team):
    other = make_meeting("plenary")
    with pytest.raises(ActionError, match="not on that meeting's agenda"):
        _record(team, is_team_owned=True, meeting_id=other.id, agenda_item_id=held.agenda_items[0].id)


def test_dropping_needs_a_reason_and_every_change_is_a_history_line(people, team):
    action = _record(team, owner_ids=[people["member"].id])
    with pytest.raises(ActionError, match="Say why the action is dropped"):
        actions.change_status(action, ActionStatus.DROPPED, by_id=team.id)
    assert actions.change_status(action, ActionStatus.IN_PROGRESS, note="Started", by_id=people["member"].id)
    assert actions.change_status(
        action, ActionStatus.IN_PROGRESS, note="Half done", by_id=people["member"].id
    )
    assert not actions.change_status(action, ActionStatus.IN_PROGRESS, by_id=people["member"].id)
    assert actions.change_status(action, ActionStatus.DROPPED, reason="No longer needed", by_id=team.id)
    assert action.dropped_reason == "No longer needed"
    lines = [(e.kind, e.status_from, e.status_to, e.text) for e in action.events]
    assert lines == [
        (ActionEventKind.CREATED, None, ActionStatus.OPEN, ""),
        (ActionEventKind.STATUS, ActionStatus.OPEN, ActionStatus.IN_PROGRESS, "Started"),
        (ActionEventKind.NOTE, None, None, "Half done"),
        (ActionEventKind.STATUS, ActionStatus.IN_PROGRESS, ActionStatus.DROPPED, "No longer needed"),
    ]


def test_members_update_their_own_actions_and_the_team_every_one(people, team, make_member):
    colleague = make_member(full_name="Chiara Colleague")
    action = _record(team, owner_ids=[colleague.id])
    roles = {"member": frozenset({"member"}), "team": frozenset({"member", "coordination_team"})}
    assert actions.may_update(action, colleague.id, roles["member"])
    assert not actions.may_update(action, people["member"].id, roles["member"])
    assert actions.may_update(action, team.id, roles["team"])


# --- the pages ---------------------------------------------------------------------------------------------


def test_a_member_moves_their_own_action_on_but_not_someone_elses(app, held, people, team, make_member):
    member = people["member"]
    colleague = make_member(full_name="Chiara Colleague")
    mine = _record(team, owner_ids=[member.id], meeting_id=held.id)
    theirs = _record(team, owner_ids=[colleague.id], meeting_id=held.id)
    hidden = _record(team, owner_ids=[colleague.id])
    # Approved minutes of a meeting the member attended: they see the colleague's action, not change it.
    db.session.add(
        Minutes(meeting_id=held.id, status=MinutesStatus.APPROVED, version=1, sections={"opening": "x"})
    )
    db.session.commit()
    client = _client(app, member)

    response = client.post(
        f"/actions/{mine.id}/status",
        data={"status": "in_progress", "note": "Draft sent round"},
        query_string={"next": "/actions/mine"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/actions/mine"
    db.session.expire_all()
    assert db.session.get(ActionItem, mine.id).status is ActionStatus.IN_PROGRESS

    assert client.get(f"/actions/{theirs.id}").status_code == 200
    assert client.post(f"/actions/{theirs.id}/status", data={"status": "done"}).status_code == 403
    assert client.get(f"/actions/{hidden.id}").status_code == 404
    assert client.post(f"/actions/{hidden.id}/status", data={"status": "done"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(ActionItem, theirs.id).status is ActionStatus.OPEN
    assert db.session.get(ActionItem, hidden.id).status is ActionStatus.OPEN


def test_a_note_on_a_dropped_action_needs_no_new_reason(app, people, team):
    action = _record(team, owner_ids=[people["member"].id])
    actions.change_status(action, ActionStatus.DROPPED, reason="Superseded by WP4", by_id=team.id)
    client = _client(app, people["member"])
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert 'name="reason" type="text" value="Superseded by WP4"' in page
    client.post(
        f"/actions/{action.id}/status",
        data={"status": "dropped", "reason": "Superseded by WP4", "note": "WP4 confirmed it"},
    )
    db.session.expire_all()
    events = db.session.get(ActionItem, action.id).events
    assert [(e.kind, e.text) for e in events][-1] == (ActionEventKind.NOTE, "WP4 confirmed it")


def test_dropping_without_a_reason_is_explained_and_changes_nothing(app, people, team):
    action = _record(team, owner_ids=[people["member"].id])
    client = _client(app, people["member"])
    response = client.post(f"/actions/{action.id}/status", data={"status": "dropped"}, follow_redirects=True)
    assert "Say why the action is dropped." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ActionItem, action.id).status is ActionStatus.OPEN
    assert _count(ActionEvent) == 1


def test_the_action_page_shows_the_whole_history(app, held, people, team, make_meeting):
    action = _record(
        team,
        owner_ids=[people["member"].id],
        meeting_id=held.id,
        notes="See **the roadmap**.",
        due_on=clock.today() + timedelta(days=3),
    )
    actions.change_status(action, ActionStatus.IN_PROGRESS, note="Working on it", by_id=people["member"].id)
    following = make_meeting("thematic", starts_at=clock.now() + timedelta(days=20), title="Next workshop")
    matters_arising.carry_over(following, [action.id], team.id)
    page = _client(app, people["member"]).get(f"/actions/{action.id}").get_data(as_text=True)
    assert "<strong>the roadmap</strong>" in page
    history = page[page.index('id="history"') :]
    for text in ("Recorded", "Status changed", "Open → In progress", "Working on it", "Carried over"):
        assert text in history, text
    assert "to the agenda of Next workshop" in history
    assert "Teresa Team" in history and "Paolo Member" in history
    assert 'name="status"' in page, "the owner gets the status form"


def test_recording_from_the_minutes_prefills_and_returns_there(app, held, people, team):
    item = held.agenda_items[0]
    client = _client(app, team)
    query = {"meeting": held.id, "section": f"item-{item.id}", "agenda_item": item.id, "next": "/somewhere"}
    page = client.get("/actions/new", query_string=query).get_data(as_text=True)
    assert re.search(rf'<option selected value="{held.id}">', page)
    assert re.search(rf'<option selected value="{item.id}">1\. Roadmap</option>', page)
    response = client.post(
        "/actions/new",
        query_string=query,
        data={
            "title": "Circulate the roadmap",
            "owners": "Paolo",
            "due_on": (clock.today() + timedelta(days=7)).isoformat(),
            "meeting_id": str(held.id),
            "agenda_item_id": str(item.id),
            "section": f"item-{item.id}",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/somewhere"
    action = db.session.scalar(sa.select(ActionItem))
    assert (action.meeting_id, action.agenda_item_id, action.section) == (held.id, item.id, f"item-{item.id}")


def test_an_unsafe_next_leads_to_the_action_instead(app, people, team):
    client = _client(app, team)
    response = client.post(
        "/actions/new",
        query_string={"next": "https://evil.example/"},
        data={"title": "Book the room", "is_team_owned": "y"},
    )
    action = db.session.scalar(sa.select(ActionItem))
    assert response.headers["Location"] == f"/actions/{action.id}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "x" * 501, "is_team_owned": "y"}, "Field cannot be longer than 500 characters."),
        ({"title": "Book the room", "is_team_owned": "y", "due_on": "2026-02-30"}, "Not a valid date value."),
        ({"title": "Book the room", "is_team_owned": "y", "due_on": "9999-12-31"}, "Give a date between"),
        ({"title": "Book the room"}, "Give the action an owner"),
        ({"title": "Book the room", "owners": "Guido Gone"}, "Guido Gone no longer belongs to the NMG"),
        ({"title": "Book the room", "owners": "Paolo; Nobody Here"}, "No member matches “Nobody Here”"),
        (
            {
                "title": "Book the room",
                "is_team_owned": "y",
                "meeting_id": "{meeting}",
                "due_on": "2020-01-01",
            },
            "cannot be due before the meeting",
        ),
    ],
)
def test_bad_input_is_explained_on_the_form_and_nothing_is_written(
    app, held, team, make_member, data, message
):
    gone = make_member(full_name="Guido Gone", left_on=clock.today() - timedelta(days=1))
    values = {"gone": gone.id, "meeting": held.id}
    data = {
        key: [v.format(**values) for v in value] if isinstance(value, list) else value.format(**values)
        for key, value in data.items()
    }
    response = _client(app, team).post("/actions/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(ActionItem) == 0 and _count(ActionEvent) == 0


def test_editing_changes_the_action_and_adds_a_history_line(app, people, team):
    action = _record(team, owner_ids=[people["member"].id])
    client = _client(app, team)
    assert "Paolo Member" in client.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/actions/{action.id}/edit",
        data={
            "title": "Send the final roadmap",
            "owners": "Paolo Member <plain@example.org>; Teresa",
            "is_team_owned": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(ActionItem, action.id)
    assert (action.title, action.is_team_owned) == ("Send the final roadmap", True)
    assert [owner.full_name for owner in action.owners] == ["Paolo Member", "Teresa Team"]
    assert [e.kind for e in action.events] == [ActionEventKind.CREATED, ActionEventKind.EDITED]


def test_my_actions_lists_open_ones_first_and_closed_on_request(app, people, team):
    member = people["member"]
    done = _record(team, title="Already done", owner_ids=[member.id])
    actions.change_status(done, ActionStatus.DONE, by_id=member.id)
    _record(team, title="Late one", owner_ids=[member.id], due_on=clock.today() - timedelta(days=2))
    _record(team, title="Someone else's", is_team_owned=True)
    client = _client(app, member)
    page = client.get("/actions/mine").get_data(as_text=True)
    assert "Late one" in page and "(overdue)" in page
    assert "Already done" not in page and "Someone else's" not in page
    page = client.get("/actions/mine?closed=1").get_data(as_text=True)
    assert page.index("Late one") < page.index("Already done")


# --- the register ------------------------------------------------------------------------------------------


def test_the_register_filters_by_owner_status_overdue_meeting_group_and_words(
    app, held, people, team, make_member, make_working_group
):
    group = make_working_group("WP4")
    db.session.get(Invitation, held.invitations[0].id).via_working_group_id = group.id
    db.session.commit()
    member, colleague = people["member"], make_member(full_name="Chiara Colleague")
    today = clock.today()
    _record(
        team, title="Late report", owner_ids=[member.id], meeting_id=held.id, due_on=today - timedelta(days=1)
    )
    _record(team, title="Future survey", owner_ids=[colleague.id], due_on=today + timedelta(days=30))
    finished = _record(team, title="Finished minutes", is_team_owned=True)
    actions.change_status(finished, ActionStatus.DONE, by_id=team.id)
    client = _client(app, team)

    def listed(**query):
        page = client.get("/actions", query_string=query).get_data(as_text=True)
        return {title for title in ("Late report", "Future survey", "Finished minutes") if title in page}

    assert listed() == {"Late report", "Future survey", "Finished minutes"}
    assert listed(owner=member.id) == {"Late report"}
    assert listed(status="open") == {"Late report", "Future survey"}
    assert listed(status="done") == {"Finished minutes"}
    assert listed(overdue="1") == {"Late report"}
    assert listed(meeting=held.id) == {"Late report"}
    assert listed(working_group=group.id) == {"Late report"}
    assert listed(q="SURVEY") == {"Future survey"}
    assert listed(status="nonsense", owner="abc", meeting="99999999999999999999") == listed()
    page = client.get("/actions", query_string={"overdue": "1"}).get_data(as_text=True)
    assert "(overdue)" in page, "overdue is said in words, not by colour alone"


def _bulk_actions(count: int, start: int, meeting_id: int, owner_id: int) -> None:
    today = clock.today()
    db.session.execute(
        sa.insert(ActionItem),
        [
            {
                "title": f"Bulk action {n}",
                "search_text": f"bulk action {n}",
                "status": ActionStatus.OPEN,
                "due_on": today + timedelta(days=n % 40 - 20),
                "meeting_id": meeting_id if n % 2 else None,
                "is_team_owned": n % 3 == 0,
            }
            for n in range(start, start + count)
        ],
    )
    ids = db.session.scalars(
        sa.select(ActionItem.id).where(ActionItem.title.like("Bulk action %")).order_by(ActionItem.id)
    ).all()
    db.session.execute(
        sa.insert(action_owner), [{"action_id": i, "member_id": owner_id} for i in ids[-count:] if i % 2]
    )
    db.session.commit()


def test_the_register_runs_as_many_statements_for_100_as_for_10000_actions_on_any_page(
    app, held, people, team, count_queries
):
    client = _client(app, team)

    def statements(url: str, listed: int = 50) -> int:
        client.get(url)
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('href="/actions/') >= listed
        return counted.count

    pages = ("/actions", "/actions?page=3", f"/actions?status=open&owner={people['member'].id}")
    _bulk_actions(100, 0, held.id, people["member"].id)
    # With 100 actions the third page is empty, and an empty page loads no owners.
    few = {url: statements(url, listed=0 if "page=3" in url else 1) for url in pages}
    _bulk_actions(9_900, 100, held.id, people["member"].id)
    assert {url: statements(url) for url in pages} == {
        **few,
        "/actions?page=3": few["/actions"],
    }
    assert "/actions?page=2" in client.get("/actions").get_data(as_text=True)


# --- matters arising ---------------------------------------------------------------------------------------


def test_open_actions_of_earlier_meetings_are_offered_and_carried_once(app, held, people, team, make_meeting):
    member = people["member"]
    kept = _record(
        team,
        title="Map the regional registries",
        owner_ids=[member.id],
        meeting_id=held.id,
        due_on=clock.today() - timedelta(days=1),
    )
    trimmed = _record(team, title="Ask WP4 for the template", is_team_owned=True, meeting_id=held.id)
    closed = _record(team, title="Closed already", is_team_owned=True, meeting_id=held.id)
    actions.change_status(closed, ActionStatus.DONE, by_id=team.id)
    other_type = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(days=30), status=MeetingStatus.HELD
    )
    _record(team, title="From a plenary", is_team_owned=True, meeting_id=other_type.id)
    following = make_meeting("thematic", starts_at=clock.now() + timedelta(days=14), title="Next workshop")
    client = _client(app, team)

    page = client.get(f"/meetings/{following.id}/agenda").get_data(as_text=True)
    panel = page[page.index('id="matters-arising"') :]
    assert "Map the regional registries" in panel and "Ask WP4 for the template" in panel
    assert "Closed already" not in panel and "From a plenary" not in panel
    assert f'value="{kept.id}" id="arising-{kept.id}" checked' in panel
    assert "Overdue" in panel[panel.index(f"arising-{kept.id}") : panel.index(f"arising-{trimmed.id}")]

    response = client.post(
        f"/meetings/{following.id}/agenda/matters-arising", data={"actions": [str(kept.id)]}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/meetings/{following.id}/agenda")
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == following.id))
    assert item.title == "Matters arising"
    assert f"A-{kept.id} Map the regional registries (Paolo Member)" in item.notes
    assert "(overdue)" in item.notes
    assert "Ask WP4" not in item.notes

    # Carried once: a second post of the same action adds nothing; the trimmed one stays on offer.
    client.post(f"/meetings/{following.id}/agenda/matters-arising", data={"actions": [str(kept.id)]})
    carried = db.session.scalars(
        sa.select(ActionEvent.action_id).where(ActionEvent.kind == ActionEventKind.CARRIED)
    ).all()
    assert carried == [kept.id]
    assert [a.id for a in matters_arising.matters_arising(following)] == [trimmed.id]
    assert "Carried over" in client.get(f"/actions/{kept.id}").get_data(as_text=True)
    assert "Carried over" not in client.get(f"/actions/{trimmed.id}").get_data(as_text=True)


def test_the_panel_is_not_shown_without_open_actions_nor_on_a_frozen_agenda(app, held, team, make_meeting):
    following = make_meeting("thematic", starts_at=clock.now() + timedelta(days=14))
    client = _client(app, team)
    assert 'id="matters-arising"' not in client.get(f"/meetings/{following.id}/agenda").get_data(as_text=True)
    _record(team, is_team_owned=True, meeting_id=held.id)
    following.status = MeetingStatus.CANCELLED
    db.session.commit()
    assert 'id="matters-arising"' not in client.get(f"/meetings/{following.id}/agenda").get_data(as_text=True)


def test_nothing_chosen_is_explained(app, held, team, make_meeting):
    following = make_meeting("thematic", starts_at=clock.now() + timedelta(days=14))
    _record(team, is_team_owned=True, meeting_id=held.id)
    response = _client(app, team).post(
        f"/meetings/{following.id}/agenda/matters-arising", data={}, follow_redirects=True
    )
    assert "Choose the open actions to carry over." in response.get_data(as_text=True)
    assert _count(AgendaItem) == 1


# --- the start page ----------------------------------------------------------------------------------------


def test_a_members_start_page_shows_their_open_actions(app, people, team):
    member = people["member"]
    _record(
        team, title="Review the glossary", owner_ids=[member.id], due_on=clock.today() - timedelta(days=1)
    )
    done = _record(team, title="Old and done", owner_ids=[member.id])
    actions.change_status(done, ActionStatus.DONE, by_id=member.id)
    page = _client(app, member).get("/").get_data(as_text=True)
    assert "Review the glossary" in page and "(overdue)" in page
    assert "Old and done" not in page
    assert "/actions/mine" in page
    assert "Minutes and actions" not in page, "members write no minutes"


def test_the_teams_start_page_lists_minutes_to_write_circulate_approve_and_overdue_actions(
    app, people, team, make_meeting
):
    def held(title: str, days: int):
        return make_meeting(
            "thematic", starts_at=clock.now() - timedelta(days=days), status=MeetingStatus.HELD, title=title
        )

    held("Nothing written yet", 3)
    empty = held("Opened but empty", 4)
    drafted = held("Drafted", 5)
    circulated = held("Circulated", 6)
    held("Long ago", 800)
    approved = held("Approved", 7)
    make_meeting("thematic", starts_at=clock.now() + timedelta(days=3), title="Still to come")
    db.session.add_all(
        [
            Minutes(meeting_id=empty.id, version=1, sections={}),
            Minutes(meeting_id=drafted.id, version=1, sections={"opening": "Text"}),
            Minutes(
                meeting_id=circulated.id,
                version=1,
                status=MinutesStatus.CIRCULATED,
                sections={"opening": "T"},
            ),
            Minutes(
                meeting_id=approved.id, version=1, status=MinutesStatus.APPROVED, sections={"opening": "T"}
            ),
        ]
    )
    db.session.commit()
    _record(team, title="Late", is_team_owned=True, due_on=clock.today() - timedelta(days=1))
    page = _client(app, team).get("/").get_data(as_text=True)
    section = page[page.index('id="minutes-to-do"') :]

    def said(title: str) -> str | None:
        found = re.search(rf">{title}</a>\s*<div[^>]*>[^<]*· ([^<]*)</div>", section)
        return found[1] if found else None

    assert said("Nothing written yet") == said("Opened but empty") == "held: write the minutes"
    assert said("Drafted") == "draft minutes: circulate them for comments"
    assert said("Circulated") == "minutes circulated: awaiting approval"
    assert said("Approved") is None and said("Long ago") is None and said("Still to come") is None
    assert "1 action is overdue." in section and "/actions?overdue=1" in section
    mine = page[page.index('id="my-open-actions"') : page.index('id="minutes-to-do"')]
    assert "Late" in mine, "the team owns it, and Teresa is in the team"


def test_the_start_page_statements_do_not_grow_with_actions_and_minutes(
    app, held, people, team, make_meeting, count_queries
):
    client = _client(app, team)

    def add(n: int) -> None:
        _record(team, title=f"Action {n}", owner_ids=[team.id], due_on=date(2020, 1, 1) + timedelta(days=n))
        meeting = make_meeting(
            "thematic", starts_at=clock.now() - timedelta(days=10 + n), status=MeetingStatus.HELD
        )
        db.session.add(Minutes(meeting_id=meeting.id, version=1, sections={"opening": "x"}))
        db.session.commit()

    add(0)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for n in range(1, 9):
        add(n)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
