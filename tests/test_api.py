"""The read API answers as its OpenAPI document says, for a visitor, a member's token and the
coordinator's, and a token never shows what the same member's pages hide."""

from __future__ import annotations

import re
from datetime import date, timedelta

import jsonschema
import pytest
from openapi_spec_validator import validate

from nmg_ops import clock
from nmg_ops.api import tokens
from nmg_ops.extensions import db
from nmg_ops.governance.consultation_results import MIN_ANONYMOUS_GROUP
from nmg_ops.governance.self_assessment import publishing
from nmg_ops.models import (
    ActionItem,
    Attendance,
    Decision,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    StakeholderType,
    SurveyReach,
)
from tests.fixtures.consultations import open_survey
from tests.fixtures.news import news_world


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _held(make_meeting, title: str, invitees, minutes: MinutesStatus | None, **kw):
    """A meeting held last week, its invitees present, with minutes in the given state."""
    meeting = make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=7),
        invitees=invitees,
        status=MeetingStatus.HELD,
        title=title,
        **kw,
    )
    for invitation in meeting.invitations:
        invitation.attendance = Attendance.PRESENT
    if minutes is not None:
        approved_on = clock.today() if minutes is MinutesStatus.APPROVED else None
        record = Minutes(meeting_id=meeting.id, status=minutes, sections={"summary": title})
        record.approved_on = approved_on
        db.session.add(record)
    db.session.commit()
    return meeting


@pytest.fixture
def world(make_meeting, people):
    """Something behind every operation: a public event, a sent issue, a public document, a public
    consultation, a published self-assessment, and the member's meetings, minutes in every state, a
    decision and an action."""
    from tests.test_authorization import _public_document

    member = people["member"]
    make_meeting("partnership_event", status=MeetingStatus.CONFIRMED, is_public=True, title="Open day")
    news_world()
    _public_document()
    open_survey(SurveyReach.PUBLIC)
    publishing.publish(clock.today().year, people["coordinator"])
    approved = _held(make_meeting, "Approved workshop", [member], MinutesStatus.APPROVED)
    _held(make_meeting, "Circulated workshop", [member], MinutesStatus.CIRCULATED)
    _held(make_meeting, "Draft workshop", [member], MinutesStatus.DRAFT)
    make_meeting("plenary", invitees=[member], title="Plenary still a draft")
    make_meeting("plenary", invitees=[member, people["coordinator"]], status=MeetingStatus.CONFIRMED)
    db.session.add(Decision(year=2026, number=1, meeting_id=approved.id, text="The roadmap is adopted."))
    db.session.add(
        ActionItem(title="Draft the roadmap", owners=[member, people["coordinator"]], meeting_id=approved.id)
    )
    db.session.commit()
    return {"approved": approved.id}


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = _document(client)
    validate(document)
    assert document["openapi"].startswith("3.1")
    expected = {"/events", "/news", "/documents", "/group", "/composition", "/me/meetings", "/me/minutes"}
    assert expected <= set(document["paths"])


def test_the_docs_page_lists_every_operation_with_no_script_from_elsewhere(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path in _document(client)["paths"]:
        assert f"GET /api/v1{path}<" in page
    assert not re.search(r"<script[^>]+src=\"https?://", page)


@pytest.mark.parametrize("role", ["public", "member", "coordinator"])
def test_every_documented_operation_answers_its_documented_shape(client, people, world, role):
    document = _document(client)
    headers = _bearer(tokens.create(people[role], "test")) if people[role] else {}
    for path, item in document["paths"].items():
        operation = item["get"]
        response = client.get(f"/api/v1{path}", headers=headers)
        needs_token = {} not in operation["security"]
        if needs_token and role == "public":
            assert response.status_code == 401, path
            assert response.mimetype == "application/problem+json"
            continue
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(response.get_json(), {**schema, "components": document["components"]})
        body = response.get_json()
        if "items" in body:
            assert body["items"], f"{path} as {role} lists nothing: the test would show nothing"


def _meeting_ids_on_my_page(client) -> set[int]:
    page = client.get("/meetings/my").get_data(as_text=True)
    return {int(found) for found in re.findall(r'href="/meetings/(\d+)"', page)}


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_a_token_shows_the_meetings_the_members_page_shows(
    client, sign_in, people, world, make_meeting, role
):
    reader = people[role]
    make_meeting("plenary", invitees=[reader], title="Draft the reader is invited to")
    sign_in(reader)
    shown_on_page = _meeting_ids_on_my_page(client)
    headers = _bearer(tokens.create(reader, "t"))
    answer = client.get("/api/v1/me/meetings?size=100", headers=headers).get_json()
    listed = {item["id"]: item for item in answer["items"]}
    assert set(listed) == shown_on_page
    drafts = {id for id, item in listed.items() if item["status"] == "draft"}
    # Only organisers see drafts, as on their page.
    assert bool(drafts) is (role == "coordinator")


def test_a_members_token_reads_approved_minutes_only_and_never_those_their_pages_hide(
    client, sign_in, people, world, make_meeting, make_member
):
    member = people["member"]
    elsewhere = _held(make_meeting, "Not invited", [make_member()], MinutesStatus.APPROVED)
    headers = _bearer(tokens.create(member, "t"))
    minutes = client.get("/api/v1/me/minutes", headers=headers).get_json()["items"]
    decisions = client.get("/api/v1/me/decisions", headers=headers).get_json()["items"]
    assert [m["meeting_title"] for m in minutes] == ["Approved workshop"]
    assert [d["text"] for d in decisions] == ["The roadmap is adopted."]
    sign_in(member)
    assert client.get(f"/meetings/{world['approved']}/minutes").status_code == 200
    assert client.get(f"/meetings/{elsewhere.id}/minutes").status_code in (403, 404)
    assert elsewhere.id not in {m["meeting_id"] for m in minutes}


def test_the_coordinator_reads_every_approved_minutes(client, people, world, make_meeting, make_member):
    _held(make_meeting, "Not invited", [make_member()], MinutesStatus.APPROVED)
    headers = _bearer(tokens.create(people["coordinator"], "t"))
    minutes = client.get("/api/v1/me/minutes", headers=headers).get_json()["items"]
    titles = {m["meeting_title"] for m in minutes}
    assert titles == {"Approved workshop", "Not invited"}


def test_public_events_are_the_published_meetings_with_their_calendar_file(client, world, make_meeting):
    make_meeting("partnership_event", is_public=True, title="Public but still a draft")
    events = client.get("/api/v1/events").get_json()["items"]
    assert [e["title"] for e in events] == ["Open day"]
    assert "video" not in str(events)
    ics = client.get(events[0]["ics_url"].removeprefix("http://localhost"))
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"


def test_documents_carry_the_version_approved_now(client, world):
    (document,) = client.get("/api/v1/documents").get_json()["items"]
    assert document["version"] == 1
    download = client.get(document["download_url"].removeprefix("http://localhost"))
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_the_composition_hides_every_group_too_small_to_show(client, make_member, make_org):
    big = make_org(stakeholder_type=StakeholderType.RESEARCH)
    for _ in range(5):
        make_member(organisation=big)
    make_member(organisation=make_org(stakeholder_type=StakeholderType.INDUSTRY))
    make_member(organisation=make_org(stakeholder_type=StakeholderType.ELSI), left_on=date(2020, 1, 1))
    answer = client.get("/api/v1/composition").get_json()
    assert answer["total"] == 6
    shown = [group["count"] for group in answer["by_stakeholder_type"] if not group["is_hidden"]]
    hidden = [group for group in answer["by_stakeholder_type"] if group["is_hidden"]]
    assert all(count == 0 or count >= MIN_ANONYMOUS_GROUP for count in shown)
    # The one industry member is hidden, and with it the research group, so the total tells nothing.
    assert {group["code"] for group in hidden} == {"industry", "research"}
    assert all(group["count"] is None for group in hidden)


def test_the_group_profile_names_the_coordinators_organisation(client, people):
    answer = client.get("/api/v1/group").get_json()
    assert answer["coordinator_organisation"] == people["coordinator"].organisation.name
    assert answer["country"] == "IT"


def test_a_token_lists_the_actions_of_the_members_actions_page(client, sign_in, people, world):
    reader = people["coordination_team"]
    db.session.add(ActionItem(title="The team's action", is_team_owned=True))
    db.session.commit()
    sign_in(reader)
    page = client.get("/actions/mine?closed=1").get_data(as_text=True)
    shown_on_page = {int(found) for found in re.findall(r'href="/actions/(\d+)"', page)}
    answer = client.get("/api/v1/me/actions", headers=_bearer(tokens.create(reader, "t"))).get_json()
    assert {item["title"] for item in answer["items"]} == {"The team's action"}
    assert {item["id"] for item in answer["items"]} == shown_on_page
