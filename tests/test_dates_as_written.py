"""Dates and times as people write them: no seconds on any page or in any mail of the demo, in English
and in Italian."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, time
from html import unescape
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from nmg_ops import clock
from nmg_ops.calendar import invites
from nmg_ops.extensions import db
from nmg_ops.i18n import format_datetime, format_until
from nmg_ops.models import Language, Meeting, MeetingStatus, Member, OutboundMessage
from nmg_ops.scheduler import run_due_jobs

SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
#: the start pages of the crawl; it follows their links one step
MAIN_PAGES = (
    "/",
    "/meetings/",
    "/meetings/my",
    "/meetings/plan",
    "/meetings/cadence",
    "/coordinators",
    "/coordinators/handover",
    "/actions",
    "/actions/mine",
    "/decisions",
    "/consultations",
    "/governance",
    "/news/issues",
    "/news",
    "/deliveries",
    "/audit",
    "/profile",
)
#: links that are downloads or change something; every other link on a main page is read
SKIPPED = re.compile(r"\.(ics|csv|xlsx|pdf|docx|odt|md|atom|json)$|/export|/download|/sign-out|/edit$")
CRAWL_LIMIT = 150


def _visible_text(html: str) -> str:
    """The text a reader sees: no tags, so machine-readable `datetime` attributes do not count."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)"', html):
        parts = urlsplit(unescape(href))
        if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _with_seconds(client) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    queue = list(MAIN_PAGES)
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        found = SECONDS.findall(_visible_text(html))
        if found:
            problems[path] = found
        if path in MAIN_PAGES:
            queue.extend(link for link in _links(html) if link not in seen)
    assert len(seen) > 60, "the crawl read the demo's pages"
    return problems


@pytest.mark.parametrize("language", [Language.EN, Language.IT])
def test_no_page_of_the_demo_shows_seconds(demo_loaded, client, language):
    coordinator = db.session.scalar(sa.select(Member).where(Member.email == "coordinator@demo.nmg"))
    coordinator.language = language
    db.session.commit()
    client.post("/sign-in", data={"email": coordinator.email, "password": "a-test-password"})
    assert _with_seconds(client) == {}


def test_no_mail_of_the_demo_shows_seconds(demo_loaded):
    for member in db.session.scalars(sa.select(Member)):
        member.language = Language.EN if member.id % 2 else Language.IT
    db.session.commit()
    upcoming = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.status == MeetingStatus.CONFIRMED, Meeting.starts_at > clock.now())
        .order_by(Meeting.starts_at)
        .limit(2)
    ).all()
    assert upcoming
    invites.announce(upcoming[0])
    upcoming[-1].status = MeetingStatus.CANCELLED
    upcoming[-1].sequence += 1
    db.session.commit()
    invites.announce(upcoming[-1])
    run_due_jobs(clock.now())
    problems = {}
    purposes = set()
    for row in db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.content.is_not(None))):
        message = email.message_from_bytes(row.content, policy=email.policy.default)
        purposes.add(row.purpose)
        for part in message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                text = part.get_content()
                found = SECONDS.findall(
                    _visible_text(text) if part.get_content_type() == "text/html" else text
                )
                if found:
                    problems[f"{row.purpose} to {row.recipient}"] = found
        found = SECONDS.findall(str(message["Subject"]))
        if found:
            problems[f"subject of {row.purpose}"] = found
    assert {"itip_request", "itip_cancel"} <= purposes
    assert problems == {}


@pytest.mark.parametrize(
    ("language", "until", "moment"),
    [
        ("en", "18 December 2026", "18 Dec 2026, 10:05"),
        ("it", "18 dicembre 2026", "18 dic 2026, 10:05"),
    ],
)
def test_a_last_day_reads_as_that_day_and_a_time_to_the_minute(app, language, until, moment):
    with app.test_request_context(), force_locale(language):
        midnight = clock.from_local(date(2026, 12, 19), time(0))
        assert format_until(midnight) == until
        assert format_datetime(clock.from_local(date(2026, 12, 18), time(10, 5, 30))).startswith(moment)
        assert "10:05" in format_until(clock.from_local(date(2026, 12, 18), time(10, 5, 30)))
