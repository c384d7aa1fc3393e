"""On a phone (390 px) no page scrolls sideways: every page each role of the demo reaches fits the screen's
width, and what is wider than the screen (a table of many columns) scrolls inside its own box."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.crawl import ROLES, address, crawl, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: each endpoint once, with room for every endpoint a role reaches
VISITS_PER_ENDPOINT = 1
PAGES_PER_ROLE = 150

#: how much wider than the screen the document is, and the outermost elements that stick out of it (an
#: element inside a box that scrolls or clips sideways does not widen the page)
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const extra = document.documentElement.scrollWidth - width;
    if (extra <= 0) return [0, []];
    // A box clips what it holds, but an absolutely placed element only once its containing block (the
    // first placed box around it) is reached: a hidden label inside a scrolling table may still stick out.
    const clipped = element => {
        let contained = !['absolute', 'fixed'].includes(getComputedStyle(element).position);
        for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
            const style = getComputedStyle(box);
            contained = contained || style.position !== 'static';
            if (contained && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) return true;
        }
        return false;
    };
    const sticksOut = element => element.getBoundingClientRect().right > width + 0.5 && !clipped(element);
    const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + [...element.classList].slice(0, 2).map(c => '.' + c).join('');
    const parentSticksOut = element => element.parentElement && sticksOut(element.parentElement);
    const outermost = [...document.body.querySelectorAll('*')]
        .filter(element => sticksOut(element) && !parentSticksOut(element));
    return [extra, outermost.slice(0, 3).map(name)];
}"""


def sideways(page: Any) -> list[str]:
    """The page, if it is wider than the screen, with what makes it so."""
    extra, culprits = page.evaluate(OVERFLOW)
    return [f"{address(page)}: {extra} px too wide ({', '.join(culprits)})"] if extra > 0 else []


@pytest.fixture
def phone(browser, demo_server) -> Iterator[Any]:
    context = browser.new_context(base_url=demo_server.url, locale="en-US", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_the_role_reaches_is_wider_than_a_phone(phone, demo_server, role):
    if email := ROLES[role]:
        sign_in(phone, email)
    adapter = demo_server.app.url_map.bind("127.0.0.1")
    done = crawl(phone, demo_server.url, adapter, sideways, VISITS_PER_ENDPOINT, PAGES_PER_ROLE)

    # A visitor's start page is the landing page, which leads to the sign-in page.
    assert done.visits["web.home"], "the walk never reached the start page"
    assert email or done.visits["auth.sign_in"], "the walk never reached the sign-in page"
    assert not done.missed, f"the page budget ran out before these pages were seen: {sorted(done.missed)}"
    assert not done.problems, "pages that scroll sideways on a phone:\n" + "\n".join(done.problems)
