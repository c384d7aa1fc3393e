"""What a page's action left in the outbox, as the group would find it a minute later."""

from __future__ import annotations

import time
from collections import Counter

import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import OutboundMessage
from nmg_ops.scheduler import run_job


def recipients(live_server, purpose: str) -> Counter[str]:
    with live_server.app.app_context():
        return Counter(
            db.session.scalars(sa.select(OutboundMessage.recipient).where(OutboundMessage.purpose == purpose))
        )


def queued_a_minute_later(live_server, purpose: str, expected: int) -> Counter[str]:
    """The mails of `purpose` once the scheduler's next run has passed. A group's mail is queued after the
    answer has gone to the browser; what that misses the scheduler queues, and neither may queue a mail
    the other did, so the count is taken after both."""
    deadline = time.monotonic() + 10
    while recipients(live_server, purpose).total() < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    with live_server.app.app_context():
        run_job("send_announcements", clock.now())
    return recipients(live_server, purpose)
