"""A member answers a meeting from the start page, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import (
    Invitation,
    Language,
    Meeting,
    MeetingStatus,
    Member,
    Organisation,
    Rsvp,
    StakeholderType,
)
from tests.fixtures.factories import PASSWORD_HASH

pytestmark = pytest.mark.browser


@pytest.fixture
def plenary(live_server) -> int:
    """A confirmed plenary next week and a member invited to it, with a password."""
    with live_server.app.app_context():
        member = Member(
            full_name="Paolo Member",
            email="plain@example.org",
            organisation=Organisation(
                name="Istituto Superiore di Sanità", stakeholder_type=StakeholderType.SCIENTIFIC
            ),
            language=Language.EN,
            password_hash=PASSWORD_HASH,
        )
        starts_at = clock.now().replace(microsecond=0) + timedelta(days=7)
        meeting = Meeting(
            type=meeting_type("plenary"),
            title="Plenary 3/6",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            mode="online",
            video_url="https://meet.example.org/nmg",
            status=MeetingStatus.CONFIRMED,
            invitations=[Invitation(member=member)],
        )
        db.session.add_all([member, meeting])
        db.session.commit()
        return meeting.id


def _answer(live_server, meeting_id: int) -> Rsvp | None:
    with live_server.app.app_context():
        return db.session.scalar(sa.select(Invitation.rsvp).where(Invitation.meeting_id == meeting_id))


def test_a_member_answers_a_meeting_from_the_start_page(browser_page, sign_in_page, live_server, plenary):
    page = browser_page
    sign_in_page("plain@example.org")
    page.goto("/")
    card = page.locator(f"#meeting-{plenary}")
    expect(card).to_contain_text("Your answer: not given yet")
    yes = page.get_by_role("button", name="Yes (I will attend Plenary 3/6)")
    no = page.get_by_role("button", name="No (I will not attend Plenary 3/6)")
    expect(yes).to_have_attribute("aria-pressed", "false")

    yes.click()
    page.wait_for_url(lambda url: url.endswith(f"/#meeting-{plenary}"))
    expect(page.get_by_text("Your answer to “Plenary 3/6” has been recorded: I will attend.")).to_be_visible()
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(no).to_have_attribute("aria-pressed", "false")
    expect(card).to_contain_text("Your answer: I will attend")
    assert _answer(live_server, plenary) is Rsvp.YES

    no.click()
    expect(
        page.get_by_text("Your answer to “Plenary 3/6” has been recorded: I will not attend.")
    ).to_be_visible()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(card).to_contain_text("Your answer: I will not attend")
    assert _answer(live_server, plenary) is Rsvp.NO


def test_on_a_phone_the_confirmation_shows_where_the_member_answered(
    browser_page, sign_in_page, live_server, plenary
):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page("plain@example.org")
    page.goto("/")
    page.get_by_role("button", name="Maybe (I may attend Plenary 3/6)").click()
    page.wait_for_url(lambda url: url.endswith(f"/#meeting-{plenary}"))

    confirmation = page.get_by_role("status").filter(has_text="has been recorded: Maybe.")
    expect(confirmation).to_be_in_viewport()
    expect(page.locator(f"#flashes + #meeting-{plenary}")).to_have_count(1)
