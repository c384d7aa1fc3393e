"""The mails the live server sent, as a visitor's mailbox would receive them: from the loopback SMTP server
for a test marked `smtp`, otherwise from the outbox folder the server writes them to."""

from __future__ import annotations

import email
import email.policy
import time
from pathlib import Path
from urllib.parse import urlsplit


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
    deadline = time.monotonic() + 10
    while len(mails := mails_to(live_server, address)) < count:
        assert time.monotonic() < deadline, f"no mail reached {address}"
        time.sleep(0.1)
    return mails[-1]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
