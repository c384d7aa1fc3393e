"""The coordination team builds an agenda and a member answers an invitation, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import Invitation, Language, Meeting, MeetingStatus, Member, Organisation, StakeholderType
from tests.fixtures.factories import PASSWORD_HASH

pytestmark = pytest.mark.browser


@pytest.fixture
def plenary(live_server) -> int:
    """A confirmed plenary next week, a coordination-team member and an invited member, all with passwords."""
    with live_server.app.app_context():
        org = Organisation(name="Istituto Superiore di Sanità", stakeholder_type=StakeholderType.SCIENTIFIC)
        people = [
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
        ]
        starts_at = clock.now().replace(microsecond=0) + timedelta(days=7)
        meeting = Meeting(
            type=meeting_type("plenary"),
            title="Plenary meeting 3/6",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            mode="online",
            video_url="https://meet.example.org/nmg",
            status=MeetingStatus.CONFIRMED,
            invitations=[Invitation(member=people[1])],
        )
        db.session.add_all([*people, meeting])
        db.session.commit()
        return meeting.id


def test_the_team_builds_the_agenda_and_reorders_it(browser_page, sign_in_page, plenary):
    page = browser_page
    sign_in_page("ct@example.org")
    page.goto(f"/meetings/{plenary}/agenda")
    for title, minutes in (("Welcome", "10"), ("THCS joint call 2027", "45")):
        page.get_by_label("Title").fill(title)
        page.get_by_label("Duration (minutes)").fill(minutes)
        page.get_by_role("button", name="Add item").click()
        expect(page.get_by_role("status").filter(has_text=title)).to_be_visible()

    items = page.locator("#agenda-items .agenda-title")
    expect(items).to_have_text(["Welcome", "THCS joint call 2027"])
    # Moving does not load the page again: the list changes in place and the keyboard stays on the item.
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Move “THCS joint call 2027” up").click()
    expect(items).to_have_text(["THCS joint call 2027", "Welcome"])
    expect(page.locator("#agenda-announce")).to_have_text("“THCS joint call 2027” is now item 1.")
    assert page.evaluate("window.sameDocument === true"), "moved without a reload"
    expect(page.get_by_role("button", name="Move “THCS joint call 2027” down")).to_be_focused()
    page.keyboard.press("Enter")
    expect(items).to_have_text(["Welcome", "THCS joint call 2027"])
    page.get_by_role("button", name="Move “THCS joint call 2027” up").click()
    expect(items).to_have_text(["THCS joint call 2027", "Welcome"])
    assert page.evaluate("window.sameDocument === true")
    expect(page.locator("#agenda-total")).to_contain_text("Planned: 55 of 120 minutes.")
    page.reload()
    expect(items).to_have_text(["THCS joint call 2027", "Welcome"])

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "fits a phone"


def test_a_member_answers_maybe_on_the_meeting_page(browser_page, sign_in_page, plenary):
    page = browser_page
    sign_in_page("plain@example.org")
    page.goto(f"/meetings/{plenary}")
    answer = page.locator("#rsvp-answer")
    expect(answer).to_have_text("You have not answered yet.")
    page.get_by_role("button", name="Maybe").click()
    expect(page.get_by_role("status")).to_have_text("Your answer has been recorded: Maybe.")
    expect(answer).to_contain_text("You answered: Maybe.")
    expect(page.get_by_role("button", name="Maybe")).to_have_attribute("aria-pressed", "true")
