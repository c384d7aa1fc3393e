from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import found_or_404
from ..extensions import db
from ..forms import page_number
from ..models import DeliveryStatus, OutboundMessage
from ..permissions import Right, require
from . import bp, queries
from .dispatcher import retry


@bp.route("/deliveries")
@require(Right.VIEW_DELIVERIES)
def deliveries():
    """What was sent, to whom and when, what failed and why."""
    status = request.args.get("status", "")
    if status not in {s.value for s in DeliveryStatus}:
        status = ""
    page = queries.deliveries(
        DeliveryStatus(status) if status else None, page_number(request.args.get("page"))
    )
    return render_template(
        "delivery/deliveries.html",
        page=page,
        status=status,
        counts=queries.counts_by_status(),
        statuses=list(DeliveryStatus),
        unknown_status=DeliveryStatus.UNKNOWN,
        refused_replies=queries.refused_replies(),
    )


@bp.post("/deliveries/<int:message_id>/retry")
@require(Right.VIEW_DELIVERIES)
def retry_delivery(message_id: int):
    """Send a failed message again."""
    message = found_or_404(db.session.get(OutboundMessage, message_id))
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
