"""A consent withdrawn after an issue was queued: the address gets none of it, everyone else gets one copy,
and the issue is sent as soon as its last mail is, against a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.models import (
    DeliveryStatus,
    Language,
    NewsEdition,
    NewsIssue,
    NewsIssueStatus,
    NewsSubscriber,
    OutboundMessage,
    SubscriberStatus,
)
from nmg_ops.news import drafting, sending
from nmg_ops.news.tokens import unsubscribe_token

pytestmark = pytest.mark.smtp

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _subscribers(count: int) -> list[str]:
    addresses = [f"reader{n}@example.org" for n in range(count)]
    db.session.add_all(
        NewsSubscriber(
            email=address,
            name=f"Reader {n}",
            language=Language.EN,
            status=SubscriberStatus.CONFIRMED,
            confirmed_at=clock.now(),
        )
        for n, address in enumerate(addresses)
    )
    db.session.commit()
    return addresses


def _issue(month: date = date(2026, 12, 1)) -> NewsIssue:
    issue = drafting.draft_issue(month)
    issue.sections[0].body = "Care colleghe e cari colleghi, benvenuti al numero di dicembre."
    db.session.commit()
    return issue


def _queued(issue: NewsIssue) -> NewsIssue:
    sending.send_now(issue)
    sending.queue_issue(issue)
    return issue


def _row(issue: NewsIssue, address: str) -> OutboundMessage:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(OutboundMessage).where(
            OutboundMessage.purpose == issue.outbox_purpose, OutboundMessage.recipient == address
        )
    )


def _one_click_path(issue: NewsIssue, address: str) -> str:
    """The https link of the queued mail's List-Unsubscribe header, as the mail program reads it."""
    mail = email.message_from_bytes(_row(issue, address).content, policy=email.policy.default)
    https = mail["List-Unsubscribe"].split(",")[0].strip(" <>")
    return urlsplit(https).path


def _subjects_to(smtp_sink, address: str) -> list[str]:
    return [r.message["Subject"] for r in smtp_sink.received if address in r.rcpt_tos]


def _personal_mail(address: str, subject: str) -> None:
    """A mail that is not list mail (a meeting invitation), waiting in the outbox beside the issue."""
    message = build_message(to_email=address, to_name="", subject=subject, text="Come.", html="<p>Come.</p>")
    enqueue("invitation", f"invitation:{address}:{subject}", address, message)
    db.session.commit()


def test_one_click_unsubscribes_between_queueing_and_sending_stop_those_mails_only(
    client, smtp_sink, people, sign_in
):
    addresses = _subscribers(5)
    issue = _queued(_issue())
    members = [m.email for m in people.values() if m is not None]
    gone = [addresses[1], addresses[3], people["member"].email]
    _personal_mail(people["member"].email, "Invitation: plenary of 15 December")

    for address in gone:
        answer = client.post(_one_click_path(issue, address), data=ONE_CLICK)
        assert answer.status_code == 200
    # Withdrawn at once, with the unsubscribe, before any dispatcher runs.
    for address in gone:
        row = _row(issue, address)
        assert row.status is DeliveryStatus.WITHDRAWN
        assert row.last_error == "withdrawn: unsubscribed (one-click unsubscribe)"
    assert _row(issue, addresses[0]).status is DeliveryStatus.PENDING

    dispatch(clock.now())

    for address in [*addresses, *members]:
        expected = [] if address in gone else [issue.title]
        assert [s for s in _subjects_to(smtp_sink, address) if s == issue.title] == expected, address
    assert _subjects_to(smtp_sink, people["member"].email) == ["Invitation: plenary of 15 December"], (
        "an e-news unsubscribe does not withdraw personal mail"
    )
    # Sent with its last mail, with no scheduler run.
    db.session.refresh(issue)
    assert issue.status is NewsIssueStatus.SENT and issue.sent_at is not None
    progress = sending.progress(issue)
    assert (progress.sent, progress.withdrawn, progress.failed, progress.stage) == (
        len(addresses) + len(members) - 3,
        3,
        0,
        sending.Stage.DONE,
    )

    # Never sent later: not by the scheduler, not by a retry.
    received = len(smtp_sink.received)
    sign_in(people["admin"])
    withdrawn = _row(issue, addresses[1])
    retried = client.post(f"/deliveries/{withdrawn.id}/retry", follow_redirects=True)
    assert "Only failed messages can be retried." in retried.get_data(as_text=True)
    sending.send_issues(clock.now() + timedelta(hours=1))
    dispatch(clock.now() + timedelta(hours=1))
    assert len(smtp_sink.received) == received
    assert _row(issue, addresses[1]).status is DeliveryStatus.WITHDRAWN

    page = client.get("/deliveries?status=withdrawn").get_data(as_text=True)
    assert re.search(r"Withdrawn\s*<span[^>]*>3</span>", page), "the status has its own tab and count"
    for address in gone:
        assert address in page
    assert page.count("withdrawn: unsubscribed (one-click unsubscribe)") == 3
    assert addresses[0] not in page


def test_a_member_opting_out_on_the_profile_gets_no_queued_issue_but_still_personal_mail(
    client, smtp_sink, people, sign_in
):
    me = sign_in(people["member"])
    issue = _queued(_issue())
    _personal_mail(me.email, "Password reset")

    client.post("/profile/e-news", data={"save_news": "Save"})
    row = _row(issue, me.email)
    assert (row.status, row.last_error) == (DeliveryStatus.WITHDRAWN, "withdrawn: opted out on the profile")

    dispatch(clock.now())
    assert _subjects_to(smtp_sink, me.email) == ["Password reset"]
    assert _subjects_to(smtp_sink, people["coordinator"].email) == [issue.title]
    db.session.refresh(issue)
    assert issue.status is NewsIssueStatus.SENT


def test_ending_a_public_subscription_keeps_the_members_edition_the_address_still_receives(
    client, smtp_sink, make_member
):
    member = make_member(email="both@example.org")
    db.session.add(NewsSubscriber(email="both@example.org", status=SubscriberStatus.CONFIRMED))
    db.session.commit()
    subscriber_id = db.session.scalar(sa.select(NewsSubscriber.id))
    issue = _queued(_issue())
    token = unsubscribe_token(NewsEdition.PUBLIC, subscriber_id, member.email)
    assert client.post(f"/news/unsubscribe/{token}", data=ONE_CLICK).status_code == 200
    assert _row(issue, member.email).status is DeliveryStatus.PENDING
    dispatch(clock.now())
    assert _subjects_to(smtp_sink, member.email) == [issue.title], "the members' edition, still wanted"


def test_a_hard_bounce_withdraws_the_addresses_other_waiting_issue_at_once(app, smtp_sink):
    addresses = _subscribers(6)
    refused = addresses[2]
    smtp_sink.handler.refuse_recipients[refused] = "550 5.1.1 no such mailbox"
    december = _queued(_issue())
    january = _queued(_issue(date(2027, 1, 1)))

    dispatch(clock.now(), purpose=december.outbox_purpose)
    row = _row(january, refused)
    assert row.status is DeliveryStatus.WITHDRAWN, "withdrawn with the suppression, before January is sent"
    assert row.last_error.startswith("withdrawn: address suppressed after a refused delivery: 550")

    del smtp_sink.handler.refuse_recipients[refused]
    dispatch(clock.now())
    for address in addresses:
        expected = [] if address == refused else [december.title, january.title]
        assert _subjects_to(smtp_sink, address) == expected, address
    for issue in (december, january):
        db.session.refresh(issue)
        assert issue.status is NewsIssueStatus.SENT
    assert (sending.progress(december).failed, sending.progress(january).withdrawn) == (1, 1)


def test_the_dispatcher_withholds_a_mail_queued_after_the_unsubscribe_or_left_behind_by_another_path(
    client, smtp_sink, monkeypatch
):
    addresses = _subscribers(6)
    issue = _issue()
    sending.send_now(issue)
    late = addresses[4]
    late_id = db.session.scalar(sa.select(NewsSubscriber.id).where(NewsSubscriber.email == late))

    def unsubscribe_while_queueing(done: int, _total: int) -> None:
        # The queueing run read the list before this; the address's mail is inserted after it.
        if done == 2:
            token = unsubscribe_token(NewsEdition.PUBLIC, late_id, late)
            assert client.post(f"/news/unsubscribe/{token}", data=ONE_CLICK).status_code == 200

    monkeypatch.setattr(sending, "CHUNK", 2)
    sending.queue_issue(issue, on_chunk=unsubscribe_while_queueing)
    assert _row(issue, late).status is DeliveryStatus.PENDING, "no withdrawal could reach it"

    # A subscriber deleted outright, by a path that withdraws nothing.
    erased = addresses[1]
    db.session.execute(sa.delete(NewsSubscriber).where(NewsSubscriber.email == erased))
    db.session.commit()

    dispatch(clock.now())
    for address in addresses:
        assert _subjects_to(smtp_sink, address) == ([] if address in {late, erased} else [issue.title])
    for address in (late, erased):
        row = _row(issue, address)
        assert row.status is DeliveryStatus.WITHDRAWN
        assert row.last_error == "withdrawn before sending: the address no longer receives the e-news"
    db.session.refresh(issue)
    assert issue.status is NewsIssueStatus.SENT


def test_the_progress_view_tells_not_yet_queued_from_done_and_the_issue_is_sent_with_its_last_mail(
    client, smtp_sink, people, sign_in
):
    addresses = _subscribers(3)
    smtp_sink.handler.defer_recipients[addresses[0]] = 1
    sign_in(people["coordination_team"])
    issue = _issue()
    sending.send_now(issue)

    def counts() -> dict:
        return client.get(f"/news/issues/{issue.id}/progress.json").get_json()

    before = counts()
    assert (before["stage"], before["done"], before["status"]) == ("not_queued", False, "sending")
    page = client.get(f"/news/issues/{issue.id}/progress").get_data(as_text=True)
    assert "Being queued: sending has started, and the mails go into the outbox in a moment" in page
    assert "Not yet queued" not in page
    everyone = len(addresses) + sum(1 for member in people.values() if member is not None)
    # The total is known from the start: the page does not read 0 / 0 while the mails are queued.
    assert (before["recipients"], before["waiting"]) == (everyone, everyone)

    sending.queue_issue(issue)
    queued = counts()
    assert (queued["stage"], queued["done"], queued["queued"]) == ("sending", False, everyone)

    dispatch(clock.now())
    deferred = counts()
    assert (deferred["status"], deferred["stage"], deferred["deferred"]) == ("sending", "sending", 1)

    # The greylisted mail goes on its retry, and the issue is sent with it: no scheduler in between.
    dispatch(clock.now() + timedelta(minutes=5))
    assert smtp_sink.handler.count_for(addresses[0]) == 1
    after = counts()
    assert (after["status"], after["stage"], after["done"], after["handled"]) == (
        "sent",
        "done",
        True,
        everyone,
    )
    page = client.get(f"/news/issues/{issue.id}/progress").get_data(as_text=True)
    assert "Done: every mail was sent, failed for good or was withdrawn." in page
