"""The one way mail leaves the application.

Every mail is rendered in its recipient's language from `templates/email/<name>.txt` and `.html`,
checked for header injection, and handed to SMTP or, when no SMTP server is configured, written to
the outbox folder as an `.eml` file that any mail client opens.
"""

from __future__ import annotations

import smtplib
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from . import clock
from .extensions import mail


class HeaderInjectionError(ValueError):
    """A header value holds a line break, which would let it forge further headers."""


class MailDeliveryError(RuntimeError):
    """The mail server refused the mail or could not be reached; the message says why."""


def _check_header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjectionError(f"the {name} header contains a line break and was not sent")
    return value


def send_mail(
    *,
    to_email: str,
    to_name: str,
    language: str,
    subject: Any,
    template: str,
    **context: Any,
) -> Message:
    """Render and send one mail; `subject` may be a lazy string, rendered in the recipient's language."""
    with force_locale(language):
        subject_text = str(subject)
        context.setdefault("nmg_name", current_app.config["NMG_NAME"])
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject_text, **context)
    _check_header("Subject", subject_text)
    _check_header("To", to_email)
    _check_header("To", to_name)
    sender = _check_header("From", current_app.config["MAIL_DEFAULT_SENDER"])
    message = Message(
        subject=subject_text,
        recipients=[(to_name, to_email)],
        body=text,
        html=html,
        sender=sender,
    )
    message.msgId = make_msgid(domain=current_app.config["MAIL_DOMAIN"])
    if current_app.config["MAIL_SERVER"]:
        try:
            mail.send(message)
        except (smtplib.SMTPException, OSError) as exc:
            current_app.logger.warning("mail to %s not sent: %s", to_email, exc)
            raise MailDeliveryError(str(exc) or type(exc).__name__) from exc
    else:
        _write_eml(message)
    return message


def _write_eml(message: Message) -> Path:
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    local_part = message.msgId.strip("<>").split("@", 1)[0]
    path = outbox / f"{stamp}-{local_part}.eml"
    path.write_bytes(message.as_bytes())
    return path
