"""The top navigation in a real browser: one line on a laptop, a menu behind a button on a phone, usable
with the keyboard alone, and showing each role only what it may open."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops.extensions import db
from nmg_ops.models import Language, Member, Organisation, StakeholderType
from tests.fixtures.factories import PASSWORD_HASH

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: what the coordinator's menus hold, in order
COORDINATORS_ITEMS = [
    "/meetings/",
    "/meetings/my",
    "/meetings/plan",
    "/meetings/cadence",
    "/meetings/types",
    "/decisions",
    "/actions/mine",
    "/actions",
    "/records/search",
    "/members/",
    "/organisations/",
    "/composition",
    "/governance",
    "/governance/annual-report",
    "/working-groups",
    "/coordinators",
    "/consultations",
    "/documents/",
    "/coordinators/handover",
    "/audit",
    "/deliveries",
    "/privacy/retention",
    "/news/issues",
    "/news/images",
    "/news/subscribers",
    "/profile",
    "/profile#preferences",
]


@pytest.fixture
def member(live_server) -> str:
    """The e-mail of a member with no other role."""
    with live_server.app.app_context():
        org = Organisation(name="Istituto Superiore di Sanità", stakeholder_type=StakeholderType.RESEARCH)
        db.session.add(
            Member(
                full_name="Paolo Member",
                email="member@example.org",
                organisation=org,
                language=Language.EN,
                password_hash=PASSWORD_HASH,
            )
        )
        db.session.commit()
    return "member@example.org"


def speaks(live_server, email: str, language: Language) -> None:
    with live_server.app.app_context():
        db.session.scalar(sa.select(Member).where(Member.email == email)).language = language
        db.session.commit()


def menu_links(page) -> list[str]:
    return page.locator("#nav a").evaluate_all("links => links.map(link => link.getAttribute('href'))")


@pytest.mark.parametrize("language", [Language.EN, Language.IT])
def test_the_coordinators_bar_is_one_line_on_a_laptop(
    browser_page, sign_in_page, coordinator, live_server, language
):
    page = browser_page
    speaks(live_server, coordinator, language)
    page.set_viewport_size(LAPTOP)
    sign_in_page(coordinator)
    expect(page.locator("html")).to_have_attribute("lang", language.value)
    expect(page.locator(".navbar-toggler")).to_be_hidden()

    boxes = [
        item.bounding_box() for item in page.locator(".navbar-brand, #nav > .navbar-nav > .nav-item").all()
    ]
    assert len(boxes) == 7, "the brand, five sections and the account menu"
    lowest_top = max(box["y"] for box in boxes)
    highest_bottom = min(box["y"] + box["height"] for box in boxes)
    assert lowest_top < highest_bottom, f"the items are on more than one line: {boxes}"
    assert menu_links(page) == COORDINATORS_ITEMS


def test_on_a_phone_the_bar_folds_behind_a_button_and_every_item_is_reachable(
    browser_page, sign_in_page, coordinator
):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in_page(coordinator)
    toggler = page.get_by_role("button", name="Menu")
    expect(toggler).to_be_visible()
    expect(page.locator("#nav")).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    reached = []
    sections = page.locator("#nav [data-bs-toggle='dropdown']")
    for index in range(sections.count()):
        section = sections.nth(index)
        section.click()
        expect(section).to_have_attribute("aria-expanded", "true")
        menu = section.locator("xpath=following-sibling::ul")
        for item in menu.locator("a, button").all():
            expect(item).to_be_visible()
            box = item.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{item} is off the screen"
            reached.append(item.get_attribute("href") or item.inner_text())
    assert reached == [*COORDINATORS_ITEMS, "Sign out"]


def test_the_menus_work_from_the_keyboard_and_show_where_the_focus_is(
    browser_page, sign_in_page, coordinator
):
    page = browser_page
    page.set_viewport_size(LAPTOP)
    sign_in_page(coordinator)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    meetings = page.get_by_role("button", name="Meetings")
    expect(meetings).to_be_focused()
    assert meetings.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(meetings).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    first = page.get_by_role("link", name="All meetings")
    expect(first).to_be_focused()
    assert first.evaluate("e => getComputedStyle(e).outlineWidth") == "3px"
    page.keyboard.press("Enter")
    page.wait_for_url("**/meetings/")

    page.get_by_role("button", name="Meetings").press("Enter")
    expect(page.get_by_role("link", name="All meetings")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="Meetings")).to_have_attribute("aria-current", "true")


def test_the_current_section_and_page_are_marked(browser_page, sign_in_page, coordinator):
    page = browser_page
    page.set_viewport_size(LAPTOP)
    sign_in_page(coordinator)
    page.goto("/meetings/plan")
    expect(page.locator("#nav [aria-current='true']")).to_have_text("Meetings")
    expect(page.locator("#nav [aria-current='page']")).to_have_attribute("href", "/meetings/plan")
    page.goto("/deliveries")
    expect(page.locator("#nav [aria-current='true']")).to_have_text("Governance")


def test_a_member_is_not_offered_the_coordinators_pages(browser_page, sign_in_page, member):
    page = browser_page
    sign_in_page(member)
    links = menu_links(page)
    assert {"/meetings/", "/meetings/my", "/decisions", "/actions/mine", "/members/", "/composition"} <= set(
        links
    )
    assert not {
        "/meetings/plan",
        "/meetings/cadence",
        "/meetings/types",
        "/actions",
        "/audit",
        "/deliveries",
        "/privacy/retention",
        "/news/issues",
        "/news/images",
        "/news/subscribers",
    } & set(links)
