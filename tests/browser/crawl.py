"""Walking the pages a role reaches in a real browser: from the start page, along links and GET forms as the
role sees them (downloads left out), an endpoint not yet seen first, so that a new page is checked as soon as
something leads to it. Each page is handed to a check, which says what is wrong with it, and is told whether
the page is the first its endpoint answered with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

from nmg_ops import demo

#: what a link may name that is a file to save, not a page to read
DOWNLOADS = (".ics", ".csv", ".xlsx", ".pdf", ".md", ".docx", ".json")
#: pages no link of the app leads to that anyone can land on: a mistyped address, an old mail's link
EXTRA_PAGES = [
    "/no-such-page",
    "/invitation/not-a-token",
    "/password/reset/not-a-token",
    "/news/confirm/not-a-token",
    "/news/unsubscribe/not-a-token",
]
ROLES = {
    "visitor": None,
    "member": "member@demo.nmg",
    "coordination team": "ct@demo.nmg",
    "coordinator": "coordinator@demo.nmg",
    "admin": "admin@demo.nmg",
}

#: the addresses a page leads to by GET: its links, and its GET forms sent as they stand (filters, choices)
LEADS_TO = """() => [
    ...[...document.querySelectorAll('a[href]')].map(link => link.href),
    ...[...document.forms].filter(form => form.method === 'get').map(form => {
        const url = new URL(form.action);
        for (const [name, value] of new FormData(form)) {
            if (typeof value === 'string') url.searchParams.append(name, value);
        }
        return url.href;
    }),
]"""


def sign_in(page: Any, email: str) -> None:
    page.goto("/sign-in")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(demo.DEFAULT_PASSWORD)
    page.locator("form [type=submit]").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _endpoint(adapter: Any, path: str) -> str | None:
    try:
        endpoint, _arguments = adapter.match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _links(page: Any, origin: str) -> list[str]:
    found = []
    for href in page.evaluate(LEADS_TO):
        url, _fragment = urldefrag(urljoin(page.url, href))
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.endswith(DOWNLOADS):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def address(page: Any) -> str:
    """The page's path and query, as a report names it."""
    where = urlsplit(page.url)
    return where.path + (f"?{where.query}" if where.query else "")


@dataclass
class Crawl:
    #: what the check found, page by page
    problems: list[Any]
    #: pages checked, by the endpoint that answered
    visits: Counter[str]
    #: endpoints linked to but never checked, the page budget spent first
    missed: set[str]


def crawl(
    page: Any,
    origin: str,
    adapter: Any,
    check: Callable[[Any, bool], list[Any]],
    visits_per_endpoint: int,
    pages: int,
) -> Crawl:
    """Follow links and GET forms from the start page, an endpoint not yet seen first; check each page.

    Each endpoint is visited up to `visits_per_endpoint` times (other records, filters, pages of a list),
    and `pages` pages at most: the result says which endpoints the budget left unchecked."""
    queue = ["/", *EXTRA_PAGES]
    seen = set(queue)
    visits: Counter[str] = Counter()
    problems: list[Any] = []

    endpoints: dict[str, str] = {}

    def endpoint(path: str) -> str:
        # Asked of every waiting address at each step: matched against the URL map once each.
        if path not in endpoints:
            endpoints[path] = _endpoint(adapter, urlsplit(path).path) or "not found"
        return endpoints[path]

    while queue and visits.total() < pages:
        path = next((path for path in queue if not visits[endpoint(path)]), queue[0])
        queue.remove(path)
        if visits[endpoint(path)] >= visits_per_endpoint:
            continue
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        shown = endpoint(urlsplit(page.url).path)
        visits[shown] += 1
        if endpoint(path) != shown:
            # A redirect (the start page to sign-in) counts for the page asked for too.
            visits[endpoint(path)] += 1
        problems += check(page, visits[shown] == 1)
        for link in _links(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return Crawl(problems, visits, {endpoint(path) for path in queue} - set(visits))
