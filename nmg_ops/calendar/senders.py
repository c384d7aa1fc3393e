"""Who sent a calendar reply, as far as the mailbox can tell.

A REPLY names its attendee itself and anyone can write any `From`, so the sender is checked three ways
before an answer is recorded:

- **One sender.** Exactly one `From` header naming exactly one address. A `From` with two addresses (which
  mail programs show as from the first, or from both) proves nothing about either.
- **Mail authentication, when the mailbox has it.** The receiving server writes its DKIM and DMARC
  verdicts in `Authentication-Results` (RFC 8601). A `fail` in any of them refuses the message: a sender
  can add such a header but gains nothing by it, since a fail only ever refuses. A `pass` is believed only
  from the server named by CALENDAR_MAILBOX_AUTHSERV_ID; when that is set, a reply without its
  `dmarc=pass` is refused, since anyone can write a header claiming a pass from elsewhere.
- **An address the invitation went to** (`invites.mailed_to`), checked where the reply is matched.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

#: a method's verdict in one resinfo of Authentication-Results: `dkim=pass`, `dmarc=fail`
_VERDICT = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*([A-Za-z0-9_-]+)")
_COMMENT = re.compile(r"\([^()]*\)")
_CHECKED = ("dkim", "dmarc")


class SenderRefused(Exception):
    """A message whose sender cannot be taken as the attendee it names; the reason goes on its row."""

    def __init__(self, reason: Any) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


def claimed(message: Any) -> str:
    """The first address the `From` claims, to name the message on the deliveries page; proves nothing."""
    try:
        return parseaddr(str(message.get("From") or ""))[1].strip().lower()
    except (ValueError, IndexError, TypeError):
        return ""


def sender(message: Any) -> str:
    """The one address of the message's one `From` (lower case); SenderRefused for none or several."""
    try:
        headers = message.get_all("From") or []
        addresses = [address for header in headers for address in header.addresses]
    except (AttributeError, ValueError, IndexError, TypeError):
        addresses = []
    found = [address.addr_spec.strip().lower() for address in addresses]
    if len(headers) != 1 or len(found) != 1 or "@" not in found[0]:
        raise SenderRefused(
            _l(
                "A reply has exactly one sender; this message names %(num)d (%(senders)s).",
                num=len(found),
                senders=", ".join(found)[:300] or "?",
            )
        )
    return found[0]


def _results(header: str) -> tuple[str, dict[str, set[str]]]:
    """The authserv-id of one Authentication-Results header and each method's verdicts in it."""
    while _COMMENT.search(header):
        header = _COMMENT.sub(" ", header)
    parts = header.split(";")
    verdicts: dict[str, set[str]] = {}
    for part in parts[1:]:
        if found := _VERDICT.match(part):
            verdicts.setdefault(found[1].lower(), set()).add(found[2].lower())
    return parts[0].split()[0].lower() if parts[0].split() else "", verdicts


def check_authentication(message: Any) -> None:
    """SenderRefused when the receiving server found the sender's DKIM or DMARC failing, or, with
    CALENDAR_MAILBOX_AUTHSERV_ID set, when that server does not vouch for the sender with dmarc=pass."""
    try:
        headers = [str(value) for value in message.get_all("Authentication-Results") or []]
    except (ValueError, IndexError, TypeError):
        headers = []
    trusted = str(current_app.config.get("CALENDAR_MAILBOX_AUTHSERV_ID") or "").strip().lower()
    # Only the topmost header of the trusted server is its own: a server adds its header above the others.
    vouched: bool | None = None
    for header in headers:
        server, verdicts = _results(header)
        for method in _CHECKED:
            if "fail" in verdicts.get(method, set()):
                raise SenderRefused(
                    _l(
                        "Forged or altered: the receiving server found the message's %(method)s failing.",
                        method=method.upper(),
                    )
                )
        if vouched is None and trusted and server == trusted:
            vouched = "pass" in verdicts.get("dmarc", set())
    if trusted and not vouched:
        raise SenderRefused(
            _l(
                "The sender is not verified: %(server)s reports no DMARC pass for this message.",
                server=trusted,
            )
        )
