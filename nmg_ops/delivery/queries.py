"""What the deliveries page reads: the outbox, newest first, by status, and how many are in each status;
and the mail that came back to the calendar mailbox and could not be recorded."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import CalendarReply, DeliveryStatus, OutboundMessage, ReplyOutcome

PER_PAGE = 50


def deliveries(status: DeliveryStatus | None, page: int) -> Pagination:
    query = sa.select(OutboundMessage).order_by(OutboundMessage.id.desc())
    if status is not None:
        query = query.where(OutboundMessage.status == status)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def counts_by_status() -> dict[DeliveryStatus, int]:
    return dict(
        db.session.execute(
            sa.select(OutboundMessage.status, sa.func.count()).group_by(OutboundMessage.status)
        ).all()
    )


def refused_replies(limit: int = 50) -> list[CalendarReply]:
    """The latest messages the calendar mailbox refused into its unprocessed folder, with their reasons,
    newest first."""
    return list(
        db.session.scalars(
            sa.select(CalendarReply)
            .where(CalendarReply.outcome == ReplyOutcome.REFUSED)
            .order_by(CalendarReply.received_at.desc(), CalendarReply.id.desc())
            .limit(limit)
            .options(so.joinedload(CalendarReply.meeting))
        )
    )
