"""The issue page before sending: how many each edition reaches, an approval part only when there is
something to do in it, and the draft button that says what it did."""

from __future__ import annotations

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import NewsIssueStatus, NewsSubscriber, NewsSuppression, SubscriberStatus
from nmg_ops.news import drafting, recipients, rendering
from tests.test_news_issues import make_issue, sign_in_as


def _audience(make_member) -> None:
    """Four members of the roles fixture, one more who opted out, one suppressed; three confirmed
    subscribers, one of them a member (who gets the members' edition only), one suppressed, one not
    confirmed."""
    make_member(email="quiet@example.org", news_opt_out=True)
    make_member(email="bounced@example.org")
    db.session.add_all(
        [
            NewsSuppression(email="bounced@example.org", reason="550"),
            NewsSuppression(email="gone@example.net", reason="550"),
            NewsSubscriber(email="reader@example.net", status=SubscriberStatus.CONFIRMED),
            NewsSubscriber(email="other@example.net", status=SubscriberStatus.CONFIRMED),
            NewsSubscriber(email="PLAIN@example.org", status=SubscriberStatus.CONFIRMED),
            NewsSubscriber(email="gone@example.net", status=SubscriberStatus.CONFIRMED),
            NewsSubscriber(email="later@example.net", status=SubscriberStatus.PENDING),
        ]
    )
    db.session.commit()


def test_the_counts_are_those_the_sending_reaches(people, make_member):
    _audience(make_member)
    reach = recipients.counts()
    everyone = recipients.recipients()
    assert (reach.members, reach.subscribers) == (4, 2)
    assert reach.total == len(everyone)
    assert reach.members == sum(1 for r in everyone if r.edition.value == "members")


def test_the_issue_page_and_the_send_page_show_each_editions_reach(client, people, make_member):
    _audience(make_member)
    issue = make_issue()
    sign_in_as(client, people["coordination_team"])
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    assert "Public edition: 2 subscribers; members' edition: 4 members." in page
    send = client.get(f"/news/issues/{issue.id}/send").get_data(as_text=True)
    assert "It goes to 6 addresses now:" in send


def test_the_approval_heading_shows_only_with_something_under_it(app, client, people):
    issue = make_issue()
    sign_in_as(client, people["coordination_team"])
    assert ">Approval</h3>" not in client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    assert ">Approval</h3>" in page and "Ask the coordinator to approve" in page


def test_drafting_next_month_says_whether_it_made_it_opened_it_or_it_is_gone_out(client, people):
    sign_in_as(client, people["coordination_team"])
    month = drafting.first_of_next_month(clock.today())
    first = client.post("/news/issues/draft", follow_redirects=True).get_data(as_text=True)
    issue = drafting.issue_of_month(month)
    assert f"{issue.title} is ready to edit." in first
    again = client.post("/news/issues/draft", follow_redirects=True).get_data(as_text=True)
    assert f"{issue.title} was drafted already; here it is." in again
    assert "ready to edit" not in again
    issue.status = NewsIssueStatus.SENT
    db.session.commit()
    sent = client.post("/news/issues/draft", follow_redirects=True).get_data(as_text=True)
    assert f"{issue.title} can no longer be edited (Sent)." in sent
    assert "ready to edit" not in sent and "drafted already" not in sent


def test_the_preview_is_the_whole_mail_as_sent_with_its_footer_explained(client, people, outbox):
    issue = make_issue()
    sign_in_as(client, people["coordination_team"])
    query = "edition=members&language=it"
    page = client.get(f"/news/issues/{issue.id}/preview?{query}&format=html").get_data(as_text=True)
    assert "The unsubscribe link in the footer is made for each recipient" in page
    preview = client.get(f"/news/issues/{issue.id}/preview/mail?{query}").get_data(as_text=True)
    assert rendering.UNSUBSCRIBE_PLACEHOLDER in preview
    client.post(
        f"/news/issues/{issue.id}/test",
        data={"addresses": "ct@example.org", "edition": "members", "language": "it"},
    )
    (mail,) = outbox()
    link = mail["List-Unsubscribe"].split(">")[0].lstrip("<")
    sent = mail.get_body(("html",)).get_content()
    assert link in sent
    # The same HTML, but for the recipient's own link (and the line endings mail transport uses).
    as_sent = sent.replace(link, rendering.UNSUBSCRIBE_PLACEHOLDER).replace("\r\n", "\n")
    assert as_sent.strip() == preview.replace("\r\n", "\n").strip()
