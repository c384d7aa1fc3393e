"""The team's e-news: drafting, editing without overwriting, previews, test mails, approval, scheduling in the
NMG's zone, sending with its progress, and the public archive with its feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import (
    DeliveryStatus,
    MeetingStatus,
    Member,
    NewsIssue,
    NewsIssueStatus,
    NewsSection,
    NewsSectionKind,
    NewsSubscriber,
    OutboundMessage,
    SubscriberStatus,
)
from nmg_ops.news import sending
from tests.fixtures.factories import PASSWORD

ROME = ZoneInfo("Europe/Rome")
#: a Friday in March 2026, nine days before the clocks go forward in Rome
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_BODY = (
    "Read this <script>alert('x')</script> and [click](javascript:alert(1)).\n\n"
    "![tracker](http://evil.example/pixel.png) ![logo](https://img.example.org/logo.png)"
)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def sign_in_as(client, member: Member) -> None:
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302


def reload(issue: NewsIssue) -> NewsIssue:
    db.session.expire_all()
    return db.session.get(NewsIssue, issue.id)


def editor_data(issue: NewsIssue, **changed: str) -> dict[str, str]:
    """The editor's form as it comes back unchanged, with `changed` put over it."""
    data = {"version": str(issue.version), "title": issue.title}
    for index, section in enumerate(issue.sections):
        data[f"sections-{index}-section_id"] = str(section.id)
        data[f"sections-{index}-heading"] = section.heading
        data[f"sections-{index}-body"] = section.body
        if section.members_only:
            data[f"sections-{index}-members_only"] = "y"
    data.update(changed)
    return data


def make_issue(number: int = 7, status: NewsIssueStatus = NewsIssueStatus.DRAFT, **kw) -> NewsIssue:
    month = kw.pop("month", date(2026, 4, 1))
    issue = NewsIssue(number=number, month=month, title=f"IT NMG e-news n. {number}", status=status, **kw)
    issue.sections = [
        NewsSection(
            position=1, kind=NewsSectionKind.EDITORIAL, heading="Editorial", body="Welcome to spring."
        ),
        NewsSection(
            position=2,
            kind=NewsSectionKind.MEETINGS,
            heading="For members",
            body="The plenary agenda is out.",
            members_only=True,
        ),
    ]
    db.session.add(issue)
    db.session.commit()
    return issue


@pytest.fixture
def team(people):
    return people["coordination_team"]


@pytest.fixture
def drafted(client, people, team, make_meeting) -> NewsIssue:
    """Next month's issue as the team's button drafts it, with a public and a members' meeting in April,
    and a draft meeting that neither edition names."""
    everyone = [p for p in people.values() if p is not None]
    make_meeting(
        "partnership_event",
        starts_at=datetime(2026, 4, 15, 10, 0, tzinfo=ROME),
        status=MeetingStatus.CONFIRMED,
        is_public=True,
        title="Open day on health data",
    )
    make_meeting(
        "plenary",
        starts_at=datetime(2026, 4, 22, 10, 0, tzinfo=ROME),
        status=MeetingStatus.CONFIRMED,
        invitees=everyone,
        title="Closed plenary of April",
    )
    make_meeting(
        "plenary",
        starts_at=datetime(2026, 4, 29, 10, 0, tzinfo=ROME),
        invitees=everyone,
        is_public=True,
        title="Plenary still in draft",
    )
    sign_in_as(client, team)
    response = client.post("/news/issues/draft")
    assert response.status_code == 302
    issue = db.session.scalar(sa.select(NewsIssue).where(NewsIssue.month == date(2026, 4, 1)))
    assert response.headers["Location"].endswith(f"/news/issues/{issue.id}")
    return issue


def preview_text(client, issue: NewsIssue, edition: str, language: str = "it") -> str:
    response = client.get(
        f"/news/issues/{issue.id}/preview",
        query_string={"edition": edition, "language": language, "format": "text"},
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_draft_lists_public_meetings_in_both_editions_and_members_meetings_only_in_theirs(
    client, drafted, team
):
    members, public = preview_text(client, drafted, "members"), preview_text(client, drafted, "public")
    assert "Open day on health data" in members and "Open day on health data" in public
    assert "Closed plenary of April" in members
    assert "Closed plenary of April" not in public
    assert "Plenary still in draft" not in members + public, "nobody is told of a draft"
    assert drafted.title in public
    base = client.application.config["PUBLIC_URL"].rstrip("/")
    [event] = re.findall(r"\[Open day on health data\]\(([^)]+)\)", public)
    assert event.startswith(f"{base}/events/"), "a page a visitor can open, not the sign-in"
    client.post("/sign-out")
    assert client.get(event.removeprefix(base)).status_code == 200
    [closed] = re.findall(r"\[Closed plenary of April\]\(([^)]+)\)", members)
    assert closed.startswith(f"{base}/meetings/"), "the members' meetings stay behind the sign-in"
    sign_in_as(client, team)
    listing = client.get("/news/issues").get_data(as_text=True)
    assert drafted.title in listing


def test_the_html_preview_is_a_framed_page_that_cannot_run_anything(client, drafted):
    page = client.get(f"/news/issues/{drafted.id}/preview?edition=public&language=en&format=html")
    assert page.status_code == 200
    assert 'sandbox=""' in page.get_data(as_text=True)
    mail = client.get(f"/news/issues/{drafted.id}/preview/mail?edition=public&language=en")
    assert "Open day on health data" in mail.get_data(as_text=True)
    policy = mail.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "allow-scripts" not in policy and "default-src 'none'" in policy


@pytest.mark.parametrize("query", ["edition=friends", "language=de", "format=pdf"])
def test_a_preview_of_something_that_does_not_exist_is_refused_with_a_reason(client, drafted, query):
    response = client.get(f"/news/issues/{drafted.id}/preview?{query}")
    assert response.status_code == 400
    assert "preview" in response.get_data(as_text=True)


def test_saving_writes_the_text_and_bumps_the_version(client, team):
    issue = make_issue()
    sign_in_as(client, team)
    data = editor_data(issue, **{"sections-0-body": "A **new** editorial."})
    response = client.post(f"/news/issues/{issue.id}", data=data)
    assert response.status_code == 302
    issue = reload(issue)
    assert issue.version == 2
    assert issue.sections[0].body == "A **new** editorial."


def test_a_stale_save_is_refused_with_409_and_keeps_the_writers_text(client, team):
    issue = make_issue()
    sign_in_as(client, team)
    # Both editors opened the editor on version 1.
    first = editor_data(issue, **{"sections-0-body": "The first editor's words."})
    stale = editor_data(issue, **{"sections-0-body": "The second editor's unsaved words."})
    assert client.post(f"/news/issues/{issue.id}", data=first).status_code == 302
    response = client.post(f"/news/issues/{issue.id}", data=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The second editor&#39;s unsaved words." in page
    assert "The first editor&#39;s words." in page
    issue = reload(issue)
    assert issue.sections[0].body == "The first editor's words."
    # The page's form now starts from the stored version: saving it again goes through.
    assert re.search(r'<input[^>]*name="version"[^>]*value="2"', page)
    assert client.post(f"/news/issues/{issue.id}", data={**stale, "version": "2"}).status_code == 302
    assert reload(issue).sections[0].body == "The second editor's unsaved words."


def test_a_section_can_be_added_and_an_empty_one_removed(client, team):
    issue = make_issue()
    sign_in_as(client, team)
    assert (
        client.post(f"/news/issues/{issue.id}", data={**editor_data(issue), "then": "add"}).status_code == 302
    )
    issue = reload(issue)
    assert len(issue.sections) == 3
    refused = client.post(f"/news/issues/{issue.id}", data=editor_data(issue, **{"sections-0-remove": "y"}))
    assert refused.status_code == 422
    assert len(reload(issue).sections) == 3
    gone = client.post(f"/news/issues/{issue.id}", data=editor_data(issue, **{"sections-2-remove": "y"}))
    assert gone.status_code == 302
    assert [s.heading for s in reload(issue).sections] == ["Editorial", "For members"]


def test_a_section_moves_down_with_the_text_saved_on_the_way(client, team):
    issue = make_issue()
    sign_in_as(client, team)
    first = issue.sections[0].id
    data = editor_data(issue, then=f"down:{first}", **{"sections-0-body": "Moved and saved."})
    assert client.post(f"/news/issues/{issue.id}", data=data).status_code == 302
    issue = reload(issue)
    assert [s.heading for s in issue.sections] == ["For members", "Editorial"]
    assert issue.sections[1].body == "Moved and saved."


def test_editing_an_approved_issue_makes_it_a_draft_again(client, team, people):
    issue = make_issue()
    sending.approve(issue, people["coordinator"])
    sign_in_as(client, team)
    response = client.post(
        f"/news/issues/{issue.id}",
        data=editor_data(reload(issue), **{"sections-0-body": "Changed after approval."}),
        follow_redirects=True,
    )
    assert "a draft again" in response.get_data(as_text=True)
    issue = reload(issue)
    assert issue.status is NewsIssueStatus.DRAFT
    assert issue.approved_at is None and issue.approved_by_id is None


def test_a_scheduled_issue_is_read_only(client, team):
    issue = make_issue(status=NewsIssueStatus.SCHEDULED, scheduled_for=NOW + timedelta(days=2))
    sign_in_as(client, team)
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    assert "Unschedule it first" in page
    client.post(f"/news/issues/{issue.id}", data=editor_data(issue, **{"sections-0-body": "Sneaky."}))
    assert reload(issue).sections[0].body == "Welcome to spring."


def test_when_approval_is_required_the_coordinator_approves_before_the_team_schedules(
    app, client, people, team
):
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    issue = make_issue()
    when = {"send_on": "2026-03-25", "send_at": "09:00"}
    sign_in_as(client, team)
    refused = client.post(f"/news/issues/{issue.id}/schedule", data=when)
    assert refused.status_code == 422
    assert "coordinator approves" in refused.get_data(as_text=True)
    assert client.post(f"/news/issues/{issue.id}/approve").status_code == 403
    assert reload(issue).status is NewsIssueStatus.DRAFT

    coordinator = app.test_client()
    sign_in_as(coordinator, people["coordinator"])
    assert coordinator.post(f"/news/issues/{issue.id}/approve").status_code == 302
    assert reload(issue).status is NewsIssueStatus.APPROVED

    assert client.post(f"/news/issues/{issue.id}/schedule", data=when).status_code == 302
    assert reload(issue).status is NewsIssueStatus.SCHEDULED


def test_a_time_is_scheduled_in_the_nmgs_zone_across_the_change_to_summer_time(client, team, make_member):
    make_member(email="reader@example.org")
    issue = make_issue()
    sign_in_as(client, team)
    skipped = client.post(
        f"/news/issues/{issue.id}/schedule", data={"send_on": "2026-03-29", "send_at": "02:30"}
    )
    assert skipped.status_code == 422
    assert "does not exist" in skipped.get_data(as_text=True)
    response = client.post(
        f"/news/issues/{issue.id}/schedule", data={"send_on": "2026-03-29", "send_at": "10:00"}
    )
    assert response.status_code == 302
    # 10:00 in Rome is 09:00 UTC before the change and 08:00 UTC after it.
    assert reload(issue).scheduled_for == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)

    sending.send_issues(datetime(2026, 3, 29, 7, 59, tzinfo=UTC))
    assert reload(issue).status is NewsIssueStatus.SCHEDULED
    sending.send_issues(datetime(2026, 3, 29, 8, 0, tzinfo=UTC))
    issue = reload(issue)
    assert issue.status is NewsIssueStatus.SENDING
    assert issue.queued_at is not None
    queued = db.session.scalars(
        sa.select(OutboundMessage.recipient).where(OutboundMessage.purpose == issue.outbox_purpose)
    ).all()
    assert "reader@example.org" in queued


def test_an_issue_can_be_unscheduled_until_its_sending_starts(client, team):
    issue = make_issue()
    sign_in_as(client, team)
    when = {"send_on": "2026-03-21", "send_at": "08:00"}
    assert client.post(f"/news/issues/{issue.id}/schedule", data=when).status_code == 302
    assert client.post(f"/news/issues/{issue.id}/unschedule").status_code == 302
    issue = reload(issue)
    assert issue.status is NewsIssueStatus.DRAFT and issue.scheduled_for is None

    assert client.post(f"/news/issues/{issue.id}/schedule", data=when).status_code == 302
    sending.start_due(datetime(2026, 3, 21, 7, 0, tzinfo=UTC))
    response = client.post(f"/news/issues/{issue.id}/unschedule", follow_redirects=True)
    assert "can no longer be unscheduled" in response.get_data(as_text=True)
    assert reload(issue).status is NewsIssueStatus.SENDING


def test_send_now_asks_for_a_confirmation_naming_the_recipients(client, team, outbox):
    db.session.add(NewsSubscriber(email="reader@example.org", status=SubscriberStatus.CONFIRMED))
    db.session.commit()
    issue = make_issue()
    sign_in_as(client, team)
    page = client.get(f"/news/issues/{issue.id}/send").get_data(as_text=True)
    # The four members of the roles fixture, and the subscriber.
    assert "5 addresses" in page
    assert client.post(f"/news/issues/{issue.id}/send", data={}).status_code == 422
    assert reload(issue).status is NewsIssueStatus.DRAFT
    response = client.post(f"/news/issues/{issue.id}/send", data={"confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/news/issues/{issue.id}/progress")
    # The mails were queued and delivered after the response.
    assert sorted(m["To"].addresses[0].addr_spec for m in outbox()) == sorted(
        [
            "coordinator@example.org",
            "plain@example.org",
            "ct@example.org",
            "admin@example.org",
            "reader@example.org",
        ]
    )
    assert reload(issue).status is NewsIssueStatus.SENT


@pytest.mark.smtp
def test_a_test_mail_goes_to_the_signed_in_editor_only(client, team, smtp_sink):
    db.session.add(NewsSubscriber(email="reader@example.org", status=SubscriberStatus.CONFIRMED))
    db.session.commit()
    issue = make_issue()
    sign_in_as(client, team)
    response = client.post(
        f"/news/issues/{issue.id}/test",
        data={"addresses": "ct@example.org", "edition": "public", "language": "en"},
        follow_redirects=True,
    )
    assert "ct@example.org" in response.get_data(as_text=True)
    assert [r.rcpt_tos for r in smtp_sink.received] == [["ct@example.org"]]
    message = smtp_sink.received[0].message
    assert message["Subject"].startswith("[TEST] ")
    assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] != sending.rendering.message_id(issue, "ct@example.org")
    # Public edition: the members' section is left out.
    assert "The plenary agenda is out." not in message.get_body(("html",)).get_content()
    assert reload(issue).status is NewsIssueStatus.DRAFT


def _sending_issue(number: int, month: date) -> NewsIssue:
    """An issue sent now to everyone there is, its mails queued, those to reader1… failed."""
    issue = make_issue(number=number, month=month)
    sending.send_now(issue)
    sending.queue_issue(issue)
    db.session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.purpose == issue.outbox_purpose, OutboundMessage.recipient.like("reader1%"))
        .values(status=DeliveryStatus.FAILED, last_error="550 5.1.1 no such user")
    )
    db.session.commit()
    return issue


def _subscribe(first: int, last: int) -> None:
    db.session.add_all(
        NewsSubscriber(email=f"reader{n}@example.org", status=SubscriberStatus.CONFIRMED)
        for n in range(first, last)
    )
    db.session.commit()


def test_the_progress_page_costs_the_same_statements_for_6_and_for_200_recipients(
    client, team, count_queries
):
    _subscribe(0, 2)
    few = _sending_issue(8, date(2026, 5, 1))
    _subscribe(2, 196)
    many = _sending_issue(9, date(2026, 6, 1))
    sign_in_as(client, team)
    client.get("/news/issues")
    statements = {}
    for issue in (few, many):
        with count_queries() as counted:
            response = client.get(f"/news/issues/{issue.id}/progress")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "550 5.1.1 no such user" in page
        assert "<progress" in page and "news_progress.js" in page
        statements[issue.number] = counted.count
    assert statements[8] == statements[9]
    few_counts = client.get(f"/news/issues/{few.id}/progress.json").get_json()
    many_counts = client.get(f"/news/issues/{many.id}/progress.json").get_json()
    # Four members and the subscribers of the time; reader1 failed, and later reader10…19 and reader100… too.
    assert (few_counts["recipients"], few_counts["failed"], few_counts["queued"]) == (6, 1, 5)
    assert (many_counts["recipients"], many_counts["failed"], many_counts["queued"]) == (200, 107, 93)


def test_the_archive_lists_only_sent_issues_newest_first(client, make_member):
    make_issue(
        number=1, month=date(2026, 1, 1), status=NewsIssueStatus.SENT, sent_at=NOW - timedelta(days=60)
    )
    make_issue(
        number=2, month=date(2026, 2, 1), status=NewsIssueStatus.SENT, sent_at=NOW - timedelta(days=30)
    )
    make_issue(number=3, month=date(2026, 3, 1), status=NewsIssueStatus.SCHEDULED, scheduled_for=NOW)
    page = client.get("/news").get_data(as_text=True)
    assert page.index("e-news n. 2") < page.index("e-news n. 1")
    assert "e-news n. 3" not in page
    assert 'type="application/atom+xml"' in page and "/news/subscribe" in page
    assert client.get("/news/3").status_code == 404
    assert client.get("/news/99").status_code == 404


def test_the_permanent_page_shows_the_public_edition_and_members_read_theirs(client, people):
    make_issue(number=4, status=NewsIssueStatus.SENT, sent_at=NOW)
    public = client.get("/news/4").get_data(as_text=True)
    assert "Welcome to spring." in public
    assert "The plenary agenda is out." not in public
    sign_in_as(client, people["member"])
    members = client.get("/news/4").get_data(as_text=True)
    assert "The plenary agenda is out." in members
    assert "/news/4?edition=public" in members
    again_public = client.get("/news/4?edition=public").get_data(as_text=True)
    assert "The plenary agenda is out." not in again_public


def test_the_atom_feed_carries_the_sent_issues_public_edition(app, client):
    make_issue(number=5, status=NewsIssueStatus.SENT, sent_at=NOW)
    make_issue(number=6, month=date(2026, 5, 1))
    response = client.get("/news/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["IT NMG e-news n. 5"]
    permanent = f"{app.config['PUBLIC_URL'].rstrip('/')}/news/5"
    assert entries[0].findtext(f"{ATOM}id") == permanent
    assert entries[0].find(f"{ATOM}link").get("href") == permanent
    assert entries[0].findtext(f"{ATOM}updated").startswith("2026-03-20T09:00:00")
    content = entries[0].findtext(f"{ATOM}content")
    assert "Welcome to spring." in content and "The plenary agenda is out." not in content


def test_the_atom_feed_names_its_author_and_answers_a_current_copy_with_304(app, client, monkeypatch):
    make_issue(number=5, status=NewsIssueStatus.SENT, sent_at=NOW)
    first = client.get("/news/feed.atom")
    feed = ET.fromstring(first.data)
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == app.config["NMG_NAME"], "RFC 4287 §4.1.1"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert modified == "Fri, 20 Mar 2026 09:00:00 GMT"

    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(hours=3))
    again = client.get("/news/feed.atom")
    assert again.data == first.data and again.headers["ETag"] == etag, "the same feed, byte for byte"
    assert client.get("/news/feed.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/news/feed.atom", headers={"If-Modified-Since": modified}).status_code == 304

    make_issue(
        number=6, month=date(2026, 5, 1), status=NewsIssueStatus.SENT, sent_at=NOW + timedelta(days=30)
    )
    changed = client.get("/news/feed.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    ids = [e.findtext(f"{ATOM}id") for e in ET.fromstring(changed.data).findall(f"{ATOM}entry")]
    base = app.config["PUBLIC_URL"].rstrip("/")
    assert ids == [f"{base}/news/6", f"{base}/news/5"], "an entry keeps its id when others arrive"


def test_an_empty_atom_feed_is_valid_and_the_same_on_every_request(app, client, monkeypatch):
    first = client.get("/news/feed.atom")
    feed = ET.fromstring(first.data)
    assert feed.findtext(f"{ATOM}updated") and feed.find(f"{ATOM}author") is not None
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))
    assert client.get("/news/feed.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def _no_active_content(html: str) -> None:
    assert "<script" not in html
    assert "javascript:" not in html
    assert "http://evil.example" not in html


def test_a_hostile_section_reaches_neither_preview_nor_page_nor_feed_nor_mail(client, team, outbox):
    issue = make_issue()
    issue.sections[0].body = HOSTILE_BODY
    db.session.commit()
    sign_in_as(client, team)
    mail_html = client.get(f"/news/issues/{issue.id}/preview/mail?edition=public&language=en").get_data(
        as_text=True
    )
    _no_active_content(mail_html)
    assert "https://img.example.org/logo.png" in mail_html
    text_preview = preview_text(client, issue, "public", "en")
    assert "<script>alert" not in text_preview
    client.post(f"/news/issues/{issue.id}/send", data={"confirm": "y"})
    mails = outbox()
    assert mails
    for mail in mails:
        _no_active_content(mail.get_body(("html",)).get_content())
    client.post("/sign-out")
    page = client.get(f"/news/{issue.number}").get_data(as_text=True)
    _no_active_content(page.split('id="issue-title"')[1].split("</article>")[0])
    assert "https://img.example.org/logo.png" in page
    feed = ET.fromstring(client.get("/news/feed.atom").data)
    _no_active_content(feed.find(f"{ATOM}entry").findtext(f"{ATOM}content"))


def test_only_the_team_and_the_leaders_reach_the_issues(client, people, drafted):
    client.post("/sign-out")
    sign_in_as(client, people["member"])
    assert client.get("/news/issues").status_code == 403
    assert client.get(f"/news/issues/{drafted.id}/preview").status_code == 403


def test_the_handover_page_shows_the_issues_to_come_and_the_last_sent(client, team):
    make_issue(
        number=1, month=date(2026, 2, 1), status=NewsIssueStatus.SENT, sent_at=NOW - timedelta(days=30)
    )
    make_issue(
        number=2,
        month=date(2026, 3, 1),
        status=NewsIssueStatus.SCHEDULED,
        scheduled_for=datetime(2026, 3, 29, 8, 0, tzinfo=UTC),
    )
    make_issue(number=3, month=date(2026, 4, 1))
    sign_in_as(client, team)
    page = client.get("/coordinators/handover").get_data(as_text=True)
    enews = page.split('id="handover-enews"')[1].split("</section>")[0]
    assert "e-news n. 2" in enews and "e-news n. 3" in enews
    # The scheduled time as the NMG's zone reads it, after the change to summer time.
    assert "10:00" in enews
    assert "Last sent:" in enews and "/news/1" in enews
