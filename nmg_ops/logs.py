"""Access logs never hold a whole secret from a URL: a feed secret would let anyone who reads them follow a
member; an invitation, reset or answer link would let them act as the member."""

from __future__ import annotations

import logging
import re

from flask import Flask

# Every route whose path carries a secret: the personal feed, invitation and reset links, answer links,
# the e-news confirmation and unsubscribe links.
_SECRET_IN_PATH = re.compile(
    r"(/calendar/|/invitation/|/password/reset/|/rsvp/|/news/confirm/|/news/unsubscribe/)([A-Za-z0-9_-]{6})[A-Za-z0-9_.~=-]+"
    r"(?=\.ics|/|\?|\s|\"|$)"
)


def redact(text: str) -> str:
    return _SECRET_IN_PATH.sub(lambda m: m[0] if m[2] == "public" else f"{m[1]}{m[2]}…", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def init_app(app: Flask) -> None:
    # The development server's and gunicorn's request logs, and the application's own.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
