"""Confirming, cancelling and handing over in a real browser: the first click shows what will happen and
how many people are mailed, and nothing leaves until the second; on a phone the question fits the screen."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import (
    CoordinatorTerm,
    Invitation,
    Language,
    Meeting,
    MeetingStatus,
    Member,
    Organisation,
    StakeholderType,
)
from tests.browser.outbox import queued_a_minute_later, recipients
from tests.fixtures.factories import PASSWORD_HASH

pytestmark = pytest.mark.browser


def _member(org: Organisation, name: str, email: str) -> Member:
    return Member(
        full_name=name, email=email, organisation=org, language=Language.EN, password_hash=PASSWORD_HASH
    )


@pytest.fixture
def draft(live_server, coordinator) -> int:
    """A draft online plenary next week, with two members invited."""
    with live_server.app.app_context():
        org = Organisation(name="Regione Lombardia", stakeholder_type=StakeholderType.POLICY_ADVISORY)
        invitees = [
            _member(org, "Paola Pace", "paola@example.org"),
            _member(org, "Sara Sole", "sara@example.org"),
        ]
        starts_at = clock.now().replace(microsecond=0) + timedelta(days=7)
        meeting = Meeting(
            type=meeting_type("plenary"),
            title="Plenary meeting 5/6",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            mode="online",
            video_url="https://meet.example.org/nmg",
            status=MeetingStatus.DRAFT,
            invitations=[Invitation(member=member) for member in invitees],
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_confirming_then_cancelling_shows_the_count_and_needs_a_second_click(
    browser_page, sign_in_page, coordinator, draft, live_server
):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(coordinator)
    page.goto(f"/meetings/{draft}")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_role("heading", name="Confirm “Plenary meeting 5/6”?")).to_be_visible()
    expect(page.locator("#what-happens")).to_contain_text("2 invitations will be sent.")
    assert _fits(page)
    assert recipients(live_server, "itip_request") == Counter(), "nothing goes out on the first click"

    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("“Plenary meeting 5/6” is confirmed.")).to_be_visible()
    both = Counter({"paola@example.org": 1, "sara@example.org": 1})
    assert queued_a_minute_later(live_server, "itip_request", 2) == both

    page.get_by_role("button", name="Cancel meeting").click()
    expect(page.locator("#what-happens")).to_contain_text(
        "2 invitees will be told by mail that the meeting is cancelled."
    )
    assert _fits(page)
    assert recipients(live_server, "itip_cancel") == Counter()
    page.get_by_label("Message to the invitees").fill("The room is needed for the minister's visit.")
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_text("“Plenary meeting 5/6” has been cancelled.")).to_be_visible()
    assert queued_a_minute_later(live_server, "itip_cancel", 2) == both
    with live_server.app.app_context():
        assert db.session.get(Meeting, draft).status is MeetingStatus.CANCELLED


def test_going_back_from_the_question_changes_nothing(
    browser_page, sign_in_page, coordinator, draft, live_server
):
    page = browser_page
    sign_in_page(coordinator)
    page.goto(f"/meetings/{draft}")
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.get_by_role("link", name="Go back").click()
    expect(page.get_by_role("heading", name="Plenary meeting 5/6")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.get(Meeting, draft).status is MeetingStatus.DRAFT
    assert recipients(live_server, "itip_request") == Counter()


def test_handing_over_says_who_takes_over_and_how_many_are_told(
    browser_page, sign_in_page, coordinator, live_server
):
    with live_server.app.app_context():
        org = Organisation(name="Università di Padova", stakeholder_type=StakeholderType.SCIENTIFIC)
        tomorrow = clock.today() + timedelta(days=1)
        db.session.add(
            CoordinatorTerm(
                member=_member(org, "Nora Next", "nora@example.org"),
                starts_on=tomorrow,
                ends_on=tomorrow + timedelta(days=364),
                rotation_position=2,
                is_confirmed=True,
            )
        )
        db.session.commit()
        members = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
        [current] = [t.id for t in db.session.scalars(sa.select(CoordinatorTerm)) if t.starts_on < tomorrow]
    page = browser_page
    sign_in_page(coordinator)
    page.goto("/coordinators")
    page.get_by_role("button", name="Hand over: end today").click()
    expect(page.locator("#what-happens")).to_contain_text(
        f"From tomorrow Nora Next is the coordinator; {members} current members will be told by mail."
    )
    with live_server.app.app_context():
        assert db.session.get(CoordinatorTerm, current).ends_on != tomorrow
    page.locator("#what-happens ~ form button[type=submit]").click()
    expect(page.get_by_text("The term of Carla Coordinator ends today.")).to_be_visible()
    with live_server.app.app_context():
        # A term's end is the first day it no longer runs.
        assert db.session.get(CoordinatorTerm, current).ends_on == tomorrow
