"""Unsubscribing by mail: the `mailto:` of List-Unsubscribe, which reaches the calendar mailbox; its reader
hands this module every message that is not a calendar answer (`calendar.replies.ordinary_mail`).

The subject carries the same signed token as the one-click link, and the token alone decides, as the link
does: mail apps send this message from the subscriber's account, but the token, not the From address
(which anyone can write), is what proves the request came from the mail we sent.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from ..calendar.replies import ordinary_mail
from .subscriptions import LinkProblem, subscription_for_unsubscribe_link, unsubscribe

_SUBJECT = re.compile(r"^\s*unsubscribe\s+([A-Za-z0-9_.=-]+)\s*$", re.IGNORECASE)


@ordinary_mail.connect
def unsubscribe_by_mail(subject: str) -> bool:
    """Act on a mail whose subject is "unsubscribe <token>"; False for any other mail."""
    found = _SUBJECT.match(subject)
    if found is None:
        return False
    try:
        subscription = subscription_for_unsubscribe_link(found[1])
    except LinkProblem:
        return False
    unsubscribe(
        subscription,
        _l("Unsubscribed by a mail to the e-news' unsubscribe address."),
        "mail to the unsubscribe address",
    )
    return True
