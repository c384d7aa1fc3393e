"""Answers from calendar apps: iTIP REPLY and COUNTER mails read from a real IMAP server (Dovecot), on
SQLite and PostgreSQL. Messages are put in the mailbox with IMAP APPEND, as a mail server delivers them."""

from __future__ import annotations

import email
import email.policy
import html
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import icalendar
import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.calendar import invites
from nmg_ops.calendar.mailbox import read_calendar_replies
from nmg_ops.extensions import db
from nmg_ops.models import (
    CalendarReply,
    DeliveryStatus,
    Invitation,
    MeetingStatus,
    OutboundMessage,
    ReplyOutcome,
    Rsvp,
)
from tests.imap_server import PASSWORD, USER

MAILBOX = "calendar@nmg.test"


def mailbox_settings(port: int) -> dict[str, object]:
    return {
        "CALENDAR_MAILBOX_ADDRESS": MAILBOX,
        "CALENDAR_MAILBOX_HOST": "127.0.0.1",
        "CALENDAR_MAILBOX_PORT": port,
        "CALENDAR_MAILBOX_USER": USER,
        "CALENDAR_MAILBOX_PASSWORD": PASSWORD,
        "CALENDAR_MAILBOX_TLS": "none",
    }


@pytest.fixture
def mailbox(app, imap_server):
    """The app reads the test's Dovecot mailbox, emptied for each test."""
    app.config.update(mailbox_settings(imap_server.port))
    imap_server.empty()
    return imap_server


@pytest.fixture
def meeting(make_meeting, people):
    meeting = make_meeting(
        "plenary",
        invitees=[people["member"], people["coordination_team"]],
        status=MeetingStatus.CONFIRMED,
        mode="online",
        sequence=1,
    )
    meeting.invitations.append(Invitation(guest_name="Greta Guest", guest_email="greta@guest.example"))
    db.session.commit()
    # The invitations are mailed (queued in the outbox): a reply answers one of them.
    invites.announce(meeting)
    db.session.commit()
    return meeting


def itip(
    meeting,
    attendee: str,
    *,
    partstat: str = "ACCEPTED",
    sender: str | None = None,
    method: str = "REPLY",
    sequence: int | None = None,
    uid: str | None = None,
    message_id: str | None = None,
    body: dict[str, object] | None = None,
    calendar: bytes | None = None,
    stamp: datetime | None = None,
    from_header: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A calendar app's answer, shaped as Outlook sends it: text and `text/calendar; method=REPLY`."""
    if calendar is None:
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
        cal.add("version", "2.0")
        cal.add("method", method)
        event = icalendar.Event()
        event.add("uid", uid or meeting.calendar_uid)
        event.add("sequence", meeting.sequence if sequence is None else sequence)
        event.add("dtstamp", stamp or clock.now())
        for name, value in (body or {}).items():
            event.add(name, value)
        address = icalendar.vCalAddress(f"mailto:{attendee.upper()}")
        address.params["PARTSTAT"] = partstat
        address.params["CN"] = "Someone"
        event.add("attendee", address)
        event.add("organizer", icalendar.vCalAddress(f"mailto:{MAILBOX}"))
        cal.add_component(event)
        calendar = cal.to_ical()
    message = EmailMessage()
    message["From"] = from_header or f"Someone <{sender or attendee}>"
    for name, value in (headers or {}).items():
        message[name] = value
    message["To"] = MAILBOX
    message["Subject"] = f"{partstat.title()}: {meeting.title}"
    message["Date"] = formatdate()
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    message.set_content("Sent from my calendar.")
    message.add_alternative(
        calendar.decode("utf-8", "replace"), subtype="calendar", params={"method": method}
    )
    return message.as_bytes()


def run_job() -> str:
    outcome = read_calendar_replies(clock.now())
    db.session.expire_all()
    return outcome


def invitation_of(meeting, address: str) -> Invitation:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.meeting_id == meeting.id)
        .where(sa.or_(Invitation.guest_email == address, Invitation.member.has(email=address)))
    )


def replies() -> list[CalendarReply]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(CalendarReply).order_by(CalendarReply.id)))


def tick_process(database_url: str, tmp_path, port: int) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NMG_ENV": "testing",
        "NMG_DATABASE_URL": database_url,
        "NMG_INSTANCE_PATH": str(tmp_path / "instance"),
        **{f"NMG_{key}": str(value) for key, value in mailbox_settings(port).items()},
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "nmg_ops", "tick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the bar: an Accept is on the meeting page after one tick ---------------------------------------------


def test_an_accept_in_the_mailbox_is_on_the_meeting_page_after_one_tick(
    app, mailbox, meeting, people, client, sign_in, database_url, tmp_path
):
    mailbox.append(itip(meeting, "plain@example.org"))
    db.session.commit()
    tick = tick_process(database_url, tmp_path, mailbox.port)
    assert tick.returncode == 0, tick.stderr
    assert "read_calendar_replies: 1 recorded" in tick.stdout
    sign_in(people["member"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "You answered: I will attend." in page
    assert mailbox.messages("INBOX") == []
    assert len(mailbox.messages("Processed")) == 1
    [row] = replies()
    assert (row.outcome, row.answer, row.method) == (ReplyOutcome.RECORDED, Rsvp.YES, "REPLY")
    assert row.message_id.endswith("@example.org>")
    assert invitation_of(meeting, "plain@example.org").rsvp_at == row.answered_at


def test_the_same_message_read_twice_changes_nothing(app, mailbox, meeting):
    accept = itip(meeting, "plain@example.org")
    mailbox.append(accept)
    assert run_job() == "1 recorded"
    invitation = invitation_of(meeting, "plain@example.org")
    assert invitation.rsvp is Rsvp.YES
    # The member changes their mind on the site; then the old message comes back to the inbox.
    invitation.rsvp, invitation.rsvp_at = Rsvp.NO, clock.now() + timedelta(seconds=1)
    db.session.commit()
    mailbox.append(accept)
    assert run_job() == "1 read again"
    assert invitation_of(meeting, "plain@example.org").rsvp is Rsvp.NO
    assert len(replies()) == 1
    assert mailbox.messages("INBOX") == []
    assert len(mailbox.messages("Processed")) == 2


def test_a_decline_and_a_maybe_from_a_guest_are_recorded(app, mailbox, meeting):
    mailbox.append(itip(meeting, "plain@example.org", partstat="DECLINED"))
    mailbox.append(itip(meeting, "greta@guest.example", partstat="TENTATIVE"))
    assert run_job() == "2 recorded"
    assert invitation_of(meeting, "plain@example.org").rsvp is Rsvp.NO
    assert invitation_of(meeting, "greta@guest.example").rsvp is Rsvp.MAYBE


def test_an_answer_older_than_the_one_given_on_the_site_changes_nothing(app, mailbox, meeting):
    invitation = invitation_of(meeting, "plain@example.org")
    invitation.rsvp, invitation.rsvp_at = Rsvp.NO, clock.now() + timedelta(minutes=1)
    db.session.commit()
    mailbox.append(itip(meeting, "plain@example.org"))
    assert run_job() == "1 superseded"
    assert invitation_of(meeting, "plain@example.org").rsvp is Rsvp.NO
    assert len(mailbox.messages("Processed")) == 1


# --- refusals: the unprocessed folder, and the reason on the deliveries page ------------------------------


def _malformed(meeting) -> bytes:
    return itip(meeting, "plain@example.org", calendar=b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n")


_RESULTS_FAIL = (
    "mx.nmg.test; spf=pass smtp.mailfrom=mail.example.net; dkim=none (no signature); "
    "dmarc=fail (p=reject dis=none) header.from=example.org"
)

REFUSALS = {
    "malformed": (_malformed, "The calendar in the message cannot be read"),
    "no attendee's answer": (
        lambda m: itip(m, "plain@example.org", partstat="NEEDS-ACTION"),
        "PARTSTAT NEEDS-ACTION is not an answer",
    ),
    "unknown UID": (
        lambda m: itip(m, "plain@example.org", uid="someone-else@example.org"),
        "an event the NMG does not know",
    ),
    "unknown sender": (
        lambda m: itip(m, "stranger@example.com"),
        "stranger@example.com is not invited to this meeting",
    ),
    "stale SEQUENCE": (
        lambda m: itip(m, "plain@example.org", sequence=0),
        "an earlier version of the meeting (SEQUENCE 0; now 1)",
    ),
    "oversize": (
        lambda m: itip(m, "plain@example.org", body={"comment": "x" * 30_000}),
        "larger than the 20480 the calendar mailbox reads",
    ),
    "two senders in one From": (
        lambda m: itip(m, "plain@example.org", from_header="plain@example.org, Teresa <ct@example.org>"),
        "A reply has exactly one sender; this message names 2 (plain@example.org, ct@example.org)",
    ),
    "two From headers": (
        lambda m: b"From: ct@example.org\r\n" + itip(m, "plain@example.org"),
        "A reply has exactly one sender; this message names 2",
    ),
    "DMARC failing at the receiving server": (
        lambda m: itip(m, "plain@example.org", headers={"Authentication-Results": _RESULTS_FAIL}),
        "Forged or altered: the receiving server found the message's DMARC failing.",
    ),
    "DKIM failing at the receiving server": (
        lambda m: itip(
            m,
            "plain@example.org",
            headers={"Authentication-Results": "mx.nmg.test; dkim=fail (bad signature) header.d=example.org"},
        ),
        "Forged or altered: the receiving server found the message's DKIM failing.",
    ),
    "a decline sent for someone else": (
        lambda m: itip(m, "plain@example.org", partstat="DECLINED", sender="ct@example.org"),
        "the message comes from ct@example.org, not from the attendee who answers (plain@example.org)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_message_goes_to_unprocessed_with_its_reason_on_the_deliveries_page(
    app, mailbox, meeting, people, client, sign_in, case
):
    make, reason = REFUSALS[case]
    app.config["CALENDAR_MAILBOX_MAX_BYTES"] = 20_480
    invitation = invitation_of(meeting, "plain@example.org")
    invitation.rsvp = Rsvp.YES
    db.session.commit()
    mailbox.append(make(meeting))
    assert run_job() == "1 refused"
    assert mailbox.messages("INBOX") == []
    assert len(mailbox.messages("Unprocessed")) == 1
    assert invitation_of(meeting, "plain@example.org").rsvp is Rsvp.YES, "nothing changed"
    [row] = replies()
    assert row.outcome is ReplyOutcome.REFUSED
    assert reason in row.reason
    sign_in(people["coordinator"])
    page = html.unescape(client.get("/deliveries").get_data(as_text=True))
    assert "Calendar answers not processed" in page
    assert reason in page
    assert run_job() == "no new messages", "refused once, and not read again"


def test_a_reply_from_an_invitee_whose_invitation_never_reached_them_changes_nothing(app, mailbox, meeting):
    # The invitation to this address failed for good: whoever answers from it did not receive it.
    db.session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.recipient == "plain@example.org")
        .values(status=DeliveryStatus.FAILED)
    )
    db.session.commit()
    mailbox.append(itip(meeting, "plain@example.org"))
    assert run_job() == "1 refused"
    assert "plain@example.org is not invited to this meeting" in replies()[0].reason
    assert invitation_of(meeting, "plain@example.org").rsvp is None


def test_a_forged_from_for_someone_added_after_the_invitations_went_out_changes_nothing(
    app, mailbox, meeting, people
):
    meeting.invitations.append(Invitation(guest_name="Late Guest", guest_email="late@guest.example"))
    db.session.commit()
    mailbox.append(itip(meeting, "late@guest.example"))
    assert run_job() == "1 refused"
    assert invitation_of(meeting, "late@guest.example").rsvp is None


def _trusting(app, server="mx.nmg.test"):
    app.config["CALENDAR_MAILBOX_AUTHSERV_ID"] = server


@pytest.mark.parametrize(
    ("results", "outcome"),
    [
        (["mx.nmg.test; dkim=pass header.d=example.org; dmarc=pass header.from=example.org"], "1 recorded"),
        ([], "1 refused"),
        (["mx.elsewhere.example; dmarc=pass header.from=example.org"], "1 refused"),
        # The receiving server's own header is the topmost; a pass written below it by the sender is not.
        (["mx.nmg.test; dmarc=none header.from=example.org", "mx.nmg.test; dmarc=pass"], "1 refused"),
    ],
)
def test_with_the_receiving_server_named_only_its_dmarc_pass_lets_an_answer_in(
    app, mailbox, meeting, results, outcome
):
    _trusting(app)
    message = itip(meeting, "plain@example.org")
    for header in reversed(results):
        message = f"Authentication-Results: {header}\r\n".encode() + message
    mailbox.append(message)
    assert run_job() == outcome
    expected = Rsvp.YES if outcome == "1 recorded" else None
    assert invitation_of(meeting, "plain@example.org").rsvp is expected
    if expected is None:
        assert "reports no DMARC pass" in replies()[0].reason


def test_an_answer_after_the_start_is_refused_by_the_pages_own_rule(app, mailbox, meeting):
    meeting.starts_at = clock.now() - timedelta(minutes=5)
    meeting.ends_at = clock.now() + timedelta(hours=1)
    db.session.commit()
    mailbox.append(itip(meeting, "plain@example.org"))
    assert run_job() == "1 refused"
    assert "already started" in replies()[0].reason
    assert invitation_of(meeting, "plain@example.org").rsvp is None


# --- proposals, ordinary mail, an unreachable mailbox ----------------------------------------------------


def test_a_counter_is_shown_to_the_organiser_and_changes_nothing(
    app, mailbox, meeting, people, client, sign_in
):
    proposed = meeting.starts_at + timedelta(days=1)
    counter = itip(
        meeting,
        "ct@example.org",
        method="COUNTER",
        partstat="TENTATIVE",
        body={
            "dtstart": proposed,
            "dtend": proposed + timedelta(hours=2),
            "comment": "Could we meet a day later?",
        },
    )
    mailbox.append(counter)
    assert run_job() == "1 proposed"
    assert len(mailbox.messages("Processed")) == 1
    [row] = replies()
    assert (row.proposed_starts_at, row.proposed_ends_at) == (proposed, proposed + timedelta(hours=2))
    assert invitation_of(meeting, "ct@example.org").rsvp is None
    sign_in(people["coordinator"])
    page = html.unescape(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert "Other times proposed" in page
    assert "Teresa Team" in page and "Could we meet a day later?" in page
    assert "In the sender’s words, not checked by the NMG:" in page


def test_a_counters_text_is_shown_as_the_senders_words_never_as_markup(
    app, mailbox, meeting, people, client, sign_in
):
    proposed = meeting.starts_at + timedelta(days=1)
    words = (
        '<a href="https://evil.example/login">Moved: sign in here</a><script>alert(1)</script>\u202egnp.exe'
    )
    mailbox.append(
        itip(meeting, "ct@example.org", method="COUNTER", body={"dtstart": proposed, "comment": words})
    )
    assert run_job() == "1 proposed"
    sign_in(people["coordinator"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert '<a href="https://evil.example/login">' not in page and "<script>alert(1)" not in page
    assert "&lt;a href=&#34;https://evil.example/login&#34;&gt;Moved: sign in here" in page
    assert "\u202e" not in page
    assert "In the sender’s words, not checked by the NMG:" in html.unescape(page)
    client.post("/sign-out")
    sign_in(people["member"])
    page = html.unescape(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert "Could we meet a day later?" not in page


def test_ordinary_mail_stays_in_the_inbox_unread_for_a_person(app, mailbox, meeting):
    letter = EmailMessage()
    letter["From"] = "plain@example.org"
    letter["To"] = MAILBOX
    letter["Subject"] = "Question about the agenda"
    letter["Message-ID"] = make_msgid(domain="example.org")
    letter.set_content("Can we add an item on the THCS calls?")
    forwarded = itip(meeting, "plain@example.org", method="REQUEST")
    mailbox.append(letter.as_bytes())
    mailbox.append(forwarded)
    assert run_job() == "2 left for a person"
    inbox = mailbox.messages("INBOX")
    assert len(inbox) == 2
    assert all(b"\\Seen" not in flags for flags, _message in inbox)
    assert replies() == []
    assert run_job() == "no new messages", "looked at once"


def test_an_unreachable_mailbox_is_reported_and_the_next_run_reads_it(app, mailbox, meeting):
    mailbox.append(itip(meeting, "plain@example.org"))
    app.config["CALENDAR_MAILBOX_PORT"] = 1
    assert run_job().startswith("calendar mailbox unreachable, the next run tries again")
    app.config["CALENDAR_MAILBOX_PASSWORD"] = "wrong"
    app.config["CALENDAR_MAILBOX_PORT"] = mailbox.port
    assert run_job().startswith("calendar mailbox unreachable")
    assert len(mailbox.messages("INBOX")) == 1
    app.config["CALENDAR_MAILBOX_PASSWORD"] = PASSWORD
    assert run_job() == "1 recorded"


# --- the mailbox is the organiser; without one, the page says how to answer ------------------------------


def test_with_a_mailbox_invitations_name_it_as_organizer_and_reply_to(app, mailbox, meeting):
    invites.announce(meeting)
    [row] = db.session.scalars(
        sa.select(OutboundMessage).where(OutboundMessage.recipient == "plain@example.org")
    )
    message = email.message_from_bytes(row.content, policy=email.policy.default)
    assert message["Reply-To"] == MAILBOX
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{MAILBOX}"


def test_without_a_mailbox_the_page_says_answers_come_from_the_site_and_the_links(
    app, meeting, people, client, sign_in
):
    assert read_calendar_replies(clock.now()) == "no calendar mailbox configured"
    invites.announce(meeting)
    row = db.session.scalars(sa.select(OutboundMessage)).first()
    message = email.message_from_bytes(row.content, policy=email.policy.default)
    assert message["Reply-To"] is None
    assert "no-reply@" in message.get_body(("calendar",)).get_content()
    sign_in(people["member"])
    page = html.unescape(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert "answers given in a calendar app do not reach the NMG" in page


def test_the_job_reads_the_mailbox_before_the_outbox_is_dispatched():
    from nmg_ops.scheduler import JOBS

    names = list(JOBS)
    assert names.index("read_calendar_replies") < names.index("dispatch_outbox")


def test_an_answer_stamped_in_the_future_counts_from_when_it_was_read(app, mailbox, meeting):
    mailbox.append(itip(meeting, "plain@example.org", stamp=clock.now() + timedelta(days=3)))
    assert run_job() == "1 recorded"
    assert replies()[0].answered_at <= datetime.now(UTC)


# --- the settings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"CALENDAR_MAILBOX_HOST": ""}, "CALENDAR_MAILBOX_HOST"),
        ({"CALENDAR_MAILBOX_PASSWORD": ""}, "CALENDAR_MAILBOX_PASSWORD"),
        ({"CALENDAR_MAILBOX_TLS": "sometimes"}, "CALENDAR_MAILBOX_TLS"),
        ({"CALENDAR_MAILBOX_ADDRESS": "Calendar <cal@nmg.test>"}, "CALENDAR_MAILBOX_ADDRESS"),
        ({"CALENDAR_MAILBOX_UNPROCESSED_FOLDER": "inbox"}, "CALENDAR_MAILBOX_UNPROCESSED_FOLDER"),
        ({"CALENDAR_MAILBOX_MAX_BYTES": 10}, "CALENDAR_MAILBOX_MAX_BYTES"),
    ],
)
def test_a_mailbox_that_cannot_work_stops_the_application_with_the_key_named(tmp_path, settings, named):
    from nmg_ops.config import ConfigError, load

    with pytest.raises(ConfigError, match=named):
        load("testing", tmp_path, {**mailbox_settings(143), **settings})


def test_the_mailbox_password_is_refused_in_a_file_of_the_repository(tmp_path, monkeypatch):
    from nmg_ops import config

    repository = tmp_path / "config"
    repository.mkdir()
    (repository / "defaults.toml").write_text((config.CONFIG_DIR / "defaults.toml").read_text())
    (repository / "testing.toml").write_text('CALENDAR_MAILBOX_PASSWORD = "in the repository"\n')
    monkeypatch.setattr(config, "CONFIG_DIR", repository)
    with pytest.raises(config.ConfigError, match=r"testing\.toml: CALENDAR_MAILBOX_PASSWORD is a secret"):
        config.load("testing", tmp_path)


def test_production_refuses_a_mailbox_elsewhere_without_tls(tmp_path):
    from nmg_ops.config import ConfigError, load

    production = {
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": "postgresql+psycopg://nmg@db/nmg",
        "PUBLIC_URL": "https://nmg.example.org",
    }
    remote = {**mailbox_settings(143), "CALENDAR_MAILBOX_HOST": "imap.example.org", **production}
    with pytest.raises(ConfigError, match="in clear"):
        load("production", tmp_path, remote)
    assert load("production", tmp_path, {**remote, "CALENDAR_MAILBOX_TLS": "starttls"})
