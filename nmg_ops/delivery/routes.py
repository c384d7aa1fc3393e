from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..forms import page_number
from ..models import DeliveryStatus, OutboundMessage
from ..permissions import Right, require
from . import bp
from .dispatcher import retry

PER_PAGE = 50


@bp.route("/deliveries")
@require(Right.VIEW_DELIVERIES)
def deliveries():
    """What was sent, to whom and when, what failed and why."""
    status = request.args.get("status", "")
    query = sa.select(OutboundMessage).order_by(OutboundMessage.id.desc())
    if status in {s.value for s in DeliveryStatus}:
        query = query.where(OutboundMessage.status == DeliveryStatus(status))
    else:
        status = ""
    counts = dict(
        db.session.execute(
            sa.select(OutboundMessage.status, sa.func.count()).group_by(OutboundMessage.status)
        ).all()
    )
    page = db.paginate(query, page=page_number(request.args.get("page")), per_page=PER_PAGE, error_out=False)
    return render_template(
        "delivery/deliveries.html", page=page, status=status, counts=counts, statuses=list(DeliveryStatus)
    )


@bp.post("/deliveries/<int:message_id>/retry")
@require(Right.VIEW_DELIVERIES)
def retry_delivery(message_id: int):
    """Send a failed message again."""
    message = db.session.get(OutboundMessage, message_id) or abort(404)
    try:
        retry(message)
    except ValueError:
        if message.status is DeliveryStatus.FAILED:
            flash(
                _(
                    "This mail could not be built, so there is nothing to send again: %(reason)s",
                    reason=message.last_error,
                ),
                "warning",
            )
        else:
            flash(_("Only failed messages can be retried."), "warning")
    else:
        flash(_("The message to %(recipient)s will be sent again.", recipient=message.recipient), "success")
    return redirect(url_for("delivery.deliveries", status=request.args.get("status", "")))
