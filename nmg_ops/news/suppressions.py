"""Addresses the e-news no longer mails: the mail server refused them for good, until the team lifts the
suppression."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import NewsSuppression
from .addresses import BadAddress, normalised
from .withdrawal import withdraw_waiting

_REASON_MAX = NewsSuppression.__table__.c.reason.type.length


def _address_key(email: str) -> str:
    try:
        return normalised(email)
    except BadAddress:
        # The mail server refused it; it is still the address the outbox holds, and must match it.
        return email.strip().lower()


def suppress(email: str, reason: str, issue_id: int | None = None) -> NewsSuppression:
    """Stop every e-news mail to an address the mail server refused for good; the first reason is kept.

    Committed at once: the dispatcher reports the bounce after recording the delivery. The insert runs in
    a savepoint, so that the same address suppressed twice at once is one suppression.
    """
    key = _address_key(email)
    suppression = db.session.scalar(sa.select(NewsSuppression).where(NewsSuppression.email == key))
    if suppression is None:
        suppression = NewsSuppression(
            email=key, reason=reason[:_REASON_MAX], issue_id=issue_id, at=clock.now()
        )
        try:
            with db.session.begin_nested():
                db.session.add(suppression)
        except IntegrityError:
            suppression = db.session.scalar(sa.select(NewsSuppression).where(NewsSuppression.email == key))
    withdraw_waiting(key, f"address suppressed after a refused delivery: {suppression.reason}")
    db.session.commit()
    return suppression


def lift_suppression(suppression_id: int) -> NewsSuppression | None:
    """Send the e-news to the address again; None when it was not (or no longer) suppressed."""
    suppression = db.session.get(NewsSuppression, suppression_id)
    if suppression is None:
        return None
    db.session.delete(suppression)
    db.session.commit()
    return suppression
