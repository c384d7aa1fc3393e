"""The one way mail leaves the application: rendered in the recipient's language, then into the outbox.

Mail a person asked for (an invitation) is dispatched at once as well, so that it arrives while they wait
and a refusal can be shown to them; anything that cannot go now stays in the outbox and the scheduler
retries it. Scheduled mail (reminders) is only enqueued; the scheduler sends it.

A mail that cannot even be built (a recipient's name with a line break that came in before the rules
refused it, a template that fails) never stops the caller's other mail: it is recorded in the outbox as
failed, with the reason, where the deliveries page shows it, and MailDeliveryError says so to the caller.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from .delivery.dispatcher import dispatch
from .delivery.outbox import (
    Attachment,
    HeaderInjectionError,
    ItipCalendar,
    already_enqueued,
    build_message,
    enqueue,
    enqueue_many,
    enqueue_refused,
)
from .extensions import db
from .models import DeliveryStatus, OutboundMessage

__all__ = [
    "Attachment",
    "HeaderInjectionError",
    "ItipCalendar",
    "MailDeliveryError",
    "compose",
    "queue_mails",
    "send_mail",
]


class MailDeliveryError(RuntimeError):
    """The mail server refused the mail for good; the message says why."""


def compose(
    *,
    to_email: str,
    to_name: str,
    language: str,
    subject: Any,
    template: str,
    attachments: tuple[Attachment, ...] = (),
    calendar: ItipCalendar | None = None,
    **context: Any,
) -> EmailMessage:
    """Render a mail from `templates/email/<template>.txt|.html` in the recipient's language.

    `subject` may be a lazy string. Raises HeaderInjectionError for a line break in any header value.
    """
    with force_locale(language):
        subject_text = str(subject)
        context.setdefault("nmg_name", current_app.config["NMG_NAME"])
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject_text, **context)
    return build_message(
        to_email=to_email,
        to_name=to_name,
        subject=subject_text,
        text=text,
        html=html,
        attachments=attachments,
        calendar=calendar,
    )


def _compose_or_record(to_email: str, purpose: str, key: str, mail: dict[str, Any]) -> EmailMessage:
    """The composed mail; one that cannot be built is recorded as failed and MailDeliveryError raised."""
    try:
        return compose(to_email=to_email, **mail)
    except Exception as exc:
        # Whatever the cause, this one mail is lost and said so; the caller goes on with the others.
        current_app.logger.exception("mail %s to %s could not be built", key, to_email)
        reason = str(exc) if isinstance(exc, HeaderInjectionError) else f"could not be built: {exc}"
        enqueue_refused(purpose, key, to_email, str(mail.get("subject", "")), reason)
        db.session.commit()
        raise MailDeliveryError(reason) from exc


def send_mail(
    *,
    to_email: str,
    purpose: str,
    dedupe_key: str | None = None,
    now: bool = True,
    **mail: Any,
) -> int | None:
    """Compose a mail (see `compose`) and put it in the outbox.

    Without a `dedupe_key` the mail is new every time (a second invitation is a second mail). With `now`,
    it is dispatched at once. Returns the outbox id, or None when a mail with the same key was already there.
    """
    key = dedupe_key or f"{purpose}:{to_email}:{uuid.uuid4().hex}"
    message = _compose_or_record(to_email, purpose, key, mail)
    message_id = enqueue(purpose, key, to_email, message)
    db.session.commit()
    if now and message_id is not None:
        dispatch(only_ids=[message_id])
        row = db.session.get(OutboundMessage, message_id)
        if row.status is DeliveryStatus.FAILED:
            raise MailDeliveryError(row.last_error or "refused")
    return message_id


def queue_mails(purpose: str, mails: list[tuple[str, str, dict[str, Any]]]) -> list[int]:
    """Compose and queue many mails of one purpose at once: (dedupe key, address, what `compose` takes).

    Keys already in the outbox are skipped before anything is rendered; a mail that cannot be built is
    recorded as failed and the others go on. Returns the ids of the rows added.
    """
    done = already_enqueued([key for key, _address, _mail in mails])
    composed = []
    for key, address, mail in mails:
        if key in done:
            continue
        with suppress(MailDeliveryError):
            composed.append((purpose, key, address, _compose_or_record(address, purpose, key, mail)))
    ids = enqueue_many(composed)
    db.session.commit()
    return ids
