"""What leaves the app in an e-news mail works wherever it lands: every link and image is absolute, on
PUBLIC_URL, and what the editor typed is shown as typed."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import sqlalchemy as sa

from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import Language, NewsIssue, NewsSection, NewsSectionKind, NewsSubscriber, SubscriberStatus
from nmg_ops.news import drafting, sending
from nmg_ops.text import render_markdown
from tests.fixtures.factories import PASSWORD

CONFIRMED = SubscriberStatus.CONFIRMED
RELATIVE_BODY = (
    "See [the archive](/news), [the previous issue](3), [the top](#top) and "
    "[the group](https://www.thcspartnership.eu).\n\n![logo](/static/logo.png)\n\n"
    "[calendar]: /calendar\n\nAdd it to your [calendar]. Text such as <caratteri> stays."
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.extend(value for name, value in attrs if name in {"href", "src"} and value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.found


def assert_absolute_on_site(app, mail) -> None:
    site = app.config["PUBLIC_URL"].rstrip("/") + "/"
    html = mail.get_body(("html",)).get_content()
    links = links_of(html)
    for link in links:
        parts = urlsplit(link)
        assert parts.netloc or parts.scheme == "mailto", link
    text = mail.get_body(("plain",)).get_content()
    for target in re.findall(r"\]\(([^)\s]+)", text) + re.findall(r"^\s*\[[^\]]+\]:\s*(\S+)", text, re.M):
        assert urlsplit(target).scheme, f"a relative address in the text edition: {target}"
    for link in links:
        if not link.startswith(("https://www.thcspartnership.eu", "mailto:")):
            assert link.startswith(site), link


def _issue() -> NewsIssue:
    issue = drafting.draft_issue(date(2026, 12, 1))
    issue.sections.append(
        NewsSection(
            position=len(issue.sections) + 1, kind=NewsSectionKind.NEWS, heading="Links", body=RELATIVE_BODY
        )
    )
    issue.sections.append(
        NewsSection(
            position=len(issue.sections) + 2,
            kind=NewsSectionKind.MEETINGS,
            heading="Members",
            body="Members, see [the minutes](/minutes).",
            members_only=True,
        )
    )
    db.session.commit()
    return issue


def test_every_link_and_image_of_every_e_news_mail_is_absolute_on_the_public_address(
    app, client, outbox, people, make_member
):
    make_member(email="membro@example.org", language="it")
    db.session.add_all(
        [
            NewsSubscriber(email="reader-en@example.org", status=CONFIRMED, language=Language.EN),
            NewsSubscriber(email="lettore-it@example.org", status=CONFIRMED, language=Language.IT),
        ]
    )
    db.session.commit()
    issue = _issue()
    assert client.post("/sign-in", data={"email": "ct@example.org", "password": PASSWORD}).status_code == 302
    for edition in ("public", "members"):
        # The form offers the editor's own address; a browser sends it back as shown.
        client.post(
            f"/news/issues/{issue.id}/test",
            data={"addresses": "ct@example.org", "edition": edition, "language": "it"},
        )
    client.post("/sign-out")
    client.post(
        "/news/subscribe",
        data={"email": "new@example.org", "language": "it", "consent": "y", "name": "", "website": ""},
    )
    client.post(
        "/news/subscribe",
        data={"email": "reader-en@example.org", "language": "en", "consent": "y", "name": "", "website": ""},
    )
    sending.send_now(issue)
    sending.queue_issue(issue)
    dispatch()
    mails = outbox()
    subjects = {m["To"].addresses[0].addr_spec: m for m in mails}
    # Both editions in both languages, the test mails, the confirmation and the "already" mail.
    readers = {"reader-en@example.org", "lettore-it@example.org", "membro@example.org", "new@example.org"}
    assert readers <= set(subjects)
    assert sum(1 for m in mails if m["Subject"].startswith("[TEST]")) == 2
    for mail in mails:
        if mail.get_body(("html",)) is not None:
            assert_absolute_on_site(app, mail)
    issue_mail = subjects["lettore-it@example.org"]
    html = issue_mail.get_body(("html",)).get_content()
    base = app.config["PUBLIC_URL"].rstrip("/")
    assert f'href="{base}/news"' in html and f'src="{base}/static/logo.png"' in html
    assert f'href="{base}/news/3"' in html and f'href="{base}/calendar"' in html
    assert f"[the archive]({base}/news)" in issue_mail.get_body(("plain",)).get_content()
    member_mail = subjects["membro@example.org"].get_body(("html",)).get_content()
    assert f'href="{base}/minutes"' in member_mail


def test_text_the_editor_typed_in_angle_brackets_is_shown_in_both_editions(app, outbox):
    db.session.add(NewsSubscriber(email="reader@example.org", status=SubscriberStatus.CONFIRMED))
    db.session.commit()
    issue = _issue()
    sending.send_now(issue)
    sending.queue_issue(issue)
    dispatch()
    [mail] = [m for m in outbox() if m["To"].addresses[0].addr_spec == "reader@example.org"]
    assert "&lt;caratteri&gt;" in mail.get_body(("html",)).get_content()
    assert "<caratteri>" in mail.get_body(("plain",)).get_content()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsIssue)) == 1


def test_markup_outside_the_allow_list_is_escaped_never_dropped_nor_run():
    html = str(render_markdown("a <caratteri> b <b>bold</b> <script>alert(1)</script>\n\n<div>kept</div>"))
    assert "a &lt;caratteri&gt; b <b>bold</b>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "&lt;div&gt;kept&lt;/div&gt;" in html
    assert "&lt;x&gt;" in str(render_markdown("<x>", images=True, base_url="https://nmg.example.org/news/1"))
