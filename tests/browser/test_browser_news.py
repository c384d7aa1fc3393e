"""The e-news in a real browser: the team edits the drafted issue, previews and schedules it; a visitor
subscribes, confirms from the mail, and later leaves with one click from an issue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import NewsSubscriber, SubscriberStatus
from nmg_ops.news import drafting, sending
from tests.browser.mailbox import path_of, wait_for_mail

pytestmark = pytest.mark.browser


def test_the_team_edits_previews_and_schedules_the_drafted_issue(browser_page, sign_in_page, coordinator):
    page = browser_page
    sign_in_page(coordinator)
    page.goto("/")
    page.get_by_role("button", name="E-news").click()
    page.get_by_role("link", name="Issues").click()
    page.get_by_role("button", name="Draft next month's issue").click()
    expect(page.get_by_text("is ready to edit.")).to_be_visible()

    page.get_by_label("Text (Markdown)").first.fill("A **warm welcome** to the December issue.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    editions = page.locator("#review li")
    editions.filter(has_text="Public edition").get_by_role("link", name="EN text").click()
    expect(page.locator("pre")).to_contain_text("A **warm welcome** to the December issue.")
    page.go_back()
    editions.filter(has_text="Members' edition").get_by_role("link", name="IT HTML").click()
    expect(page.frame_locator("iframe").locator("strong")).to_have_text("warm welcome")
    page.go_back()

    day = clock.today() + timedelta(days=7)
    page.get_by_label("Send on").fill(day.isoformat())
    page.get_by_label("At").fill("10:00")
    page.get_by_role("button", name=re.compile(r"^Schedule")).click()
    expect(page.get_by_text("Scheduled for")).to_be_visible()
    expect(page.get_by_role("button", name="Unschedule")).to_be_visible()


def test_a_visitor_subscribes_confirms_from_the_mail_and_leaves_with_one_click(browser_page, live_server):
    page = browser_page
    page.goto("/news/subscribe")
    page.get_by_label("E-mail", exact=True).fill("visitor@example.org")
    page.get_by_role("group", name="Language of the e-news").get_by_label("English").check()
    page.get_by_label(re.compile("I want to receive")).check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    confirmation = wait_for_mail(live_server, "visitor@example.org")
    link = re.search(r"https?://\S+/news/confirm/\S+", confirmation.get_body(("plain",)).get_content())[0]
    page.goto(path_of(link))
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()

    with live_server.app.app_context():
        issue = drafting.draft_issue(drafting.first_of_next_month(clock.today()))
        issue.sections[0].body = "Welcome to this month's issue."
        db.session.commit()
        sending.send_now(issue)
        sending.queue_issue(issue)
        dispatch(clock.now())
    issue_mail = wait_for_mail(live_server, "visitor@example.org")
    assert issue_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = issue_mail["List-Unsubscribe"].split(",")[0].strip(" <>")

    page.goto(path_of(one_click))
    expect(page.locator("#subscription-state")).to_contain_text("You are subscribed")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("#subscription-state")).to_contain_text("You are unsubscribed")
    with live_server.app.app_context():
        subscriber = db.session.scalar(db.select(NewsSubscriber))
        assert subscriber.status is SubscriberStatus.UNSUBSCRIBED
