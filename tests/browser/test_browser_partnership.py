"""The partnership page with the demo's NMGs, on a laptop and on a phone: axe finds no serious or critical
WCAG 2.1 AA violation, and the page does not scroll sideways (its wide tables scroll in their own boxes);
an NMG uploaded on the page shows at once, and its Remove button takes it off."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from nmg_ops import demo
from tests.browser import test_accessibility
from tests.browser.crawl import sign_in
from tests.browser.phone import PHONE, sideways
from tests.browser.test_accessibility import audit, report

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
DEMO_NMGS = Path(demo.__file__).parent / "partnership"
#: the audit's axe.min.js, installed once for the run
axe_script = test_accessibility.axe_script


@contextmanager
def coordinator_on_the_page(browser, demo_server, screen) -> Iterator[Any]:
    """The demo's coordinator on /partnership, with the demo's NMGs in the folder."""
    demo_server.app.config["PARTNERSHIP_DIR"] = str(DEMO_NMGS)
    context = browser.new_context(
        base_url=demo_server.url, locale="en-US", bypass_csp=True, viewport=screen, is_mobile=screen is PHONE
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, "coordinator@demo.nmg")
        page.goto("/partnership")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("screen", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_partnership_page_with_the_demo_nmgs_passes_axe_and_fits_the_screen(
    browser,
    demo_server,
    axe_script,
    screen,
):
    with coordinator_on_the_page(browser, demo_server, screen) as page:
        assert page.locator("#nmgs tbody tr").count() == 6
        assert page.locator("#trend").count() == 1
        assert page.locator("#sources form").count() == 2
        violations = audit(page, axe_script)
        assert not violations, report(violations)
        assert sideways(page) == []


def test_an_uploaded_nmg_shows_at_once_and_its_remove_button_takes_it_off(
    browser, demo_server, axe_script, tmp_path
):
    years = json.loads((DEMO_NMGS / "spain.json").read_text(encoding="utf-8"))
    for doc in years:
        doc["group"].update(name="Ethniki Omada Kathreftismou", country="GR")
    upload = tmp_path / "greece.json"
    upload.write_text(json.dumps(years), encoding="utf-8")
    with coordinator_on_the_page(browser, demo_server, LAPTOP) as page:
        assert page.locator("#nmgs tbody tr").count() == 6

        page.set_input_files("#upload-file", str(upload))
        page.locator("#upload-submit").click()

        assert page.locator("#nmgs tbody tr").count() == 7
        assert page.locator("#nmgs", has_text="Ethniki Omada Kathreftismou").count() == 1
        violations = audit(page, axe_script)
        assert not violations, report(violations)
        # The coordinator of the demo reads Italian: the row is found by the country's code.
        page.locator("#source-list tr", has_text="(GR)").locator("button").click()

        assert page.locator("#nmgs tbody tr").count() == 6
        assert page.locator("#nmgs", has_text="Ethniki Omada Kathreftismou").count() == 0
        assert page.locator("#source-list").count() == 0
