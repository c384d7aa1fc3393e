"""Sending the outbox: claim a batch, deliver it over one SMTP connection, record each recipient's outcome.

The guarantee. A message is marked sent in its own transaction right after the mail server accepted it
(250 to the end of DATA). If the process dies in the instant between that acceptance and the commit, the
message is still "sending"; once its lease runs out another dispatcher takes it back and sends it again.
That window, a crash after the server accepted a message and before the next commit, is the only way a
recipient can receive a mail twice, and then at most one message per crashed run. Everything else is sent
exactly once: two dispatchers never hold the same message (the claim is one atomic UPDATE, with FOR UPDATE
SKIP LOCKED on PostgreSQL and SQLite's single writer elsewhere), and a message that failed is never resent
unless someone retries it.

Liveness. A claim's lease is short (`OUTBOX_LEASE_SECONDS`, 30 s) and a keeper thread renews it every
third of that while the run lives, however long the mail server takes: a slow or stalled server never
lets a second dispatcher take over messages that are still being sent, while a killed process stops
renewing and its claims return to the queue within one lease. Claims are small, so little waits on a dead
run. Every SMTP step has a socket timeout (`MAIL_TIMEOUT_SECONDS`), so no run blocks for ever; the
answer to the end of a message has the 10 minutes RFC 5321 gives it (`MAIL_DATA_TIMEOUT_SECONDS`).

An unknown outcome. When that answer never comes (a timeout, or the connection lost after the final
dot), the server may have the message. It is recorded "unknown" and sent again only after
`OUTBOX_UNKNOWN_RETRY_MINUTES` (60): a server that took it has delivered it by then, and a second copy an
hour later, named on the deliveries page, is the price of never losing one.
"""

from __future__ import annotations

import functools
import secrets
import smtplib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app

from .. import clock, driver_statements
from ..busy_database import retry_when_locked
from ..extensions import db
from ..models import DeliveryStatus, OutboundMessage, OutboundMessageContent
from .lease import LeaseKeeper, lease_time
from .mail_files import write_atomically
from .smtp import ConnectionLost, OutcomeUnknown, Session

_signals = Namespace()
#: sent when the mail server refuses a message for good (5xx), with its purpose, recipient and reply: the
#: e-news suppresses the address, other mail just shows the failure on the deliveries page
hard_bounce = _signals.signal("hard-bounce")
#: asked right before each message goes to the mail server, with its purpose, recipient and the run's
#: database connection; a receiver that answers with a reason withholds it (recorded withdrawn with the
#: reason, never sent). The e-news answers for list mail whose recipient withdrew their consent.
last_check = _signals.signal("last-check")
#: sent after the outcomes of a claimed batch are recorded, with the purposes the batch held: the e-news
#: marks an issue sent as soon as its last mail is done, without waiting for the scheduler
batch_recorded = _signals.signal("batch-recorded")

#: set when the process is asked to stop (the scheduler's SIGTERM): a run finishes the message in flight,
#: gives the rest of its claim back to the queue and ends, instead of sending everything it holds first
stopping = threading.Event()

BATCH_SIZE = 20
MAX_ATTEMPTS = 8


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    #: withheld by the last check before sending
    withdrawn: int = 0
    recovered: int = 0
    #: the answer to the end of the message never came: sent again only after a long wait
    unknown: int = 0
    #: claimed but given back untried, because the process was asked to stop
    returned: int = 0
    #: the mail server could not be reached: the run stops, everything waits for its back-off
    unreachable: bool = False
    #: the run's own database connection for its claims and outcomes, one commit per mail: checking one out
    #: of the pool for every mail cost as much as the UPDATE, and the session's bookkeeping more than a claim
    ledger: sa.Connection | None = field(default=None, repr=False, compare=False)


def backoff(attempts: int) -> timedelta:
    """Two minutes, then doubling, at most six hours between attempts."""
    return min(timedelta(minutes=2 ** max(attempts, 1)), timedelta(hours=6))


def recover_expired_leases(now: datetime) -> int:
    """Give back to the queue the messages claimed by a dispatcher that died, and those whose outcome was
    unknown once their long wait is over."""
    return _commit_update(
        sa.update(OutboundMessage)
        .where(
            sa.or_(
                sa.and_(
                    OutboundMessage.status == DeliveryStatus.SENDING, OutboundMessage.lease_expires_at < now
                ),
                sa.and_(
                    OutboundMessage.status == DeliveryStatus.UNKNOWN, OutboundMessage.next_attempt_at <= now
                ),
            )
        )
        .values(status=DeliveryStatus.PENDING, claim_token=None, lease_expires_at=None)
    )


def _commit_update(statement: sa.Update) -> int:
    """Run one UPDATE in a transaction of its own, waiting out a locked database; how many rows changed."""

    def transaction() -> int:
        result = db.session.execute(statement.execution_options(synchronize_session=False))
        db.session.commit()
        return result.rowcount

    return retry_when_locked(transaction, db.session.rollback)


@dataclass(frozen=True)
class Claimed:
    """What sending needs of a claimed message, read once (ORM objects would reload after every commit)."""

    id: int
    purpose: str
    recipient: str
    content: bytes
    attempts: int


def claim(
    report: DispatchReport,
    now: datetime,
    token: str,
    limit: int = BATCH_SIZE,
    only_ids: list[int] | None = None,
    purpose: str | None = None,
) -> list[Claimed]:
    """Mark up to `limit` due messages as claimed by `token` in one statement, on the run's connection;
    return them, oldest first."""
    due = (
        sa.select(OutboundMessage.id)
        .where(OutboundMessage.status == DeliveryStatus.PENDING, OutboundMessage.next_attempt_at <= now)
        # The order of the due index, which then stops at `limit`: by id alone, every claim sorted all
        # the due messages, and an issue's 10,000 mails took 500 sorts of thousands of rows.
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if only_ids is not None:
        due = due.where(OutboundMessage.id.in_(only_ids))
    if purpose is not None:
        due = due.where(OutboundMessage.purpose == purpose)
    _on_ledger(
        report,
        sa.update(OutboundMessage)
        # The status test is repeated outside the subquery: under concurrency PostgreSQL re-checks it on
        # the row it finally locks, so a row another dispatcher just claimed is never claimed twice.
        .where(
            OutboundMessage.id.in_(due.scalar_subquery()), OutboundMessage.status == DeliveryStatus.PENDING
        )
        .values(
            status=DeliveryStatus.SENDING,
            claim_token=token,
            lease_expires_at=max(now, clock.now()) + lease_time(),
            attempts=OutboundMessage.attempts + 1,
        ),
        {},
    )
    assert report.ledger is not None
    rows = report.ledger.execute(
        sa.select(
            OutboundMessage.id,
            OutboundMessage.purpose,
            OutboundMessage.recipient,
            OutboundMessageContent.content,
            OutboundMessage.attempts,
        )
        .join(OutboundMessage.body)
        .where(OutboundMessage.claim_token == token)
        .order_by(OutboundMessage.id)
    )
    claimed = [Claimed(*row) for row in rows]
    # The outcomes that follow are committed on the driver, which SQLAlchemy does not see: no read
    # transaction of its own is left open under them.
    report.ledger.commit()
    return claimed


def dispatch(
    now: datetime | None = None, only_ids: list[int] | None = None, purpose: str | None = None
) -> DispatchReport:
    """Send every due message (or just `only_ids`, or those of one `purpose`), batch after batch, until
    none is left."""
    now = now or clock.now()
    report = DispatchReport(recovered=recover_expired_leases(now))
    token = secrets.token_hex(16)
    # Small claims, one SMTP connection for the whole run.
    connection: Session | None = None
    keeper = LeaseKeeper(token)
    report.ledger = db.engine.connect()
    try:
        while (
            not report.unreachable
            and not stopping.is_set()
            and (batch := claim(report, now, token, only_ids=only_ids, purpose=purpose))
        ):
            keeper.keep()
            connection = _deliver(batch, now, report, connection)
            batch_recorded.send(
                current_app._get_current_object(), purposes=frozenset(message.purpose for message in batch)
            )
    finally:
        keeper.stop()
        if connection is not None:
            connection.close()
        report.ledger.close()
        report.ledger = None
    return report


def _deliver(
    batch: list[Claimed], now: datetime, report: DispatchReport, connection: Session | None
) -> Session | None:
    """Send the batch on `connection` (opened when needed); returns the connection still usable, if any."""
    app = current_app._get_current_object()
    if not current_app.config["MAIL_SERVER"]:
        for message in batch:
            if _withheld(app, message, report):
                continue
            try:
                _write_eml(message)
            except OSError as exc:
                # A full disk, say: no file is left behind, and the mail is tried again after its back-off.
                _temporary(message, now, f"could not write the mail file: {exc}", report)
            else:
                _sent(message, report)
        return None
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    for position, message in enumerate(batch):
        if stopping.is_set():
            _give_back(batch[position:], report)
            return connection
        if _withheld(app, message, report):
            continue
        try:
            connection = connection or Session()
            connection.send_once_more_on_drop(sender, message.recipient, message.content)
        except ConnectionLost as exc:
            connection = None
            _temporary(message, now, str(exc), report)
        except OutcomeUnknown as exc:
            # smtplib closed the connection already; a later message goes on a new one.
            connection = None
            _unknown(message, now, str(exc), report)
            if exc.stalled:
                # A server that stops answering would make every further message wait its 10 minutes.
                _stop_run(batch[position + 1 :], now, f"the mail server stopped answering: {exc}", report)
                return None
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            _refused(message, now, code, reply, report)
        except smtplib.SMTPResponseException as exc:
            _refused(message, now, exc.smtp_code, exc.smtp_error, report)
        except (OSError, smtplib.SMTPException) as exc:
            if connection is not None:
                # No QUIT: a server that stopped answering would make us wait another timeout for it.
                connection.host.close()
            _stop_run(batch[position:], now, f"cannot reach the mail server: {exc}", report)
            return None
        else:
            _sent(message, report)
    return connection


def _stop_run(waiting: list[Claimed], now: datetime, error: str, report: DispatchReport) -> None:
    """The server cannot be reached or stopped answering: the rest of the batch waits for its back-off,
    and the run ends."""
    for message in waiting:
        _temporary(message, now, error, report)
    report.unreachable = True


def _reply_text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


@functools.cache
def _finish_statement(columns: tuple[str, ...]) -> sa.Update:
    """The UPDATE recording one kind of outcome, built once: it runs once per mail, thousands per run."""
    return (
        sa.update(OutboundMessage)
        .where(OutboundMessage.id == sa.bindparam("b_id"))
        .values(lease_expires_at=None, claim_token=None, **{c: sa.bindparam(f"b_{c}") for c in columns})
    )


def _finish(message: Claimed, report: DispatchReport, **values: object) -> None:
    """Record one message's outcome in its own transaction, so that a crash loses at most this one.

    On the run's own connection, like the lease keeper's: the session's bookkeeping cost more than the
    UPDATE itself, and the session holds nothing of the outbox rows that this would leave stale. A locked
    database is waited out: an outcome given up on would send the message again once its lease lapsed."""
    ledger = report.ledger
    assert ledger is not None
    statement = _finish_statement(tuple(sorted(values)))
    parameters = {"b_id": message.id, **{f"b_{column}": value for column, value in values.items()}}

    def transaction() -> None:
        # Straight to the driver: this runs once per mail (see driver_statements).
        driver_statements.run(ledger, statement, parameters)
        driver_statements.commit(ledger)

    retry_when_locked(transaction, lambda: driver_statements.rollback(ledger))


def _on_ledger(report: DispatchReport, statement: sa.Update, parameters: dict[str, object]) -> None:
    """One statement in its own transaction on the run's connection, waiting out a locked database."""
    ledger = report.ledger
    assert ledger is not None

    def transaction() -> None:
        ledger.execute(statement, parameters)
        ledger.commit()

    retry_when_locked(transaction, ledger.rollback)


def _give_back(messages: list[Claimed], report: DispatchReport) -> None:
    """Messages a stopping run never tried go back to the queue at once, their attempt not counted."""
    statement = (
        sa.update(OutboundMessage)
        .where(
            OutboundMessage.id.in_([message.id for message in messages]),
            OutboundMessage.status == DeliveryStatus.SENDING,
        )
        .values(
            status=DeliveryStatus.PENDING,
            claim_token=None,
            lease_expires_at=None,
            attempts=OutboundMessage.attempts - 1,
        )
    )
    _on_ledger(report, statement, {})
    report.returned += len(messages)


def _withheld(app: object, message: Claimed, report: DispatchReport) -> bool:
    """The last check, as late as it can be: a consent withdrawn while the message waited in its claim
    (which no withdrawal of waiting mail reaches) still stops it. True if the message was withdrawn."""
    answers = last_check.send(
        app, purpose=message.purpose, recipient=message.recipient, connection=report.ledger
    )
    reason = next((str(answer) for _receiver, answer in answers if answer), None)
    if reason is None:
        return False
    _finish(message, report, status=DeliveryStatus.WITHDRAWN, last_error=reason[:1000])
    report.withdrawn += 1
    return True


def _sent(message: Claimed, report: DispatchReport) -> None:
    _finish(message, report, status=DeliveryStatus.SENT, sent_at=clock.now())
    report.sent += 1


def _refused(message: Claimed, now: datetime, code: int, reply: bytes | str, report: DispatchReport) -> None:
    """5xx is final for this recipient; 4xx is worth another try later."""
    error = f"{code} {_reply_text(reply)}"
    if 400 <= code < 500:
        _temporary(message, now, error, report)
        return
    _finish(message, report, status=DeliveryStatus.FAILED, last_error=error[:1000])
    report.failed += 1
    hard_bounce.send(
        current_app._get_current_object(), purpose=message.purpose, recipient=message.recipient, reply=error
    )


def _temporary(message: Claimed, now: datetime, error: str, report: DispatchReport) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, report, status=DeliveryStatus.FAILED, last_error=error[:1000])
        report.failed += 1
    else:
        _finish(
            message,
            report,
            status=DeliveryStatus.PENDING,
            last_error=error[:1000],
            next_attempt_at=now + backoff(message.attempts),
        )
        report.retried += 1


def _unknown(message: Claimed, now: datetime, error: str, report: DispatchReport) -> None:
    """The server may have the message: not sent again before the long wait is over."""
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, report, status=DeliveryStatus.FAILED, last_error=error[:1000])
        report.failed += 1
        return
    wait = timedelta(minutes=float(current_app.config["OUTBOX_UNKNOWN_RETRY_MINUTES"]))
    _finish(
        message,
        report,
        status=DeliveryStatus.UNKNOWN,
        last_error=error[:1000],
        next_attempt_at=max(now, clock.now()) + wait,
    )
    report.unknown += 1


def _write_eml(message: Claimed) -> None:
    """Development without an SMTP server: each mail becomes a file that any mail client opens."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    write_atomically(Path(current_app.config["OUTBOX_DIR"]), f"{stamp}-{message.id:08d}.eml", message.content)


def retry(message: OutboundMessage) -> None:
    """Put a failed message back in the queue, due now; its history of attempts stays."""
    if message.status is not DeliveryStatus.FAILED:
        raise ValueError("only failed messages can be retried")
    if not message.content:
        raise ValueError("a mail that could not be built has nothing to send again")
    message.status = DeliveryStatus.PENDING
    message.next_attempt_at = clock.now()
    db.session.commit()
