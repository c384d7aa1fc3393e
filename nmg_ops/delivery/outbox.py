"""Putting mail into the outbox: rendered once, stored whole, sent later by the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from .. import clock
from ..extensions import db
from ..models import DeliveryStatus, OutboundMessage, OutboundMessageContent
from ..text import is_single_line


class HeaderInjectionError(ValueError):
    """A header value holds a line break, which would let it forge further headers."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RawMail:
    """A mail already encoded by its maker (the e-news makes thousands from one template), stored as is."""

    subject: str
    message_id: str
    content: bytes


@dataclass(frozen=True)
class ItipCalendar:
    """An iTIP calendar object and its METHOD, which the MIME part must repeat."""

    method: str
    data: bytes


def check_header(name: str, value: str) -> str:
    if not is_single_line(value):
        raise HeaderInjectionError(f"the {name} header contains a line break or control character; not sent")
    return value


def build_message(
    *,
    to_email: str,
    to_name: str,
    subject: str,
    text: str,
    html: str,
    attachments: tuple[Attachment, ...] = (),
    calendar: ItipCalendar | None = None,
) -> EmailMessage:
    """The complete message, with a Message-ID of the configured domain; refuses line breaks in headers.

    With a `calendar`, the iTIP invitation is a third alternative (`text/calendar; method=…`), which is
    what mail clients turn into Accept/Decline, plus the same file as an .ics attachment for the others.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = check_header("From", current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = formataddr((check_header("To", to_name), check_header("To", to_email)))
    message["Subject"] = check_header("Subject", subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_DOMAIN"])
    mailbox = current_app.config.get("CALENDAR_MAILBOX_ADDRESS")
    if calendar is not None and mailbox:
        # Pressing Reply on an invitation reaches the calendar mailbox, which a person reads, not no-reply.
        message["Reply-To"] = check_header("Reply-To", mailbox)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if calendar is not None:
        message.add_alternative(
            calendar.data.decode("utf-8"), subtype="calendar", params={"method": calendar.method}
        )
        attachments = (Attachment("invite.ics", "application/ics", calendar.data), *attachments)
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def _row(
    purpose: str, dedupe_key: str, recipient: str, message: EmailMessage | RawMail
) -> tuple[dict[str, object], bytes]:
    """The outbox row's values, and the message's bytes that go in a table of their own."""
    if isinstance(message, EmailMessage):
        message = RawMail(str(message["Subject"]), str(message["Message-ID"]), message.as_bytes())
    row = {
        "purpose": purpose,
        "dedupe_key": dedupe_key[:255],
        "recipient": recipient.lower()[:320],
        "subject": message.subject[:998],
        "message_id": message.message_id,
        "status": DeliveryStatus.PENDING,
    }
    return row, message.content


def enqueue(purpose: str, dedupe_key: str, recipient: str, message: EmailMessage | RawMail) -> int | None:
    """Add the message unless one with the same key exists; returns the new row's id, or None if it existed.

    The unique key decides, inside the database (INSERT ... ON CONFLICT DO NOTHING), so that two schedulers
    enqueueing the same reminder at the same moment end up with one row and neither fails.
    """
    row, content = _row(purpose, dedupe_key, recipient, message)
    return _insert(content, **row)


#: rows per INSERT when many mails are queued at once, well under SQLite's bound-parameter limit
_INSERT_CHUNK = 200


def enqueue_many(mails: list[tuple[str, str, str, EmailMessage | RawMail]]) -> list[int]:
    """`enqueue` for many (purpose, dedupe key, recipient, message) at once: one statement per chunk."""
    ids: list[int] = []
    stamp = clock.now()
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    table = OutboundMessage.__table__
    # One statement for every chunk, compiled once and executed with many parameter sets (SQLAlchemy
    # batches them into multi-row INSERTs): compiling a fresh 200-row VALUES clause per chunk cost more
    # than the insert. The keys come back with the ids: a row already there returns nothing.
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
        .returning(table.c.id, table.c.dedupe_key)
    )
    connection = db.session.connection()
    for start in range(0, len(mails), _INSERT_CHUNK):
        rows, contents = [], {}
        for mail in mails[start : start + _INSERT_CHUNK]:
            row, content = _row(*mail)
            contents[row["dedupe_key"]] = content
            rows.append({**row, "attempts": 0, "next_attempt_at": stamp, "created_at": stamp})
        added = connection.execute(statement, rows).all()
        if added:
            connection.execute(
                sa.insert(OutboundMessageContent),
                [{"message_id": id_, "content": contents[key]} for id_, key in added],
            )
        ids.extend(id_ for id_, _key in added)
    return ids


def enqueue_refused(purpose: str, dedupe_key: str, recipient: str, subject: str, reason: str) -> int | None:
    """Record a mail that could not be built as failed, with the reason, under its dedupe key: the
    deliveries page names it, and later sweeps do not try (and fail) again on every run."""
    return _insert(
        b"",
        purpose=purpose,
        dedupe_key=dedupe_key[:255],
        recipient=recipient.lower()[:320],
        subject=" ".join(subject.split())[:998],
        message_id="",
        status=DeliveryStatus.FAILED,
        last_error=reason[:1000],
    )


def _insert(content: bytes, **values: object) -> int | None:
    values.update(attempts=0, next_attempt_at=clock.now(), created_at=clock.now())
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(OutboundMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[OutboundMessage.dedupe_key])
        .returning(OutboundMessage.id)
    )
    id_ = db.session.execute(statement).scalar()
    if id_ is not None:
        db.session.execute(sa.insert(OutboundMessageContent).values(message_id=id_, content=content))
    return id_


def forget_contents(messages: sa.Select) -> int:
    """Empty the bytes of the messages whose ids `messages` selects, in the caller's transaction; their
    rows stay, for the deliveries page and the record. Returns how many were emptied."""
    contents = OutboundMessageContent
    return db.session.execute(
        sa.update(contents)
        .where(contents.message_id.in_(messages), sa.func.length(contents.content) > 0)
        .values(content=b"")
        .execution_options(synchronize_session=False)
    ).rowcount


def withdraw(recipient: str, purpose_prefix: str, reason: str) -> int:
    """Take back the mails to `recipient` whose purpose starts with `purpose_prefix` and that still wait
    to be sent: recorded withdrawn with the reason, never sent. Returns how many.

    In the caller's transaction, so that the change that ends a consent and the withdrawal of its mails
    commit together. A mail a dispatcher holds already is not waiting any more: the dispatcher's last
    check (`dispatcher.last_check`) stops it."""
    result = db.session.execute(
        sa.update(OutboundMessage)
        .where(
            OutboundMessage.recipient == recipient.lower(),
            OutboundMessage.purpose.startswith(purpose_prefix, autoescape=True),
            OutboundMessage.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.WITHDRAWN, last_error=reason[:1000])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


#: keys per lookup, well under the bound-parameter limits of SQLite and PostgreSQL
_LOOKUP_CHUNK = 1000


def already_enqueued(keys: list[str]) -> set[str]:
    """Which of these dedupe keys are in the outbox already (one indexed query per thousand keys)."""
    found: set[str] = set()
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        found.update(
            db.session.scalars(
                sa.select(OutboundMessage.dedupe_key).where(OutboundMessage.dedupe_key.in_(chunk))
            )
        )
    return found
