"""Every page each role reaches has each id once: a label's `for`, an error's `aria-describedby` and a
link's `#fragment` name an element by its id, and with two elements of one id a screen reader names the
wrong one (the profile's "New password" field shared its id with the password form and had no name).

The walk follows links and GET forms from the start page as each role sees it, as the browser audit does
(tests/browser/test_accessibility.py), but reads the HTML the server sends, so it runs everywhere."""

from __future__ import annotations

from collections import Counter
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from nmg_ops.extensions import db
from nmg_ops.models import MeetingStatus, NewsIssue, NewsIssueStatus, NewsSection, NewsSectionKind

#: what a link may name that is a file to save, not a page to read
DOWNLOADS = (".ics", ".csv", ".xlsx", ".pdf", ".md", ".docx", ".atom")
PAGES_PER_ROLE = 80
VISITS_PER_ENDPOINT = 2


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.links: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form" and (attributes.get("method") or "get").lower() == "get":
            self._form = (attributes.get("action") or "", [])
        choice = attributes.get("type") in {"checkbox", "radio", "submit"}
        if self._form is not None and tag in {"input", "select"} and attributes.get("name") and not choice:
            self._form[1].append((attributes["name"], attributes.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            action, fields = self._form
            self.links.append(f"{action}?{urlencode(fields)}" if fields else action)
            self._form = None


def _endpoint(app, path: str) -> str:
    try:
        return app.url_map.bind("localhost").match(urlsplit(path).path, method="GET")[0]
    except HTTPException:
        return "not found"


def duplicated_ids(app, client) -> tuple[dict[str, list[str]], int]:
    """The ids found more than once, by page, and how many pages were read."""
    queue, seen, visits = ["/"], {"/"}, Counter()
    found: dict[str, list[str]] = {}
    read = 0
    while queue and read < PAGES_PER_ROLE:
        path = next((p for p in queue if not visits[_endpoint(app, p)]), queue[0])
        queue.remove(path)
        endpoint = _endpoint(app, path)
        if visits[endpoint] >= VISITS_PER_ENDPOINT:
            continue
        visits[endpoint] += 1
        response = client.get(path, follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        read += 1
        page = _Page()
        page.feed(response.get_data(as_text=True))
        twice = sorted(name for name, count in page.ids.items() if count > 1)
        if twice:
            found[path] = twice
        for href in page.links:
            url, _fragment = urldefrag(urljoin(f"http://localhost{response.request.path}", href))
            parts = urlsplit(url)
            if parts.netloc != "localhost" or parts.path.endswith(DOWNLOADS) or "sign-out" in parts.path:
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return found, read


@pytest.fixture
def group(people, make_meeting):
    """A confirmed meeting with everyone invited and a sent e-news issue, so that their pages are reached."""
    everyone = [p for p in people.values() if p is not None]
    make_meeting("plenary", invitees=everyone, status=MeetingStatus.CONFIRMED, is_public=True)
    issue = NewsIssue(
        number=1, month=date(2026, 1, 1), title="IT NMG e-news n. 1", status=NewsIssueStatus.SENT
    )
    issue.sections = [
        NewsSection(position=1, kind=NewsSectionKind.EDITORIAL, heading="Editorial", body="Hi.")
    ]
    db.session.add(issue)
    db.session.commit()
    return people


@pytest.mark.parametrize("role", ["public", "member", "coordination_team", "coordinator", "admin"])
def test_every_page_a_role_reaches_names_each_id_once(app, client, group, sign_in, role):
    if group[role] is not None:
        sign_in(group[role])
    found, read = duplicated_ids(app, client)
    assert read >= 3, "the walk reached pages"
    assert found == {}, f"ids used twice on a page: {found}"


def test_the_profile_names_the_new_password_field(client, people, sign_in):
    sign_in(people["member"])
    html = client.get("/profile").get_data(as_text=True)
    page = _Page()
    page.feed(html)
    assert page.ids["password"] == 1 and 'for="password"' in html, "the label names the one field"
