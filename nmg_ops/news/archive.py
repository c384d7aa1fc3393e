"""The public archive: every sent issue at a permanent address (`/news/<number>`), and its Atom feed.

The public edition is what the archive shows to everyone and what the feed carries; a signed-in current
member reads the members' edition of the same issue, the one they were sent. An issue that was not sent
is not in the archive at all (404), whoever asks: the team previews drafts on their own pages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from feedgen.feed import FeedGenerator
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import NewsEdition, NewsIssue, NewsIssueStatus, NewsSection
from . import rendering
from .languages import group_language, title_in

PER_PAGE = 20
#: the feed carries the latest issues; the archive pages have them all
FEED_ENTRIES = 24


def sent_issues(page: int) -> Pagination:
    return db.paginate(
        sa.select(NewsIssue)
        .where(NewsIssue.status == NewsIssueStatus.SENT)
        .order_by(NewsIssue.number.desc())
        .options(so.selectinload(NewsIssue.titles)),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )


def latest_sent(count: int) -> list[NewsIssue]:
    """The newest sent issues, for the landing page."""
    return list(
        db.session.scalars(
            sa.select(NewsIssue)
            .where(NewsIssue.status == NewsIssueStatus.SENT)
            .order_by(NewsIssue.number.desc())
            .limit(count)
            .options(so.selectinload(NewsIssue.titles))
        )
    )


def sent_issue(number: int) -> NewsIssue | None:
    return db.session.scalar(
        sa.select(NewsIssue)
        .where(NewsIssue.number == number, NewsIssue.status == NewsIssueStatus.SENT)
        .options(
            so.selectinload(NewsIssue.titles),
            so.selectinload(NewsIssue.sections).selectinload(NewsSection.texts),
        )
    )


def reader_language() -> str:
    """The language the page is shown in, which the archive shows an issue in."""
    return get_locale().language


def reader_title(issue: NewsIssue) -> str:
    return title_in(issue, reader_language())


def reads_members_edition() -> bool:
    """Whether the reader is a current member: they were sent, and may read, the members' edition."""
    return bool(current_user.is_authenticated and current_user.is_current)


def edition_for(wanted: str | None) -> NewsEdition:
    if wanted != NewsEdition.PUBLIC.value and reads_members_edition():
        return NewsEdition.MEMBERS
    return NewsEdition.PUBLIC


#: the `updated` of a feed with no issue yet: it has not changed since, and the same bytes keep the ETag
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    body: bytes
    #: a hash of the body: the same feed is the same tag on every request and every worker
    etag: str
    #: when the latest issue went, or None before the first
    last_modified: datetime | None


def feed() -> Feed:
    """The Atom feed of the latest sent issues, public edition.

    Each entry's id is its issue's permanent address, which never changes; the group is the author
    (RFC 4287 §4.1.1) of the feed and so of every entry. Nothing in it depends on the time of the request,
    so that a reader asking again gets the same bytes, or a 304 by their hash."""
    issues = latest_sent(FEED_ENTRIES)
    generator = FeedGenerator()
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    archive = f"{base}/news"
    generator.id(archive)
    generator.title(f"{current_app.config['NMG_SHORT_NAME']} e-news")
    generator.subtitle(current_app.config["NMG_NAME"])
    generator.link(href=archive, rel="alternate")
    generator.link(href=f"{base}/news/feed.atom", rel="self")
    generator.language(current_app.config["DEFAULT_LANGUAGE"])
    generator.author({"name": current_app.config["NMG_NAME"], "uri": archive})
    last_modified = max((issue.sent_at for issue in issues), default=None)
    generator.updated(last_modified or _NEVER)
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        # feedgen lists entries newest first when each is added at the front.
        for issue in reversed(issues):
            link = rendering.web_url(issue)
            entry = generator.add_entry()
            entry.id(link)
            entry.title(issue.title)
            entry.link(href=link, rel="alternate")
            entry.updated(issue.sent_at)
            entry.published(issue.sent_at)
            entry.content(
                render_template(
                    "news/_feed_entry.html",
                    sections=rendering.sections_of(issue, NewsEdition.PUBLIC, group_language()),
                ),
                type="html",
            )
    body = generator.atom_str(pretty=True)
    return Feed(body, hashlib.sha256(body).hexdigest()[:32], last_modified)
