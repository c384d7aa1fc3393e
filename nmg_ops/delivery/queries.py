"""What the deliveries page reads: the outbox, newest first, by status, and how many are in each status."""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import DeliveryStatus, OutboundMessage

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
