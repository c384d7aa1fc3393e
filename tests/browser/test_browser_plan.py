"""The coordinator plans next year's meetings in a real browser: preview, adjust, check, commit, confirm."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import Meeting, MeetingStatus, OutboundMessage
from tests.browser.outbox import queued_a_minute_later
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser


def _next_saturday(after: date) -> date:
    return after + timedelta(days=(5 - after.weekday()) % 7 or 7)


def _weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_the_coordinator_adjusts_and_commits_next_years_plan(
    browser_page, sign_in_page, coordinator, live_server
):
    page = browser_page
    year = clock.today().year + 1
    sign_in_page(coordinator)
    page.goto("/meetings/")
    page.get_by_role("link", name="Year plan").click()
    expect(page.get_by_role("heading", name=f"Year plan {year}")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(9)

    second = page.get_by_label(f"Date of Plenary meeting 2/{year}")
    weekend = _next_saturday(date.fromisoformat(second.input_value()))
    second.fill(weekend.isoformat())
    page.get_by_label(f"Add Thematic meeting 3/{year}").uncheck()
    page.get_by_role("button", name="Check the dates").click()
    expect(page.get_by_text("is a weekend day.")).to_be_visible()
    expect(page.get_by_text(f"{year} – Thematic meeting: 2 in the plan, 3 agreed.")).to_be_visible()

    chosen = _weekday_from(date(year, 3, 16))
    page.get_by_label(f"Date of Plenary meeting 2/{year}").fill(chosen.isoformat())
    page.get_by_label("Video link").fill("https://meet.example.org/nmg")
    page.get_by_label("Venue").fill("Ministero della Salute, Roma")
    page.get_by_role("button", name="Add to the meetings as drafts").click()
    expect(page.get_by_text(f"8 meetings added to {year} as drafts.")).to_be_visible()
    expect(page.get_by_text("In the meetings")).to_have_count(8)

    with live_server.app.app_context():
        meetings = db.session.scalars(sa.select(Meeting)).all()
        assert len(meetings) == 8 and {m.status for m in meetings} == {MeetingStatus.DRAFT}
        moved = next(m for m in meetings if m.plan_key == f"{year}/plenary/2")
        assert clock.local(moved.starts_at).date() == chosen

    # The drafts are confirmed together, after one page that says what goes out; the same question left
    # open in a second tab confirms nothing more afterwards.
    second_tab = page.context.new_page()
    second_tab.goto(page.url)
    second_tab.get_by_role("button", name="Confirm all drafts").click()
    page.get_by_role("button", name="Confirm all drafts").click()
    expect(page.get_by_text("8 draft meetings will be confirmed.")).to_be_visible()
    expect(page.get_by_text("8 invitations will be sent.")).to_be_visible()
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("8 meetings confirmed; the invitations are on their way.")).to_be_visible()
    second_tab.get_by_role("button", name="Confirm", exact=True).click()
    expect(second_tab.get_by_text("No draft of this plan can be confirmed now.")).to_be_visible()
    with live_server.app.app_context():
        statuses = set(db.session.scalars(sa.select(Meeting.status)))
        assert statuses == {MeetingStatus.CONFIRMED}
    assert queued_a_minute_later(live_server, "itip_request", 8) == {coordinator: 8}
    with live_server.app.app_context():
        invited_to = db.session.scalars(
            sa.select(OutboundMessage.subject).where(OutboundMessage.purpose == "itip_request")
        ).all()
        assert len(set(invited_to)) == 8, "one invitation to each meeting"


def test_the_plan_fits_a_phone_screen(browser, live_server, coordinator):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto("/sign-in")
        page.get_by_label("E-mail").fill(coordinator)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        page.goto("/meetings/plan")
        page.wait_for_load_state("load")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        expect(page.get_by_role("button", name="Add to the meetings as drafts")).to_be_visible()
    finally:
        context.close()
