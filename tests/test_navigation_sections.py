"""The top navigation: which section each page is in, and which items each role sees."""

import re

import pytest

from nmg_ops.navigation import ACCOUNT, SECTIONS, section_of

#: pages that belong to no section: the start page, what a visitor sees before signing in, and the
#: privacy notice every footer links to
OUTSIDE_THE_SECTIONS = {"web.home", "privacy.notice", "static", "bootstrap.static"}


def bar(html: str) -> str:
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def nav_links(html: str) -> set[str]:
    """The addresses the bar offers (its menus included, open or not)."""
    return set(re.findall(r'href="([^"#]+)"', bar(html)))


@pytest.mark.parametrize(
    ("endpoint", "section"),
    [
        ("meetings.meeting_detail", "meetings"),
        ("meetings.year_plan", "meetings"),
        ("calendar.rsvp_link", "meetings"),
        ("minutes.minutes_page", "meetings"),
        ("minutes.decisions", "records"),
        ("minutes.action_detail", "records"),
        ("members.member", "people"),
        ("members.edit_organisation", "people"),
        ("members.profile", ACCOUNT),
        ("governance.composition", "governance"),
        ("delivery.deliveries", "governance"),
        ("web.home", None),
        (None, None),
    ],
)
def test_a_page_is_in_the_section_of_its_endpoint_else_of_its_blueprint(endpoint, section):
    assert section_of(endpoint) == section


def test_every_page_a_member_opens_is_in_a_section(app):
    """A new blueprint or page the table does not place would leave the bar without a current section."""
    unplaced = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.endpoint.startswith("auth.")
        # The read API answers programs, and its documentation page is the API's, linked from the profile.
        and not rule.endpoint.startswith("api.")
        and rule.endpoint not in OUTSIDE_THE_SECTIONS
        and section_of(rule.endpoint) is None
    }
    assert not unplaced


def test_every_item_opens_a_page_guarded_by_a_right(app):
    for section in SECTIONS:
        for group in section.groups:
            for item in group:
                view = app.view_functions[item.endpoint]
                assert getattr(view, "required_right", None), f"{item.endpoint} has no @require"


def test_each_role_is_offered_only_the_pages_it_may_open(client, people, sign_in):
    offered = {}
    for role in ("member", "coordination_team", "coordinator"):
        client.post("/sign-out")
        sign_in(people[role])
        offered[role] = nav_links(client.get("/").get_data(as_text=True))

    organising = {
        "/meetings/plan",
        "/meetings/types",
        "/deliveries",
        "/audit",
        "/actions",
        "/meetings/cadence",
    }
    assert {"/meetings/", "/meetings/my", "/decisions", "/actions/mine", "/members/", "/profile"} <= offered[
        "member"
    ]
    assert not organising & offered["member"]
    assert {"/meetings/cadence", "/audit", "/actions"} <= offered["coordination_team"]
    assert not {"/meetings/plan", "/deliveries"} & offered["coordination_team"]
    assert organising <= offered["coordinator"]


def test_a_visitor_sees_no_menu(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'data-bs-toggle="dropdown"' not in html
    assert "/sign-out" not in html


def test_the_current_page_and_its_section_are_marked(client, people, sign_in):
    sign_in(people["coordinator"])
    html = bar(client.get("/meetings/plan").get_data(as_text=True))
    assert re.search(r'id="nav-meetings"[^>]*aria-current="true"', html)
    assert re.findall(r'href="([^"]+)"\s+aria-current="page"', html) == ["/meetings/plan"]
    assert html.count('aria-current="true"') == 1

    detail = bar(client.get(f"/members/{people['member'].id}").get_data(as_text=True))
    assert re.search(r'id="nav-people"[^>]*aria-current="true"', detail)
    assert 'aria-current="page"' not in detail, "a member's page is in the section, not one of its items"
