"""The decisions register: numbered within the year of their meeting, listed newest meeting first, filtered
by words, year, meeting type and working group, each reader seeing the decisions of the minutes they may
read."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.minutes import decisions, writing
from nmg_ops.models import (
    Attendance,
    Decision,
    Invitation,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from tests.fixtures.factories import PASSWORD

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def record(make_meeting, people):
    """`record(type, day, text, status, invitees, public)`: a held meeting with minutes in `status` and one
    decision, recorded by the coordination team."""

    def make(
        type_code: str,
        day: datetime,
        text: str,
        status: MinutesStatus = MinutesStatus.APPROVED,
        invitees=(),
        is_public: bool = False,
        title: str | None = None,
    ) -> Decision:
        meeting = make_meeting(
            type_code,
            starts_at=day,
            invitees=list(invitees),
            status=MeetingStatus.HELD,
            is_public=is_public,
            title=title or f"{type_code} of {day:%Y-%m-%d}",
        )
        for invitation in meeting.invitations:
            invitation.attendance = Attendance.PRESENT
        db.session.commit()
        meeting = writing.meeting_for_minutes(meeting.id)
        writing.save(meeting, {"opening": "Opened."}, 0, people["coordination_team"].id)
        minutes = writing.minutes_of(meeting.id)
        decision = decisions.record(meeting, minutes, "opening", text, people["coordination_team"].id)
        minutes.status = status
        db.session.commit()
        return decision

    return make


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _codes(page: str) -> list[str]:
    return re.findall(r'<span class="decision-code">(\d{4}/\d{2,})</span>', page)


def test_decisions_are_numbered_within_the_year_of_their_meeting(record):
    first = record("plenary", datetime(2025, 12, 31, 23, 30, tzinfo=ROME), "Adopt the work plan")
    second = record("plenary", datetime(2026, 1, 1, 0, 30, tzinfo=ROME), "Rotate the coordination")
    third = record("thematic", datetime(2026, 2, 1, 10, tzinfo=ROME), "Open a call for experts")
    assert [first.code, second.code, third.code] == ["2025/01", "2026/01", "2026/02"]


def test_the_register_lists_code_text_meeting_date_and_type_newest_meeting_first(app, record, people):
    record("plenary", datetime(2025, 3, 4, 10, tzinfo=ROME), "Adopt the work plan", title="Plenary March")
    record("thematic", datetime(2026, 2, 1, 10, tzinfo=ROME), "Open a call for experts", title="Thematic Feb")
    page = _client(app, people["coordination_team"]).get("/decisions").get_data(as_text=True)
    assert _codes(page) == ["2026/01", "2025/01"]
    assert "Open a call for experts" in page and "Thematic meeting" in page
    meeting_id = db.session.scalar(sa.select(Decision.meeting_id).where(Decision.year == 2026))
    assert f'href="/meetings/{meeting_id}/minutes">Thematic Feb</a>' in page
    assert "1 Feb 2026" in page
    assert "<table" not in page, "cards, which a phone shows without scrolling sideways"


def test_the_register_filters_by_words_year_type_and_working_group(app, record, people, make_working_group):
    group = make_working_group("WP9")
    record("plenary", datetime(2025, 3, 4, 10, tzinfo=ROME), "Adopt the work plan")
    record(
        "thematic",
        datetime(2026, 2, 1, 10, tzinfo=ROME),
        "Open a call for experts",
        invitees=[people["member"]],
    )
    record("plenary", datetime(2026, 5, 6, 10, tzinfo=ROME), "Approve the budget")
    thematic = db.session.scalar(sa.select(Decision.meeting_id).where(Decision.text.like("Open%")))
    db.session.execute(
        sa.update(Invitation).where(Invitation.meeting_id == thematic).values(via_working_group_id=group.id)
    )
    db.session.commit()
    client = _client(app, people["coordination_team"])

    def codes(**query) -> list[str]:
        return _codes(client.get("/decisions", query_string=query).get_data(as_text=True))

    assert codes() == ["2026/02", "2026/01", "2025/01"]
    assert codes(year=2025) == ["2025/01"]
    assert codes(type="plenary") == ["2026/02", "2025/01"]
    assert codes(type="plenary", year=2026) == ["2026/02"]
    assert codes(working_group=group.id) == ["2026/01"]
    assert codes(q="BUDGET") == ["2026/02"]
    assert codes(q="2025/01") == ["2025/01"]
    assert codes(q="budget plan") == []


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc", "type": "no-such-type", "working_group": "99999999999999999999"},
        {"year": "1850", "page": "-1"},
        {"working_group": "\u0663", "year": "9223372036854775808", "page": "not-a-page"},
    ],
)
def test_filter_values_that_name_nothing_are_ignored(app, record, people, query):
    record("plenary", datetime(2025, 3, 4, 10, tzinfo=ROME), "Adopt the work plan")
    response = _client(app, people["member"]).get("/decisions", query_string=query)
    assert response.status_code == 200
    assert "Adopt the work plan" not in response.get_data(as_text=True), "not public, not invited"
    response = _client(app, people["coordinator"]).get("/decisions", query_string=query)
    assert _codes(response.get_data(as_text=True)) == ["2025/01"]


def test_a_member_sees_only_decisions_of_minutes_they_may_read(app, record, people, make_member):
    member = people["member"]
    colleague = make_member(full_name="Chiara Colleague")
    day = clock.now() - timedelta(days=20)
    record("thematic", day, "Approved, invited", invitees=[member])
    record("thematic", day + timedelta(hours=3), "Approved, public", is_public=True)
    record("thematic", day + timedelta(hours=4), "Approved, not invited", invitees=[colleague])
    record("thematic", day + timedelta(hours=5), "Draft, present", MinutesStatus.DRAFT, invitees=[member])
    record(
        "thematic",
        day + timedelta(hours=6),
        "Circulated, present",
        MinutesStatus.CIRCULATED,
        invitees=[member],
    )
    record(
        "thematic",
        day + timedelta(hours=7),
        "Circulated, absent",
        MinutesStatus.CIRCULATED,
        invitees=[colleague],
    )

    page = _client(app, member).get("/decisions").get_data(as_text=True)
    seen = set(re.findall(r'<p class="card-text text-break mb-1">([^<]*)</p>', page))
    assert seen == {"Approved, invited", "Approved, public", "Circulated, present"}
    assert "You see the decisions of the minutes you may read." in page

    page = _client(app, people["coordination_team"]).get("/decisions").get_data(as_text=True)
    assert len(_codes(page)) == 6


def _bulk_decisions(meeting_id: int, start: int, count: int) -> None:
    db.session.execute(
        sa.insert(Decision),
        [
            {
                "year": 2026,
                "number": n,
                "meeting_id": meeting_id,
                "section": "opening",
                "text": f"Bulk decision {n}",
                "search_text": f"2026/{n:02d}\nbulk decision {n}",
            }
            for n in range(start, start + count)
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_the_register_runs_as_many_statements_for_100_as_for_10000_decisions_on_any_page(
    app, make_meeting, people, count_queries, role
):
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2026, 3, 3, 10, tzinfo=ROME),
        status=MeetingStatus.HELD,
        invitees=[people["member"]],
    )
    db.session.add(Minutes(meeting_id=meeting.id, status=MinutesStatus.APPROVED, version=1, sections={}))
    db.session.commit()
    client = _client(app, people[role])

    def statements(url: str) -> int:
        client.get(url)
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        assert len(_codes(response.get_data(as_text=True))) == decisions.PER_PAGE
        return counted.count

    _bulk_decisions(meeting.id, 1, 100)
    few = statements("/decisions")
    _bulk_decisions(meeting.id, 101, 9_900)
    assert statements("/decisions") == few
    assert statements("/decisions?page=3") == few
    assert statements("/decisions?page=3&q=bulk&year=2026&type=plenary") == few
    page = client.get("/decisions?page=3").get_data(as_text=True)
    assert _codes(page)[0] == f"2026/{2 * decisions.PER_PAGE + 1}", "in the order of the minutes"
    assert "/decisions?page=4" in page
