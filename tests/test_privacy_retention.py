"""The daily retention job: each kind of personal data goes when past its period, not a minute before."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import (
    AuditEntry,
    CalendarReply,
    DeliveryStatus,
    Invitation,
    Member,
    OutboundMessage,
    PasswordResetRequest,
    ReplyOutcome,
    SignInAttempt,
    SignInSession,
)
from nmg_ops.scheduler import JOBS, run_job

MINUTE = timedelta(minutes=1)


def _days(app, setting: str) -> timedelta:
    return timedelta(days=app.config[setting])


def _mail(key: str, status: DeliveryStatus, last_news) -> OutboundMessage:
    message = OutboundMessage(
        purpose="test",
        dedupe_key=key,
        recipient="someone@example.org",
        subject=key,
        message_id=f"<{key}@nmg.invalid>",
        content=b"Dear someone, the body of the mail",
        status=status,
        next_attempt_at=last_news,
        sent_at=last_news if status is DeliveryStatus.SENT else None,
    )
    db.session.add(message)
    return message


def test_the_job_runs_once_a_day():
    assert JOBS["apply_retention"][0] == 24 * 60


def test_mail_bodies_and_outbox_rows_go_after_their_periods(app):
    now = clock.now()
    bodies, rows = _days(app, "RETENTION_MAIL_BODY_DAYS"), _days(app, "RETENTION_OUTBOX_DAYS")
    _mail("body-kept", DeliveryStatus.SENT, now - bodies + MINUTE)
    _mail("body-emptied", DeliveryStatus.SENT, now - bodies - MINUTE)
    _mail("failed-emptied", DeliveryStatus.FAILED, now - bodies - MINUTE)
    _mail("row-kept", DeliveryStatus.WITHDRAWN, now - rows + MINUTE)
    _mail("row-deleted", DeliveryStatus.SENT, now - rows - MINUTE)
    # Still to be sent, however old: the outbox owes it to someone.
    _mail("waiting", DeliveryStatus.PENDING, now - rows - MINUTE)
    db.session.commit()
    run_job("apply_retention", now)
    db.session.expire_all()
    kept = {m.dedupe_key: m.content for m in db.session.scalars(sa.select(OutboundMessage))}
    assert set(kept) == {"body-kept", "body-emptied", "failed-emptied", "row-kept", "waiting"}
    assert kept["body-kept"] and kept["waiting"]
    assert kept["body-emptied"] == b"" and kept["failed-emptied"] == b"" and kept["row-kept"] == b""


@pytest.mark.parametrize(
    ("setting", "make", "model"),
    [
        (
            "RETENTION_SIGN_IN_DAYS",
            lambda at: SignInAttempt(at=at, email="x@example.org", remote_addr="192.0.2.1", is_success=False),
            SignInAttempt,
        ),
        (
            "RETENTION_SIGN_IN_DAYS",
            lambda at: PasswordResetRequest(at=at, email="x@example.org", remote_addr="192.0.2.1"),
            PasswordResetRequest,
        ),
        (
            "RETENTION_AUDIT_DAYS",
            lambda at: AuditEntry(
                at=at, action="updated", subject_type="member", subject_id=1, subject_label="X"
            ),
            AuditEntry,
        ),
        (
            "RETENTION_CALENDAR_REPLY_DAYS",
            lambda at: CalendarReply(
                received_at=at,
                message_id=f"<{at.timestamp()}@x>",
                sender="x@example.org",
                outcome=ReplyOutcome.REFUSED,
            ),
            CalendarReply,
        ),
    ],
)
def test_records_go_after_their_period(app, setting, make, model):
    now = clock.now()
    period = _days(app, setting)
    inside, outside = make(now - period + MINUTE), make(now - period - MINUTE)
    db.session.add_all([inside, outside])
    db.session.commit()
    inside_id = inside.id
    run_job("apply_retention", now)
    assert db.session.scalars(sa.select(model.id)).all() == [inside_id]


def test_former_members_lose_their_contact_data_after_the_period(app, make_member, client):
    now = clock.now()
    period = _days(app, "RETENTION_FORMER_MEMBER_DAYS")
    today = clock.local(now).date()
    long_gone = make_member(
        email="gone@example.org", full_name="Long Gone", left_on=today - period - timedelta(days=1)
    )
    recent = make_member(
        email="recent@example.org", full_name="Recently Left", left_on=today - period + timedelta(days=1)
    )
    current = make_member(email="here@example.org", full_name="Still Here")
    long_gone.feed_token_hash = "f" * 64
    db.session.add(SignInSession(member_id=long_gone.id, key_hash="a" * 64))
    db.session.commit()
    run_job("apply_retention", now)
    db.session.expire_all()
    gone = db.session.get(Member, long_gone.id)
    assert gone.full_name == "Long Gone"
    assert gone.email == f"member-{gone.id}@former.invalid"
    assert gone.password_hash is None and gone.feed_token_hash is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInSession)) == 0
    assert db.session.get(Member, recent.id).email == "recent@example.org"
    assert db.session.get(Member, current.id).password_hash is not None
    # A second run finds nothing more to do.
    assert "RETENTION_FORMER_MEMBER_DAYS: 0" in run_job("apply_retention", now)


def test_guests_lose_their_address_after_the_period_and_keep_their_name(app, make_meeting, people):
    now = clock.now()
    period = _days(app, "RETENTION_GUEST_DAYS")
    # The first ended an hour before the cutoff, the second ends an hour after it.
    old = make_meeting("thematic", starts_at=now - period - timedelta(hours=3), title="Old workshop")
    recent = make_meeting("thematic", starts_at=now - period - timedelta(hours=1), title="Recent one")
    for meeting in (old, recent):
        guest = Invitation(meeting_id=meeting.id, guest_name="Gina Guest", guest_email="gina@example.org")
        db.session.add(guest)
        db.session.add(Invitation(meeting_id=meeting.id, member_id=people["member"].id))
    db.session.commit()
    run_job("apply_retention", now)
    db.session.expire_all()
    guests = {
        i.meeting.title: (i.name, i.guest_email)
        for i in db.session.scalars(sa.select(Invitation).where(Invitation.member_id.is_(None)))
    }
    assert guests["Recent one"] == ("Gina Guest", "gina@example.org")
    name, address = guests["Old workshop"]
    assert name == "Gina Guest" and address.endswith("@former.invalid") and "gina" not in address
    assert db.session.get(Member, people["member"].id).email == people["member"].email
    assert "RETENTION_GUEST_DAYS: 0" in run_job("apply_retention", now)
