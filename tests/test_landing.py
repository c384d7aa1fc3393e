"""The public landing page at `/`: what the group is, its next public events, its latest e-news, and the
ways to subscribe and to sign in; members signed in keep their start page."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import escape

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import MeetingStatus, NewsIssue, NewsIssueStatus


def _issue(number: int, status: NewsIssueStatus) -> NewsIssue:
    sent_at = clock.now() - timedelta(days=100 - number) if status is NewsIssueStatus.SENT else None
    issue = NewsIssue(
        number=number,
        month=date(2020 + number // 12, number % 12 + 1, 1),
        title=f"IT NMG e-news n. {number}",
        status=status,
        sent_at=sent_at,
    )
    db.session.add(issue)
    db.session.commit()
    return issue


def test_a_visitor_sees_the_group_its_public_events_and_its_latest_news(client, app, make_meeting):
    soon = make_meeting(
        "partnership_event", status=MeetingStatus.CONFIRMED, is_public=True, title="THCS info day"
    )
    make_meeting("plenary", status=MeetingStatus.CONFIRMED, title="Members-only plenary")
    make_meeting("partnership_event", is_public=True, title="Draft public event")
    make_meeting("partnership_event", status=MeetingStatus.CANCELLED, is_public=True, title="Called off")
    make_meeting(
        "partnership_event",
        starts_at=clock.now() - timedelta(days=3),
        status=MeetingStatus.HELD,
        is_public=True,
        title="Event gone by",
    )
    _issue(1, NewsIssueStatus.SENT)
    _issue(2, NewsIssueStatus.SENT)
    _issue(3, NewsIssueStatus.DRAFT)

    response = client.get("/", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert app.config["NMG_NAME"] in html and str(escape(app.config["NMG_DESCRIPTION_EN"])) in html
    assert "THCS info day" in html and f'href="/events/{soon.id}"' in html
    assert f'href="/meetings/{soon.id}.ics"' in html
    for hidden in ("Members-only plenary", "Draft public event", "Called off", "Event gone by"):
        assert hidden not in html
    assert html.index("e-news n. 2") < html.index("e-news n. 1") and 'href="/news/2"' in html
    assert "e-news n. 3" not in html
    assert 'href="/news/subscribe"' in html and 'href="/sign-in"' in html
    assert "<main" in html and "<h1" in html


def test_a_visitor_reads_the_landing_page_in_italian(client, app):
    html = client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert str(escape(app.config["NMG_DESCRIPTION_IT"])) in html
    assert "Prossimi eventi pubblici" in html and "Iscriviti alla e-news" in html


def test_a_signed_in_member_still_starts_with_their_page(client, people, sign_in):
    sign_in(people["member"])
    html = client.get("/").get_data(as_text=True)
    assert "Your next meetings" in html and 'id="landing-description"' not in html


def test_the_landing_page_runs_as_many_statements_for_5_public_events_as_for_50(
    client, make_meeting, count_queries
):
    grown = {"count": 0}

    def statements(to: int) -> int:
        """Public events and sent issues up to `to` each, then the statements of a visitor's landing page."""
        for n in range(grown["count"], to):
            make_meeting(
                "partnership_event",
                starts_at=clock.now() + timedelta(days=2 + n),
                status=MeetingStatus.CONFIRMED,
                is_public=True,
                title=f"Public event {n}",
            )
            _issue(n + 1, NewsIssueStatus.SENT)
        grown["count"] = to
        client.get("/")
        with count_queries() as counted:
            assert client.get("/").status_code == 200
        return counted.count

    assert statements(5) == statements(50)
