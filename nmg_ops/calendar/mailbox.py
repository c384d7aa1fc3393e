"""The calendar mailbox over IMAP: the scheduler's `read_calendar_replies` job.

Each run logs in, looks at the inbox's messages it has not looked at before, and hands each one to
`replies` on its own: an answer is recorded, then the message is filed in the processed folder; a refused
one goes to the unprocessed folder (its reason is on the deliveries page); ordinary mail stays in the
inbox, marked with an IMAP keyword so that later runs pass it by, unread, for a person.

The database is written before the message is filed. A run that dies in between leaves the message in the
inbox, and the next run finds its row and only files it. A mailbox that cannot be reached, or a connection
that drops, ends the run with a report; nothing was filed that was not recorded, and the next tick retries.
Messages larger than CALENDAR_MAILBOX_MAX_BYTES are refused by their size without being downloaded.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections import Counter
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from ..extensions import db
from . import replies
from .replies import Filing

#: IMAP keyword on ordinary mail a run has looked at and left for a person
LEFT_KEYWORD = "NmgOpsLeft"
#: messages handled per run at most, so that a flooded inbox cannot hold up the jobs after this one
BATCH = 200
_FETCHED = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(RuntimeError):
    """The IMAP server refused a step; the run ends and the next tick tries again."""


@dataclass(frozen=True)
class MailboxSettings:
    address: str
    host: str
    port: int
    user: str
    password: str
    tls: str
    processed_folder: str
    unprocessed_folder: str
    max_bytes: int
    timeout: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailboxSettings | None:
        """The configured mailbox, or None when no address is set (the embedded default)."""
        if not config.get("CALENDAR_MAILBOX_ADDRESS"):
            return None
        tls = config["CALENDAR_MAILBOX_TLS"]
        return cls(
            address=config["CALENDAR_MAILBOX_ADDRESS"],
            host=config["CALENDAR_MAILBOX_HOST"],
            port=config["CALENDAR_MAILBOX_PORT"] or (993 if tls == "ssl" else 143),
            user=config["CALENDAR_MAILBOX_USER"],
            password=config["CALENDAR_MAILBOX_PASSWORD"],
            tls=tls,
            processed_folder=config["CALENDAR_MAILBOX_PROCESSED_FOLDER"],
            unprocessed_folder=config["CALENDAR_MAILBOX_UNPROCESSED_FOLDER"],
            max_bytes=config["CALENDAR_MAILBOX_MAX_BYTES"],
            timeout=config["CALENDAR_MAILBOX_TIMEOUT_SECONDS"],
        )


def _quoted(name: str) -> str:
    """A folder name as an IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(answer: tuple[str, list[Any]], step: str) -> list[Any]:
    status, data = answer
    if status != "OK":
        raise MailboxError(f"{step}: {data!r}"[:500])
    return data


class Mailbox:
    """One IMAP session on the calendar mailbox, the inbox selected."""

    def __init__(self, settings: MailboxSettings) -> None:
        self.settings = settings
        if settings.tls == "ssl":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host,
                settings.port,
                ssl_context=ssl.create_default_context(),
                timeout=settings.timeout,
            )
        else:
            client = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.tls == "starttls":
                client.starttls(ssl.create_default_context())
        self.client = client
        try:
            _ok(client.login(settings.user, settings.password), "login")
            for folder in (settings.processed_folder, settings.unprocessed_folder):
                # Creating a folder that exists is refused, harmlessly; one that cannot be made shows below.
                client.create(_quoted(folder))
            _ok(client.select("INBOX"), "select INBOX")
        except BaseException:
            self.close()
            raise
        self.moves = "MOVE" in client.capabilities

    def close(self) -> None:
        with suppress(OSError, imaplib.IMAP4.error):
            self.client.logout()

    def waiting(self) -> list[tuple[bytes, int, bytes]]:
        """(UID, size, header) of the inbox's messages not yet looked at, oldest first, at most BATCH."""
        found = _ok(self.client.uid("SEARCH", None, "UNKEYWORD", LEFT_KEYWORD), "search")
        uids = (found[0] or b"").split()[:BATCH]
        if not uids:
            return []
        data = _ok(self.client.uid("FETCH", b",".join(uids), "(RFC822.SIZE BODY.PEEK[HEADER])"), "fetch")
        waiting = []
        for item in data:
            if not isinstance(item, tuple):
                continue
            uid, size = _FETCHED.search(item[0]), _SIZE.search(item[0])
            if uid and size:
                waiting.append((uid.group(1), int(size.group(1)), item[1]))
        return sorted(waiting, key=lambda entry: int(entry[0]))

    def fetch(self, uid: bytes) -> bytes:
        data = _ok(self.client.uid("FETCH", uid, "(BODY.PEEK[])"), "fetch")
        for item in data:
            if isinstance(item, tuple):
                return item[1]
        raise MailboxError(f"message {uid.decode()} has gone from the inbox")

    def file(self, uid: bytes, filing: Filing) -> None:
        """Move the message to its folder; ordinary mail is only marked, and stays where it is."""
        if filing is Filing.INBOX:
            # A server that keeps no keywords refuses this: the message is then looked at on every run.
            self.client.uid("STORE", uid, "+FLAGS.SILENT", f"({LEFT_KEYWORD})")
            return
        if filing is Filing.PROCESSED:
            _ok(self.client.uid("STORE", uid, "+FLAGS.SILENT", "(\\Seen)"), "mark as read")
        folder = _quoted(
            self.settings.processed_folder if filing is Filing.PROCESSED else self.settings.unprocessed_folder
        )
        if self.moves:
            _ok(self.client.uid("MOVE", uid, folder), "move")
            return
        # Without MOVE (RFC 6851): copy, then delete the original.
        _ok(self.client.uid("COPY", uid, folder), "copy")
        _ok(self.client.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)"), "delete")
        if "UIDPLUS" in self.client.capabilities:
            _ok(self.client.uid("EXPUNGE", uid), "expunge")
        else:
            _ok(self.client.expunge(), "expunge")


def read_calendar_replies(now: datetime) -> str:
    """The scheduler job: read the calendar mailbox once; a report for `tick` and the log."""
    settings = MailboxSettings.from_config(current_app.config)
    if settings is None:
        return "no calendar mailbox configured"
    logger = current_app.logger
    try:
        mailbox = Mailbox(settings)
    except (OSError, imaplib.IMAP4.error, MailboxError) as exc:
        logger.warning("calendar mailbox %s unreachable: %s", settings.host, exc)
        return f"calendar mailbox unreachable, the next run tries again: {exc}"
    counts: Counter[str] = Counter()
    try:
        for uid, size, header in mailbox.waiting():
            try:
                if size > settings.max_bytes:
                    handled = replies.refuse_oversize(header, size, settings.max_bytes, now)
                else:
                    handled = replies.handle(mailbox.fetch(uid), now)
            except (OSError, imaplib.IMAP4.abort):
                raise
            except Exception:
                # The database failed, or a bug: the message stays in the inbox for the next run.
                db.session.rollback()
                logger.exception("calendar mailbox message %s could not be handled", uid.decode())
                counts["left for the next run"] += 1
                continue
            try:
                mailbox.file(uid, handled.filing)
            except MailboxError as exc:
                # Recorded already: the next run finds the record and files the message then.
                logger.warning("calendar mailbox message %s could not be filed: %s", uid.decode(), exc)
            counts["read again" if handled.again else str(handled.outcome or "left for a person")] += 1
    except (OSError, imaplib.IMAP4.error, MailboxError) as exc:
        logger.warning("calendar mailbox %s: connection lost: %s", settings.host, exc)
        counts[f"stopped ({exc})"] += 1
    finally:
        mailbox.close()
    return ", ".join(f"{count} {what}" for what, count in sorted(counts.items())) or "no new messages"
