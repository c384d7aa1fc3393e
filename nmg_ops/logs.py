"""Access logs never hold a whole calendar feed secret: it would let anyone who reads them follow a member."""

from __future__ import annotations

import logging
import re

from flask import Flask

_FEED_SECRET = re.compile(r"(/calendar/)([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+(\.ics)")


def redact(text: str) -> str:
    return _FEED_SECRET.sub(r"\1\2…\3", text)


class RedactFeedSecrets(logging.Filter):
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
        if not any(isinstance(f, RedactFeedSecrets) for f in logger.filters):
            logger.addFilter(RedactFeedSecrets())
