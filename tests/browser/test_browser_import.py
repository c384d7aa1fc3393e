"""The coordinator imports the expert mapping file in a real browser, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAPPING_FILE = (
    "Working group,Role,Stakeholder type,Institution,Name,Position,Gender,Region,Contact\n"
    "WP4,expert,Research/University,Istituto Superiore di Sanità,Anna Rossi,Researcher,female,Lazio,"
    "anna.rossi@iss.it\n"
    "WP4,expert,Pharma,Farmindustria,Bruno Bianchi,,male,,bruno@example.org\n"
    "WP6,expert,Patient organisations,Associazione Pazienti,Marco Verdi,,male,Veneto,marco@example.org\n"
)


def _upload(page, text: str) -> None:
    page.set_input_files(
        "input[type=file]", files=[{"name": "mapping.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()


def test_coordinator_previews_and_imports_a_mapping_file(browser_page, sign_in_page, coordinator):
    page = browser_page
    sign_in_page(coordinator)
    page.goto("/members/")
    page.get_by_role("link", name="Import mapping file").click()

    _upload(page, MAPPING_FILE)

    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Line 3: Unknown stakeholder type “Pharma”")
    expect(page.locator("#import-rows")).to_contain_text("Anna Rossi")
    page.get_by_role("button", name=re.compile(r"Import 2 valid rows")).click()

    page.wait_for_url("**/members/")
    expect(page.get_by_role("status").filter(has_text="Imported:")).to_contain_text(
        "Imported: 2 new, 0 updated, 0 unchanged."
    )
    main = page.locator("main")
    expect(main.get_by_role("link", name="Anna Rossi")).to_be_visible()
    expect(main.get_by_role("link", name="Marco Verdi")).to_be_visible()
    expect(main.get_by_role("link", name="Bruno Bianchi")).to_have_count(0)


def _fits_the_screen(page) -> bool:
    # Measured once the stylesheets are in: before that, any table is as wide as its widest row.
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_import_pages_fit_a_phone_screen(browser_page, sign_in_page, coordinator):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(coordinator)

    page.goto("/members/import")
    expect(page.get_by_role("button", name="Preview the import")).to_be_visible()
    assert _fits_the_screen(page)

    _upload(page, MAPPING_FILE)
    expect(page.locator("#import-errors")).to_be_visible()
    assert _fits_the_screen(page)
