"""The one way mail leaves the application: rendered in the recipient's language, then into the outbox.

Mail a person asked for (an invitation, a password reset) is dispatched at once as well, so that it arrives
while they wait and a refusal can be shown to them; anything that cannot go now stays in the outbox and the
scheduler retries it. Scheduled mail (reminders) is only enqueued; the scheduler sends it.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from .delivery.dispatcher import dispatch
from .delivery.outbox import Attachment, HeaderInjectionError, ItipCalendar, build_message, enqueue
from .extensions import db
from .models import DeliveryStatus, OutboundMessage

__all__ = ["Attachment", "HeaderInjectionError", "ItipCalendar", "MailDeliveryError", "send_mail"]


class MailDeliveryError(RuntimeError):
    """The mail server refused the mail for good; the message says why."""


def send_mail(
    *,
    to_email: str,
    to_name: str,
    language: str,
    subject: Any,
    template: str,
    purpose: str,
    dedupe_key: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    calendar: ItipCalendar | None = None,
    now: bool = True,
    **context: Any,
) -> int | None:
    """Render a mail from `templates/email/<template>.txt|.html` and put it in the outbox.

    `subject` may be a lazy string: it is rendered in the recipient's language. Without a `dedupe_key` the
    mail is new every time (a second invitation is a second mail). With `now`, it is dispatched at once.
    Returns the outbox id, or None when a mail with the same key was already there.
    """
    with force_locale(language):
        subject_text = str(subject)
        context.setdefault("nmg_name", current_app.config["NMG_NAME"])
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject_text, **context)
    message = build_message(
        to_email=to_email,
        to_name=to_name,
        subject=subject_text,
        text=text,
        html=html,
        attachments=attachments,
        calendar=calendar,
    )
    message_id = enqueue(purpose, dedupe_key or f"{purpose}:{to_email}:{uuid.uuid4().hex}", to_email, message)
    db.session.commit()
    if now and message_id is not None:
        dispatch(only_ids=[message_id])
        row = db.session.get(OutboundMessage, message_id)
        if row.status is DeliveryStatus.FAILED:
            raise MailDeliveryError(row.last_error or "refused")
    return message_id
