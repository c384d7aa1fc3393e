"""The coordinator builds and opens a survey, a member answers it, and the results show the answer under
the member's stakeholder type, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import Language, Member, Organisation, StakeholderType
from tests.fixtures.factories import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser


@pytest.fixture
def researcher(live_server) -> str:
    with live_server.app.app_context():
        db.session.add(
            Member(
                full_name="Rita Researcher",
                email="rita@example.org",
                organisation=Organisation(
                    name="Università di Firenze", stakeholder_type=StakeholderType.RESEARCH
                ),
                region="Toscana",
                language=Language.EN,
                password_hash=PASSWORD_HASH,
            )
        )
        db.session.commit()
    return "rita@example.org"


def test_a_members_answer_shows_under_their_stakeholder_type(
    browser, browser_page, sign_in_page, coordinator, researcher, live_server
):
    page = browser_page
    sign_in_page(coordinator)
    page.goto("/")
    page.get_by_role("button", name="Governance").click()
    page.get_by_role("link", name="Consultations").click()
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill("Priorities for THCS")
    page.get_by_label("Last day to answer").fill((clock.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Create the survey").click()
    expect(page.get_by_text("Survey created. Add its questions, then open it.")).to_be_visible()

    page.get_by_label("Question", exact=True).fill("Which priority first?")
    page.get_by_label("Kind of answer").select_option(label="Single choice")
    page.get_by_label("Choices").fill("Digital health\nIntegrated care")
    page.get_by_label("An answer is required").check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    page.get_by_role("button", name="Open the survey to members").click()
    expect(page.get_by_text("The survey is open.")).to_be_visible()
    survey_url = page.url

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(5000)
    member_page = context.new_page()
    try:
        member_page.goto("/sign-in")
        member_page.get_by_label("E-mail").fill(researcher)
        member_page.get_by_label("Password").fill(PASSWORD)
        member_page.get_by_role("button", name="Sign in").click()
        member_page.wait_for_url(lambda url: "/sign-in" not in url)
        member_page.goto(survey_url)
        member_page.get_by_label("Integrated care").check()
        member_page.get_by_role("button", name="Send my answers").click()
        expect(member_page.get_by_text("Thank you: your answers are recorded.")).to_be_visible()
    finally:
        context.close()

    page.goto(survey_url)
    page.get_by_role("link", name="Results").click()
    row = page.locator("table[id^=types-] tbody tr", has_text="Research/University")
    expect(row).to_contain_text("1")
    expect(row.locator("td").last).to_have_text("1")
    expect(page.locator("table[id^=regions-] tbody tr", has_text="Toscana")).to_be_visible()
