"""Sending an e-news issue against a real SMTP server: each recipient once, with the headers mailbox
providers require of bulk mail, through crashes, kills and refusals."""

from __future__ import annotations

import re
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import (
    DeliveryStatus,
    Language,
    NewsIssue,
    NewsIssueStatus,
    NewsSubscriber,
    NewsSuppression,
    OutboundMessage,
    SubscriberStatus,
)
from nmg_ops.news import drafting, sending
from tests.test_outbox import flask_process

pytestmark = pytest.mark.smtp


def _subscribers(count: int, status: SubscriberStatus = SubscriberStatus.CONFIRMED) -> list[str]:
    addresses = [f"reader{n}@example.org" for n in range(count)]
    db.session.execute(
        sa.insert(NewsSubscriber),
        [
            {
                "email": address,
                "name": f"Reader {n}",
                "language": Language.IT if n % 2 else Language.EN,
                "status": status,
                "created_at": clock.now(),
            }
            for n, address in enumerate(addresses)
        ],
    )
    db.session.commit()
    return addresses


def _issue(month: date = date(2026, 12, 1)) -> NewsIssue:
    issue = drafting.draft_issue(month)
    issue.sections[0].body = "Care colleghe e cari colleghi, **benvenuti** al numero di dicembre."
    db.session.commit()
    return issue


def _send_everything(issue: NewsIssue) -> None:
    sending.send_now(issue)
    sending.send_issues(clock.now())
    dispatch(clock.now())
    sending.send_issues(clock.now())


def test_an_issue_reaches_500_subscribers_once_each_with_the_bulk_mail_headers(app, smtp_sink):
    addresses = _subscribers(500)
    issue = _issue()
    sending.schedule(issue, clock.now() + timedelta(minutes=5))
    sending.send_issues(clock.now())
    assert smtp_sink.received == [], "nothing goes before its time"

    due = clock.now() + timedelta(minutes=6)
    sending.send_issues(due)
    dispatch(due)
    sending.send_issues(due)
    # A second scheduler run, a restart: nothing new.
    sending.send_issues(due)
    dispatch(due)

    assert sorted(smtp_sink.handler.count_for(a) for a in addresses) == [1] * 500
    db.session.refresh(issue)
    assert issue.status is NewsIssueStatus.SENT
    progress = sending.progress(issue)
    assert (progress.recipients, progress.sent, progress.failed, progress.waiting) == (500, 500, 0, 0)

    mail = smtp_sink.received[0].message
    assert mail["Subject"] == issue.title
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip(" <>") for part in mail["List-Unsubscribe"].split(","))
    assert https.startswith(f"{app.config['PUBLIC_URL']}/news/unsubscribe/")
    assert mailto.startswith("mailto:no-reply@nmg.invalid?subject=unsubscribe%20")
    first = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.recipient == addresses[0]))
    raw = first.content
    assert f"\r\nList-Unsubscribe: <{https}>, <{mailto}>\r\n".encode() in raw, "not folded, not encoded"
    domain = app.config["MAIL_DOMAIN"]
    assert mail["List-Id"] == f'"IT NMG e-news" <enews.{domain}>'
    assert mail["Precedence"] == "bulk"
    assert mail["Message-ID"].endswith(f"@{domain}>")
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    # Gmail drops <style>: the layout is in the elements' own style attributes; what stays in <style> is
    # what cannot be inlined (dark mode and width queries), which the browser test shows is not needed.
    inline_only = re.sub(r"<style\b.*?</style>", "", html, flags=re.S | re.I)
    assert re.search(r'<td[^>]*style="[^"]*width', inline_only), "the layout is inlined"
    assert re.search(r'<div[^>]*style="[^"]*font-family', inline_only), "the text's style is inlined"
    assert "<strong>benvenuti</strong>" in html and "**benvenuti**" in text
    assert https in html and https in text, "the footer links to the same one-click address"
    # Every recipient has a link of their own.
    links = {r.message["List-Unsubscribe"] for r in smtp_sink.received}
    assert len(links) == 500


def test_a_member_who_also_subscribed_gets_one_copy_the_members_edition(app, smtp_sink, make_member):
    member = make_member(email="both@example.org")
    db.session.add(
        NewsSubscriber(email="both@example.org", status=SubscriberStatus.CONFIRMED, language=Language.EN)
    )
    db.session.commit()
    issue = _issue()
    issue.sections[2].body = "- Only for members: the plenary of 15 December"
    db.session.commit()
    _send_everything(issue)
    assert smtp_sink.handler.count_for(member.email) == 1
    mail = smtp_sink.received[0].message
    assert "enews-members" in mail["List-Id"]
    assert "Only for members" in mail.get_body(("plain",)).get_content()


def test_members_only_sections_stay_out_of_the_public_edition(app, smtp_sink):
    _subscribers(1)
    issue = _issue()
    issue.sections[2].body = "- Only for members: the plenary of 15 December"
    db.session.commit()
    _send_everything(issue)
    text = smtp_sink.received[0].message.get_body(("plain",)).get_content()
    assert "Only for members" not in text
    assert "benvenuti" in text


def test_a_550_suppresses_the_address_and_the_others_go_on(app, smtp_sink):
    addresses = _subscribers(20)
    smtp_sink.handler.refuse_recipients[addresses[7]] = "550 5.1.1 no such mailbox"
    issue = _issue()
    _send_everything(issue)
    assert [smtp_sink.handler.count_for(a) for a in addresses] == [0 if n == 7 else 1 for n in range(20)]
    suppression = db.session.scalar(sa.select(NewsSuppression))
    assert suppression.email == addresses[7]
    assert "550" in suppression.reason and suppression.issue_id == issue.id
    progress = sending.progress(issue)
    assert (progress.sent, progress.failed) == (19, 1)
    db.session.refresh(issue)
    assert issue.status is NewsIssueStatus.SENT

    # The next issue is not even addressed to it.
    del smtp_sink.handler.refuse_recipients[addresses[7]]
    following = _issue(date(2027, 1, 1))
    _send_everything(following)
    assert smtp_sink.handler.count_for(addresses[7]) == 0
    assert sending.progress(following).recipients == 19


def test_a_crash_while_queueing_resumes_without_skipping_or_doubling_anyone(app, smtp_sink, monkeypatch):
    addresses = _subscribers(120)
    issue = _issue()
    sending.send_now(issue)
    monkeypatch.setattr(sending, "CHUNK", 50)
    real_enqueue = sending.enqueue_many
    calls = []

    def dies_on_the_second_chunk(mails):
        calls.append(len(mails))
        if len(calls) == 2:
            raise RuntimeError("the process died")
        return real_enqueue(mails)

    monkeypatch.setattr(sending, "enqueue_many", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        sending.send_issues(clock.now())
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboundMessage.id))) == 50
    monkeypatch.setattr(sending, "enqueue_many", real_enqueue)

    sending.send_issues(clock.now())
    dispatch(clock.now())
    sending.send_issues(clock.now())
    assert sorted(smtp_sink.handler.count_for(a) for a in addresses) == [1] * 120
    db.session.refresh(issue)
    assert issue.status is NewsIssueStatus.SENT


def test_an_unsubscribed_or_unconfirmed_address_gets_nothing(app, smtp_sink, make_member):
    _subscribers(1)
    db.session.add_all(
        [
            NewsSubscriber(email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED),
            NewsSubscriber(email="maybe@example.org", status=SubscriberStatus.PENDING),
            NewsSubscriber(email="imported@example.org", status=SubscriberStatus.INVITED),
        ]
    )
    make_member(email="optout@example.org", news_opt_out=True)
    make_member(email="left@example.org", left_on=date(2025, 1, 31))
    db.session.commit()
    _send_everything(_issue())
    assert [r.rcpt_tos for r in smtp_sink.received] == [["reader0@example.org"]]


def test_killing_the_sender_mid_send_and_running_it_again_sends_nobody_twice(
    app, smtp_sink, database_url, tmp_path
):
    addresses = _subscribers(150)
    issue = _issue()
    settings = {"OUTBOX_LEASE_SECONDS": "1.5"}
    sender = flask_process(
        database_url, smtp_sink.port, tmp_path, "news", "send", str(issue.number), merged=True, **settings
    )
    deadline = time.monotonic() + 60
    while len(smtp_sink.received) < 40:
        assert sender.poll() is None and time.monotonic() < deadline, sender.communicate(timeout=30)[0]
        time.sleep(0.02)
    # Hold the next recipient at RCPT: the sender is killed while it waits, with no message handed over.
    smtp_sink.handler.rcpt_hold = 5
    time.sleep(0.3)
    sender.send_signal(signal.SIGKILL)
    sender.communicate(timeout=30)
    smtp_sink.handler.rcpt_hold = 0
    received_before = len(smtp_sink.received)
    assert 40 <= received_before < 150, "killed in the middle of the issue"

    time.sleep(2)  # the killed run's claims lapse with its lease
    again = flask_process(
        database_url, smtp_sink.port, tmp_path, "news", "send", str(issue.number), merged=True, **settings
    )
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    assert "150 sent, 0 failed" in output
    assert sorted(smtp_sink.handler.count_for(a) for a in addresses) == [1] * 150
    db.session.rollback()
    assert db.session.scalar(sa.select(NewsIssue.status)) is NewsIssueStatus.SENT
    assert set(db.session.scalars(sa.select(OutboundMessage.status))) == {DeliveryStatus.SENT}


class WriteLock(threading.Thread):
    """Another connection that takes the database's write lock once `when()` holds and keeps it a while:
    on SQLite the lock of the whole file, on PostgreSQL an exclusive lock on the outbox table."""

    def __init__(self, database_url: str, seconds: float, when: Callable[[], bool]) -> None:
        super().__init__(daemon=True)
        self.database_url, self.seconds, self.when = database_url, seconds, when
        self.taken = threading.Event()

    def run(self) -> None:
        while not self.when():
            time.sleep(0.01)
        if self.database_url.startswith("sqlite"):
            connection = sqlite3.connect(self.database_url.removeprefix("sqlite:///"), isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            self.taken.set()
            time.sleep(self.seconds)
            connection.execute("COMMIT")
            connection.close()
            return
        engine = sa.create_engine(self.database_url)
        with engine.begin() as connection:
            connection.exec_driver_sql("LOCK TABLE outbound_message IN EXCLUSIVE MODE")
            self.taken.set()
            time.sleep(self.seconds)
        engine.dispose()


def test_a_database_locked_by_another_process_for_seconds_stops_no_sending_and_doubles_no_mail(
    app, smtp_sink, database_url, tmp_path
):
    addresses = _subscribers(40)
    issue = _issue()
    smtp_sink.handler.delay = 0.05
    lock = WriteLock(database_url, 4, lambda: len(smtp_sink.received) >= 5)
    lock.start()
    # Each statement waits a moment only, so that the transactions themselves are run again.
    sender = flask_process(
        database_url,
        smtp_sink.port,
        tmp_path,
        "news",
        "send",
        str(issue.number),
        merged=True,
        SQLITE_BUSY_TIMEOUT_SECONDS="0.3",
    )
    output, _ = sender.communicate(timeout=120)
    lock.join(timeout=30)
    assert lock.taken.is_set(), "the lock was taken while the issue was being sent"
    assert sender.returncode == 0, output
    assert "40 sent, 0 failed" in output
    assert sorted(smtp_sink.handler.count_for(a) for a in addresses) == [1] * 40
    db.session.rollback()
    assert db.session.scalar(sa.select(NewsIssue.status)) is NewsIssueStatus.SENT


def test_a_scheduled_issue_can_be_unscheduled_until_sending_starts(app, smtp_sink):
    _subscribers(3)
    issue = _issue()
    sending.schedule(issue, clock.now() + timedelta(hours=1))
    sending.unschedule(issue)
    assert issue.status is NewsIssueStatus.DRAFT and issue.scheduled_for is None
    sending.send_issues(clock.now() + timedelta(hours=2))
    assert smtp_sink.received == []

    sending.schedule(issue, clock.now() + timedelta(hours=1))
    sending.send_issues(clock.now() + timedelta(hours=2))
    from nmg_ops.errors import RuleError

    with pytest.raises(RuleError, match="Sending has started"):
        sending.unschedule(issue)


def test_approval_when_required_comes_before_scheduling(app, smtp_sink, make_member):
    from nmg_ops.errors import RuleError

    app.config["NEWS_APPROVAL_REQUIRED"] = True
    coordinator = make_member()
    issue = _issue()
    with pytest.raises(RuleError, match="approves"):
        sending.schedule(issue, clock.now() + timedelta(hours=1))
    sending.approve(issue, coordinator)
    sending.schedule(issue, clock.now() + timedelta(hours=1))
    assert issue.status is NewsIssueStatus.SCHEDULED
    sending.unschedule(issue)
    assert issue.status is NewsIssueStatus.APPROVED, "unscheduling keeps the approval"


def test_an_empty_issue_is_not_sent(app, smtp_sink):
    from nmg_ops.errors import RuleError

    issue = drafting.draft_issue(date(2026, 12, 1))
    with pytest.raises(RuleError, match="empty"):
        sending.send_now(issue)


def test_the_mailto_unsubscribe_reaches_the_calendar_mailbox_and_is_acted_on(app, smtp_sink, imap_server):
    from nmg_ops.calendar.mailbox import read_calendar_replies
    from tests.test_calendar_replies import MAILBOX, mailbox_settings

    app.config.update(mailbox_settings(imap_server.port))
    imap_server.empty()
    addresses = _subscribers(2)
    _send_everything(_issue())
    mail = next(r.message for r in smtp_sink.received if r.rcpt_tos == [addresses[1]])
    mailto = mail["List-Unsubscribe"].split(",")[1].strip(" <>")
    assert mailto.startswith(f"mailto:{MAILBOX}?subject=")
    from urllib.parse import unquote

    subject = unquote(mailto.partition("subject=")[2])
    imap_server.append(
        f"From: <{addresses[1]}>\r\nTo: <{MAILBOX}>\r\nSubject: {subject}\r\n"
        "Message-ID: <u1@example.org>\r\n\r\nThis message will unsubscribe you.\r\n".encode()
    )
    imap_server.append(
        f"From: <{addresses[0]}>\r\nTo: <{MAILBOX}>\r\nSubject: unsubscribe not-a-token\r\n"
        "Message-ID: <u2@example.org>\r\n\r\nA forged one.\r\n".encode()
    )
    read_calendar_replies(clock.now())
    statuses = dict(db.session.execute(sa.select(NewsSubscriber.email, NewsSubscriber.status)).all())
    assert statuses == {addresses[0]: SubscriberStatus.CONFIRMED, addresses[1]: SubscriberStatus.UNSUBSCRIBED}
    assert len(imap_server.messages("INBOX")) == 1, "the forged one stays for a person"


def test_each_mail_reads_back_exactly_names_accents_and_long_lines_included(app, smtp_sink):
    db.session.add(
        NewsSubscriber(
            email="zoe@example.org", name="Zoë Ñandú, Università", status=SubscriberStatus.CONFIRMED
        )
    )
    db.session.commit()
    issue = _issue()
    long_line = "Perché la partnership è importante: " + "sanità integrata " * 12 + "— fine."
    issue.sections[0].body = f"{long_line}\n\nRiga con = segno e spazio finale \nUltima."
    db.session.commit()
    _send_everything(issue)

    raw = db.session.scalar(sa.select(OutboundMessage)).content
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b""), "line ends are CRLF throughout"
    raw.decode("ascii")  # 7-bit clean: no server has to support 8BITMIME
    mail = smtp_sink.received[0].message
    assert mail["To"].addresses[0].display_name == "Zoë Ñandú, Università"
    assert mail["To"].addresses[0].addr_spec == "zoe@example.org"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert long_line in text and "Riga con = segno e spazio finale \nUltima." in text
    html = mail.get_body(("html",)).get_content()
    assert "sanità integrata" in html
    assert mail.defects == [] and all(part.defects == [] for part in mail.walk())


def test_approving_scheduling_and_sending_are_in_the_audit_trail(app, smtp_sink, make_member):
    from nmg_ops.models import AuditEntry

    coordinator = make_member()
    issue = _issue()
    sending.approve(issue, coordinator)
    sending.schedule(issue, clock.now() + timedelta(hours=1))
    sending.unschedule(issue)
    sending.schedule(issue, clock.now() + timedelta(hours=1))
    sending.send_issues(clock.now() + timedelta(hours=2))
    trail = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.subject_type).order_by(AuditEntry.id)
    ).all()
    assert [action for action, _ in trail] == [
        "approved",
        "scheduled",
        "unscheduled",
        "scheduled",
        "sending_started",
    ]
    assert {subject for _, subject in trail} == {"news_issue"}
    from nmg_ops.errors import RuleError

    with pytest.raises(RuleError):
        sending.unschedule(issue)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 5, "a refused change records nothing"
