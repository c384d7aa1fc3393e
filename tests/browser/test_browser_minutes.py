"""A meeting's record, in a real browser: the team writes minutes with a decision and two actions and
circulates them; a member present comments; the coordinator approves them at the next plenary, whose
agenda already carries the approval; the member finds the action on the start page and marks it done."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.i18n import format_date
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Invitation,
    Language,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    MinutesStatus,
    Organisation,
    StakeholderType,
)
from tests.fixtures.factories import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser


@pytest.fixture
def record(live_server, coordinator) -> dict[str, int]:
    """A thematic meeting held last week with Paolo present, and the next plenary in ten days."""
    with live_server.app.app_context():
        org = Organisation(
            name="Istituto Superiore di Sanità", acronym="ISS", stakeholder_type=StakeholderType.SCIENTIFIC
        )
        teresa, paolo = (
            Member(
                full_name=name,
                email=email,
                organisation=org,
                language=Language.EN,
                password_hash=PASSWORD_HASH,
                is_coordination_team=team,
            )
            for name, email, team in (
                ("Teresa Team", "ct@example.org", True),
                ("Paolo Member", "plain@example.org", False),
            )
        )
        started = clock.now().replace(microsecond=0) - timedelta(days=7)
        held = Meeting(
            type=meeting_type("thematic"),
            title="Thematic meeting on data",
            starts_at=started,
            ends_at=started + timedelta(hours=2),
            mode="online",
            video_url="https://meet.example.org/nmg",
            status=MeetingStatus.HELD,
            invitations=[Invitation(member=paolo, attendance=Attendance.PRESENT)],
            agenda_items=[
                AgendaItem(position=1, title="Welcome"),
                AgendaItem(position=2, title="European Health Data Space"),
            ],
        )
        plenary_start = clock.now().replace(microsecond=0) + timedelta(days=10)
        plenary = Meeting(
            type=meeting_type("plenary"),
            title="Plenary meeting 6/6",
            starts_at=plenary_start,
            ends_at=plenary_start + timedelta(hours=2),
            mode="online",
            video_url="https://meet.example.org/nmg",
            status=MeetingStatus.CONFIRMED,
            invitations=[Invitation(member=paolo)],
        )
        db.session.add_all([teresa, paolo, held, plenary])
        db.session.commit()
        return {"held": held.id, "plenary": plenary.id}


@pytest.fixture
def as_person(browser, live_server):
    """A browser of its own for each person, signed in through the sign-in page."""
    contexts = []

    def open_as(email: str):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/sign-in")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _record_action(page, section: str, title: str, *, owner: str | None = None, team: bool = False) -> None:
    """From the minutes page to the editor at the section, where the action is added with its owner
    found by typing part of the name, and back to the minutes page."""
    minutes_page = page.url
    page.locator(f"#section-{section} summary").click()
    page.locator(f"#section-{section}").get_by_role("link", name="Record an action").click()
    here = page.locator(f"#section-{section}")
    here.locator("summary").click()
    here.get_by_label("What is to be done").fill(title)
    if owner:
        here.get_by_label("Owners").press_sequentially(owner.split()[0].lower()[:4])
        here.get_by_role("option", name=owner).click()
        expect(here.get_by_label("Owners")).to_have_value(re.compile(re.escape(owner) + " <.*>; "))
    if team:
        here.get_by_label("The coordination team owns it").check()
    here.get_by_label("Due on").fill((clock.today() + timedelta(days=21)).isoformat())
    here.get_by_role("button", name="Record the action").click()
    page.wait_for_url(re.compile(rf"/minutes/edit#section-{section}$"))
    expect(page.locator(f"#section-{section} .actions")).to_contain_text(title)
    page.goto(minutes_page)


def test_minutes_from_first_draft_to_approval_and_the_action_done(as_person, live_server, record):
    held, plenary = record["held"], record["plenary"]
    with live_server.app.app_context():
        second = sa.select(AgendaItem.id).where(AgendaItem.position == 2, AgendaItem.meeting_id == held)
        item_key = f"item-{db.session.scalar(second)}"

    team = as_person("ct@example.org")
    team.goto(f"/meetings/{held}")
    team.get_by_role("link", name="Write the minutes").click()
    team.get_by_role("link", name="Write the minutes").click()
    team.get_by_label("Opening").fill("The coordinator opened the meeting at 10:05.")
    team.get_by_label("2. European Health Data Space").fill("The group discussed the **EHDS** regulation.")
    team.get_by_role("button", name="Save and close").click()
    expect(team.locator(f"#section-{item_key} strong")).to_have_text("EHDS")

    team.locator(f"#section-{item_key} summary").click()
    team.locator(f"#section-{item_key}").get_by_label("Decision").fill("The NMG joins the EHDS task force.")
    team.locator(f"#section-{item_key}").get_by_role("button", name="Record the decision").click()
    year = clock.local(clock.now() - timedelta(days=7)).year
    expect(team.locator(f"#section-{item_key} .decisions")).to_contain_text(f"Decision {year}/01")

    _record_action(team, item_key, "Send the EHDS position paper", owner="Paolo Member")
    _record_action(team, item_key, "Book the room for the task force", team=True)
    expect(team.locator(f"#section-{item_key} .actions li")).to_have_count(2)

    team.get_by_role("button", name="Circulate for comments").click()
    expect(team.locator("#circulation-line")).to_contain_text("comments are open until")
    team.goto(f"/meetings/{plenary}")
    expect(team.locator("#agenda")).to_contain_text("Approval of the minutes of the meeting of")
    expect(team.locator("#agenda")).to_contain_text("(Thematic meeting on data)")

    member = as_person("plain@example.org")
    member.goto(f"/meetings/{held}/minutes")
    member.locator("#section-opening summary").click()
    member.locator("#section-opening").get_by_label("Your comment").fill("It opened at 10:10, not 10:05.")
    member.locator("#section-opening").get_by_role("button", name="Send the comment").click()
    expect(member.locator(".alert-success")).to_contain_text("your comment is with the coordination team")
    _decisions_on_a_phone(member, provisional=1)

    team.goto(f"/meetings/{held}/minutes")
    expect(team.locator("#section-opening .comments")).to_contain_text("It opened at 10:10")
    comments = team.locator("#section-opening .comments")
    comments.locator("details summary").click()
    comments.get_by_label("Your reply").fill("Corrected: it opened at 10:10.")
    comments.get_by_role("button", name="Reply and resolve").click()
    expect(team.locator("#section-opening .comments")).to_contain_text("Resolved by Teresa Team")
    member.goto(f"/meetings/{held}/minutes")
    expect(member.locator("#section-opening .comments .reply")).to_contain_text("Corrected: it opened")

    with live_server.app.app_context():  # ten days later: the plenary has met, after the circulation
        meeting = db.session.get(Meeting, plenary)
        circulated_at = db.session.scalar(sa.select(Minutes.circulated_at).where(Minutes.meeting_id == held))
        meeting.starts_at = circulated_at + (clock.now() - circulated_at) / 2
        meeting.ends_at = meeting.starts_at + timedelta(hours=2)
        db.session.commit()

    coordinator = as_person("coordinator@example.org")
    coordinator.goto(f"/meetings/{held}/minutes")
    coordinator.get_by_role("link", name="Record approval").click()
    coordinator.get_by_label("Approved at").select_option(
        label=f"Plenary meeting 6/6 ({_medium(live_server, plenary)})"
    )
    coordinator.get_by_role("button", name="Approve and lock the minutes").click()
    expect(coordinator.locator("#approval-line")).to_contain_text("at Plenary meeting 6/6")

    _decisions_on_a_phone(member, provisional=0)
    member.goto("/")
    expect(member.locator("#my-open-actions ~ *").first).to_contain_text("Send the EHDS position paper")
    member.get_by_role("button", name="Decisions and actions").click()
    member.locator("#nav").get_by_role("link", name="My actions").click()
    member.get_by_label("Status").select_option(label="Done")
    member.get_by_label("Note").fill("Sent on Monday.")
    member.get_by_role("button", name="Update").click()
    with live_server.app.app_context():
        action = db.session.scalar(
            sa.select(ActionItem).where(ActionItem.title == "Send the EHDS position paper")
        )
        assert action.status is ActionStatus.DONE
        minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == held))
        assert minutes.status is MinutesStatus.APPROVED and minutes.approved_at_meeting_id == plenary
    member.goto("/")
    expect(member.locator("body")).not_to_contain_text("Send the EHDS position paper")


def _decisions_on_a_phone(page, provisional: int) -> None:
    """The register on a phone: one card per decision, nothing to scroll sideways, the decisions of
    minutes not yet approved marked provisional."""
    laptop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/decisions")
    expect(page.locator("#decisions .card")).to_contain_text(["The NMG joins the EHDS task force."])
    expect(page.locator("#decisions .decision-provisional")).to_have_count(provisional)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "fits a phone"
    page.set_viewport_size(laptop)


def _medium(live_server, meeting_id: int) -> str:
    with live_server.app.test_request_context():
        meeting = db.session.get(Meeting, meeting_id)
        return format_date(clock.local(meeting.starts_at).date(), "medium")
