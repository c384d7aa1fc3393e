"""The mails the live server sent, as a visitor's mailbox would receive them: from the loopback SMTP server
for a test marked `smtp`, otherwise from the outbox folder the server writes them to."""

from __future__ import annotations

import email
import email.policy
import time
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.models import OutboundMessage


def mails_to(live_server, address: str) -> list[email.message.EmailMessage]:
    if live_server.sink is not None:
        return [mail.message for mail in list(live_server.sink.received) if address in mail.rcpt_tos]
    folder = Path(live_server.app.config["OUTBOX_DIR"])
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            found.append(message)
    return found


def wait_for_mail(live_server, address: str, count: int = 1) -> email.message.EmailMessage:
    """The latest mail to the address, once it has received `count` of them."""
    deadline = time.monotonic() + 30
    while len(mails := mails_to(live_server, address)) < count:
        assert time.monotonic() < deadline, f"no mail to {address}; the outbox: {_outbox(live_server)}"
        time.sleep(0.1)
    return mails[-1]


def _outbox(live_server) -> list[tuple]:
    """What the server's outbox says of its mails, so that a mail that never came tells why."""
    with live_server.app.app_context():
        return db.session.execute(
            sa.select(
                OutboundMessage.purpose,
                OutboundMessage.recipient,
                OutboundMessage.status,
                OutboundMessage.attempts,
                OutboundMessage.next_attempt_at,
                OutboundMessage.last_error,
            )
        ).all()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
