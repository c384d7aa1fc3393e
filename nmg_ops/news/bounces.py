"""A hard bounce of an e-news mail suppresses the address: a mailbox provider that sees us keep mailing
addresses that do not exist stops delivering the rest. Other mail (an invitation) only shows the failure."""

from __future__ import annotations

from ..delivery.dispatcher import hard_bounce

PURPOSE_PREFIX = "enews:"


@hard_bounce.connect
def suppress_bounced_address(_sender: object, *, purpose: str, recipient: str, reply: str) -> None:
    if not purpose.startswith(PURPOSE_PREFIX):
        return
    from .suppressions import suppress

    issue_id = purpose.removeprefix(PURPOSE_PREFIX)
    suppress(recipient, reply, int(issue_id) if issue_id.isdigit() else None)
