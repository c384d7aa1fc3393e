"""A decision stands once the minutes it was recorded in are approved. Until then it is provisional in the
register, the search, the meeting page and the exports, and the annual report and the e-news, which go to
every member, leave it out. Every list shows a meeting's decisions in the order of its minutes."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.governance.annual_report import gathering
from nmg_ops.minutes import decisions, sections, writing
from nmg_ops.models import AgendaItem, Attendance, MeetingStatus, MinutesStatus, NewsIssue
from nmg_ops.news import drafting
from tests.fixtures.factories import PASSWORD

ROME = ZoneInfo("Europe/Rome")
BADGE = "decision-provisional"
#: what the team records, in the order they record it: (agenda position or section key, text)
RECORDED = (
    ("aob", "Thank the hosts"),
    (2, "Approve the budget"),
    ("opening", "Adopt the agenda"),
    (1, "Adopt the work plan"),
    (2, "Open a call for experts"),
)
#: the same decisions as the minutes read: opening, item 1, item 2 in recording order, other business
IN_MINUTES_ORDER = [
    "Adopt the agenda",
    "Adopt the work plan",
    "Approve the budget",
    "Open a call for experts",
    "Thank the hosts",
]


@pytest.fixture
def plenary(make_meeting, people):
    """A public plenary of March 2025 attended by the member, with two agenda items and five decisions
    recorded out of order, its minutes circulated for comments."""
    team = people["coordination_team"]
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2025, 3, 10, 10, tzinfo=ROME),
        status=MeetingStatus.HELD,
        is_public=True,
        invitees=[people["member"]],
        title="Plenary of March",
    )
    for invitation in meeting.invitations:
        invitation.attendance = Attendance.PRESENT
    db.session.add_all(
        [
            AgendaItem(meeting_id=meeting.id, position=1, title="Work plan"),
            AgendaItem(meeting_id=meeting.id, position=2, title="Budget"),
        ]
    )
    db.session.commit()
    meeting = writing.meeting_for_minutes(meeting.id)
    writing.save(meeting, {"opening": "Opened."}, 0, team.id)
    minutes = writing.minutes_of(meeting.id)
    keys = {item.position: sections.item_key(item) for item in meeting.agenda_items}
    for where, text in RECORDED:
        decisions.record(meeting, minutes, keys.get(where, where), text, team.id)
    minutes.status = MinutesStatus.CIRCULATED
    db.session.commit()
    return meeting


def _approve(meeting) -> None:
    minutes = writing.minutes_of(meeting.id)
    minutes.status, minutes.approved_on = MinutesStatus.APPROVED, date(2025, 4, 7)
    db.session.commit()


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _texts(page: str) -> list[str]:
    """The decisions' texts in the order the page shows them."""
    return sorted((text for text in IN_MINUTES_ORDER if text in page), key=page.index)


def _csv(client) -> list[list[str]]:
    data = client.get("/decisions.csv").get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def _annual_report(app) -> list[str]:
    with app.test_request_context():
        return [line.text for line in gathering.report_for(2025).decisions]


def _enews(app) -> str:
    """The text of the May 2025 issue as drafted now, which reports what was approved in April."""
    with app.test_request_context():
        for drafted in db.session.scalars(sa.select(NewsIssue)):
            db.session.delete(drafted)
        db.session.commit()
        issue = drafting.draft_issue(date(2025, 5, 1))
        return "\n".join(section.body for section in issue.sections)


def test_decisions_of_circulated_minutes_are_provisional_and_stand_once_approved(app, people, plenary):
    team = _client(app, people["coordination_team"])
    member = _client(app, people["member"])
    pages = {
        "register": "/decisions",
        "search": "/records/search?q=budget",
        "meeting page": f"/meetings/{plenary.id}/minutes",
    }
    expected = {"register": 5, "search": 1, "meeting page": 5}
    for reader in (team, member):
        for name, url in pages.items():
            page = reader.get(url).get_data(as_text=True)
            assert page.count(BADGE) == expected[name], name
            assert "provisional" in page
    rows = _csv(team)
    assert rows[0][-1] == "Provisional"
    assert {row[-1] for row in rows[1:]} == {"yes"}
    markdown = team.get(f"/meetings/{plenary.id}/minutes.md").get_data(as_text=True)
    assert "- **2025/02** Approve the budget _(provisional)_" in markdown
    assert _annual_report(app) == [], "members cannot open these minutes"
    assert "Approve the budget" not in _enews(app)

    _approve(plenary)
    for reader in (team, member):
        for url in pages.values():
            page = reader.get(url).get_data(as_text=True)
            assert BADGE not in page and "Approve the budget" in page
    assert {row[-1] for row in _csv(team)[1:]} == {""}
    assert "provisional" not in team.get(f"/meetings/{plenary.id}/minutes.md").get_data(as_text=True)
    assert _annual_report(app) == IN_MINUTES_ORDER
    enews = _enews(app)
    assert _texts(enews) == IN_MINUTES_ORDER


def test_every_list_shows_the_decisions_in_the_order_of_the_minutes(app, people, plenary):
    team = _client(app, people["coordination_team"])

    def orders() -> dict[str, list[str]]:
        return {
            "register": _texts(team.get("/decisions").get_data(as_text=True)),
            "meeting page": _texts(team.get(f"/meetings/{plenary.id}/minutes").get_data(as_text=True)),
            "export": [row[4] for row in _csv(team)[1:]],
        }

    assert orders() == dict.fromkeys(("register", "meeting page", "export"), IN_MINUTES_ORDER)

    # The agenda's items swap places: the minutes, and so the lists, follow the agenda.
    first, second = sorted(plenary.agenda_items, key=lambda item: item.position)
    first.position, second.position = 2, 1
    db.session.commit()
    swapped = [IN_MINUTES_ORDER[i] for i in (0, 2, 3, 1, 4)]
    assert orders() == dict.fromkeys(("register", "meeting page", "export"), swapped)
