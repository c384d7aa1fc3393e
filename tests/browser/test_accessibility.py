"""Every page each role of the demo can reach passes the WCAG 2.1 A and AA rules of axe-core, and none
scrolls sideways on a phone (390 px).

The crawl follows links and GET forms from the start page as the role sees it (downloads left out), so a
new page is checked as soon as something leads to it. Each Flask endpoint is visited a few times, with
different records or filters, one not yet checked first; a page budget per role keeps the run short, and
the test fails if it runs out before every endpoint reached has been checked once. Each page is audited at
a laptop's width; the first of each endpoint is then narrowed to a phone's to see that it fits, so that one
crawl finds both kinds of fault.
The navigation's menus are opened and audited on a laptop and on a phone, and a few forms are audited as
sent back with errors.

axe-core comes from npm (tests/browser/axe, pinned by its package-lock.json); without Node.js and npm the
audit skips, and under CI=true it fails (`.ci/system-packages` installs both).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.crawl import ROLES, address, crawl, sign_in
from tests.browser.phone import PHONE, sideways
from tests.fixtures.node import installed_package

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "axe"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
#: visits of one endpoint (other records, filters, pages of a list), and of all pages, per role
VISITS_PER_ENDPOINT = 3
PAGES_PER_ROLE = 150


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js, installed once from the pinned package-lock.json."""
    return installed_package(AXE, "axe-core") / "axe.min.js"


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    page: str
    target: str


def report(violations: list[Violation]) -> str:
    """One line per rule and element, with the pages it is on: the navigation's faults are on all."""
    pages: dict[tuple[str, str, str], list[str]] = {}
    for violation in violations:
        pages.setdefault((violation.impact, violation.rule, violation.target), []).append(violation.page)
    return "\n".join(
        f"{impact} {rule}: {target} on {len(found)} page(s): {', '.join(sorted(set(found))[:5])}"
        for (impact, rule, target), found in sorted(pages.items())
    )


def audit(page: Any, axe_script: Path, context: str = "document") -> list[Violation]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds on what the page shows now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
    results = page.evaluate(
        f"""() => axe.run({context}, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_21_AA)}}},
                                      resultTypes: ['violations']}})"""
    )
    shown = address(page)
    return [
        Violation(found["id"], found["impact"], shown, " ".join(node["target"][0:1]) if node else "")
        for found in results["violations"]
        if found["impact"] in FAILING_IMPACTS
        for node in found["nodes"]
    ]


def open_each_menu(page: Any, axe_script: Path) -> list[Violation]:
    """The navigation's menus, each opened in turn, on a laptop and on a phone: axe checks only what shows."""
    violations = []
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.locator("#nav.show").wait_for()
        toggles = page.locator("#nav [data-bs-toggle='dropdown']")
        for index in range(toggles.count()):
            toggles.nth(index).click()
            violations += audit(page, axe_script, "document.querySelector('nav')")
            page.keyboard.press("Escape")
    return violations


@pytest.fixture
def audited_page(browser, demo_server, axe_script) -> Iterator[Any]:
    # The page's own Content-Security-Policy would refuse the injected axe script.
    context = browser.new_context(base_url=demo_server.url, locale="en-US", bypass_csp=True)
    # Loaded with each page rather than added to it afterwards (as `audit` does for a page without it):
    # a quarter less of the crawl's time.
    context.add_init_script(path=str(axe_script))
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def audit_then_narrow(page: Any, axe_script: Path, first: bool) -> list[Violation | str]:
    """The page's violations as loaded on a laptop; for its endpoint's first page, whether it scrolls
    sideways once as narrow as a phone, then back to the laptop's width for the next page."""
    found: list[Violation | str] = list(audit(page, axe_script))
    if first:
        laptop = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            found += sideways(page)
        finally:
            page.set_viewport_size(laptop)
    return found


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_the_role_reaches_passes_the_wcag_21_aa_rules_and_fits_a_phone(
    audited_page, demo_server, axe_script, role
):
    page, email = audited_page, ROLES[role]
    if email:
        sign_in(page, email)
    adapter = demo_server.app.url_map.bind("127.0.0.1")
    done = crawl(
        page,
        demo_server.url,
        adapter,
        lambda shown, first: audit_then_narrow(shown, axe_script, first),
        VISITS_PER_ENDPOINT,
        PAGES_PER_ROLE,
    )
    violations = [found for found in done.problems if isinstance(found, Violation)]
    violations += open_each_menu(page, axe_script) if email else []
    too_wide = [found for found in done.problems if isinstance(found, str)]

    # A visitor's start page is the landing page, which leads to the sign-in page.
    assert done.visits["web.home"], "the crawl never reached the start page"
    assert email or done.visits["auth.sign_in"], "the crawl never reached the sign-in page"
    assert not done.missed, f"the page budget ran out before these pages were checked: {sorted(done.missed)}"
    # Both kinds of fault at once: a fix for one should not wait for a second run to show the other.
    faults = []
    if violations:
        faults.append(f"{len(violations)} serious or critical violations:\n{report(violations)}")
    if too_wide:
        faults.append("pages that scroll sideways on a phone:\n" + "\n".join(too_wide))
    assert not faults, "\n\n".join(faults)


#: forms sent empty, as a hurried member would: the page comes back with its errors
FORMS_SENT_EMPTY = [
    ("/sign-in", None),
    ("/members/new", "coordinator@demo.nmg"),
    ("/organisations/new", "coordinator@demo.nmg"),
    ("/actions/new", "coordinator@demo.nmg"),
    ("/meetings/types/new", "coordinator@demo.nmg"),
]


@pytest.mark.parametrize(("address", "email"), FORMS_SENT_EMPTY)
def test_a_form_sent_back_with_its_errors_passes_the_wcag_21_aa_rules(
    audited_page, axe_script, address, email
):
    page = audited_page
    if email:
        sign_in(page, email)
    page.goto(address)
    form = page.locator("main form[method=post]").first
    for field in form.locator("input[type=text], input[type=email], input[type=password], textarea").all():
        field.fill("")
    form.locator("[type=submit]").last.click()
    page.wait_for_load_state()

    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count(), "the form was accepted empty"
    for field in invalid.all():
        for described_by in field.get_attribute("aria-describedby").split():
            assert page.locator(f"#{described_by}").inner_text().strip()
    assert not (violations := audit(page, axe_script)), report(violations)
