"""No e-news mail goes to an address once its consent has ended, even a mail queued before.

Two steps, because either alone leaves a gap. Whatever ends a consent (an unsubscribe by the link, the
page, a mail or the team; a member's opt-out on their profile; a suppression after a refused delivery)
withdraws the address's e-news mails still waiting in the outbox, in the same transaction as the change
itself: they are recorded withdrawn, with the reason, and are never sent. And right before each e-news mail
goes, the dispatcher asks `last_check`, answered here by the rule that makes the recipient list: a mail
the dispatcher had claimed already, or one queued by a run that read the list before the unsubscribe, is
withdrawn then. A path that ends consent and forgets the first step is still caught by the second.

Only the e-news is list mail. A meeting invitation or a password reset to the same address is personal
mail and still goes.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..delivery.dispatcher import last_check
from ..delivery.outbox import withdraw
from ..models import NewsEdition
from .bounces import PURPOSE_PREFIX
from .recipients import receives_members_edition, refusal


def withdraw_waiting(email: str, why: str, edition: NewsEdition | None = None) -> int:
    """Withdraw the e-news mails still waiting for `email`, in the caller's transaction; returns how many.

    `edition` is the one whose consent ended, None for every edition (a suppression). An address that
    ends its public subscription but still receives the members' edition keeps its mail: an address gets
    the members' edition when it is entitled to both, so that mail is the members' edition."""
    if edition is NewsEdition.PUBLIC and receives_members_edition(email):
        return 0
    return withdraw(email, PURPOSE_PREFIX, f"withdrawn: {why}")


@last_check.connect
def still_receives(_sender: object, *, purpose: str, recipient: str, connection: sa.Connection) -> str | None:
    if not purpose.startswith(PURPOSE_PREFIX):
        return None
    return refusal(recipient, connection)
