"""Sending the outbox: claim a batch, deliver it over one SMTP connection, record each recipient's outcome.

The guarantee. A message is marked sent in its own transaction right after the mail server accepted it
(250 to the end of DATA). If the process dies in the instant between that acceptance and the commit, the
message is still "sending"; once its lease expires (LEASE after the claim) another dispatcher takes it
back and sends it again. That window, a crash after the server accepted a message and before the next
commit, is the only way a recipient can receive a mail twice, and then at most one message per crashed
run. Everything else is sent exactly once: two dispatchers never hold the same message (the claim is one
atomic UPDATE, with FOR UPDATE SKIP LOCKED on PostgreSQL and SQLite's single writer elsewhere), and a
message that failed is never resent unless someone retries it.
"""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..extensions import db, mail
from ..models import DeliveryStatus, OutboundMessage

LEASE = timedelta(minutes=10)
BATCH_SIZE = 100
MAX_ATTEMPTS = 8
#: reply codes that mean "the connection is gone, try again on a new one"
_DROPPED = {421}


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0


class _ConnectionLost(Exception):
    """The SMTP session ended under us; the current message goes again on a new connection."""


def backoff(attempts: int) -> timedelta:
    """Two minutes, then doubling, at most six hours between attempts."""
    return min(timedelta(minutes=2 ** max(attempts, 1)), timedelta(hours=6))


def recover_expired_leases(now: datetime) -> int:
    """Give messages claimed by a dispatcher that died back to the queue."""
    result = db.session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.status == DeliveryStatus.SENDING, OutboundMessage.lease_expires_at < now)
        .values(status=DeliveryStatus.PENDING, claim_token=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


@dataclass(frozen=True)
class Claimed:
    """What sending needs of a claimed message, read once (ORM objects would reload after every commit)."""

    id: int
    recipient: str
    content: bytes
    attempts: int


def claim(now: datetime, limit: int = BATCH_SIZE, only_ids: list[int] | None = None) -> list[Claimed]:
    """Mark up to `limit` due messages as ours in one statement and return them, oldest first."""
    token = secrets.token_hex(16)
    due = (
        sa.select(OutboundMessage.id)
        .where(OutboundMessage.status == DeliveryStatus.PENDING, OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if only_ids is not None:
        due = due.where(OutboundMessage.id.in_(only_ids))
    db.session.execute(
        sa.update(OutboundMessage)
        # The status test is repeated outside the subquery: under concurrency PostgreSQL re-checks it on
        # the row it finally locks, so a row another dispatcher just claimed is never claimed twice.
        .where(
            OutboundMessage.id.in_(due.scalar_subquery()), OutboundMessage.status == DeliveryStatus.PENDING
        )
        .values(
            status=DeliveryStatus.SENDING,
            claim_token=token,
            lease_expires_at=now + LEASE,
            attempts=OutboundMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        sa.select(
            OutboundMessage.id, OutboundMessage.recipient, OutboundMessage.content, OutboundMessage.attempts
        )
        .where(OutboundMessage.claim_token == token)
        .order_by(OutboundMessage.id)
    )
    return [Claimed(*row) for row in rows]


def dispatch(now: datetime | None = None, only_ids: list[int] | None = None) -> DispatchReport:
    """Send every due message (or just `only_ids`), batch after batch, until none is left."""
    now = now or clock.now()
    report = DispatchReport(recovered=recover_expired_leases(now))
    while batch := claim(now, only_ids=only_ids):
        _deliver(batch, now, report)
    return report


def _deliver(batch: list[Claimed], now: datetime, report: DispatchReport) -> None:
    if not current_app.config["MAIL_SERVER"]:
        for message in batch:
            _write_eml(message)
            _sent(message, report)
        return
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    connection = None
    try:
        for position, message in enumerate(batch):
            try:
                connection = connection or _connect()
                _send_once_more_on_drop(connection, sender, message)
            except _ConnectionLost as exc:
                connection = None
                _temporary(message, now, str(exc), report)
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = next(iter(exc.recipients.values()))
                _refused(message, now, code, reply, report)
            except smtplib.SMTPResponseException as exc:
                _refused(message, now, exc.smtp_code, exc.smtp_error, report)
            except (OSError, smtplib.SMTPException) as exc:
                # The server cannot be reached: nothing else in this batch can go either; all wait.
                for waiting in batch[position:]:
                    _temporary(waiting, now, f"cannot reach the mail server: {exc}", report)
                return
            else:
                _sent(message, report)
    finally:
        if connection is not None:
            _close(connection)


def _connect():
    connection = mail.connect()
    connection.__enter__()
    return connection


def _close(connection) -> None:
    try:
        connection.host.quit()
    except (OSError, smtplib.SMTPException):
        connection.host.close()


def _send_once_more_on_drop(connection, sender: str, message: Claimed) -> None:
    """Send on this connection; if the server drops it (421 or a closed socket), once more on a new one."""
    for attempt in range(2):
        try:
            connection.host.sendmail(sender, [message.recipient], message.content)
            return
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
            dropped = isinstance(exc, smtplib.SMTPServerDisconnected) or exc.smtp_code in _DROPPED
            if not dropped:
                raise
            if attempt == 1:
                raise _ConnectionLost(f"the mail server closed the connection: {exc}") from exc
            _close(connection)
            connection.host = connection.configure_host()


def _reply_text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _finish(message: Claimed, **values: object) -> None:
    """Record one message's outcome in its own transaction, so that a crash loses at most this one."""
    db.session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.id == message.id)
        .values(lease_expires_at=None, claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _sent(message: Claimed, report: DispatchReport) -> None:
    _finish(message, status=DeliveryStatus.SENT, sent_at=clock.now())
    report.sent += 1


def _refused(message: Claimed, now: datetime, code: int, reply: bytes | str, report: DispatchReport) -> None:
    """5xx is final for this recipient; 4xx is worth another try later."""
    error = f"{code} {_reply_text(reply)}"
    if 400 <= code < 500:
        _temporary(message, now, error, report)
        return
    _finish(message, status=DeliveryStatus.FAILED, last_error=error[:1000])
    report.failed += 1


def _temporary(message: Claimed, now: datetime, error: str, report: DispatchReport) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, status=DeliveryStatus.FAILED, last_error=error[:1000])
        report.failed += 1
    else:
        _finish(
            message,
            status=DeliveryStatus.PENDING,
            last_error=error[:1000],
            next_attempt_at=now + backoff(message.attempts),
        )
        report.retried += 1


def _write_eml(message: Claimed) -> None:
    """Development without an SMTP server: each mail becomes a file that any mail client opens."""
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    (outbox / f"{stamp}-{message.id:08d}.eml").write_bytes(message.content)


def retry(message: OutboundMessage) -> None:
    """Put a failed message back in the queue, due now; its history of attempts stays."""
    if message.status is not DeliveryStatus.FAILED:
        raise ValueError("only failed messages can be retried")
    message.status = DeliveryStatus.PENDING
    message.next_attempt_at = clock.now()
    db.session.commit()
