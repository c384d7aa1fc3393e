"""Answering calendar apps that ask whether a feed changed, before the web framework does anything else.

Every subscribed calendar app asks for its feed every hour or so, and nearly always hears "not modified".
That answer needs the feed's state (one query) and nothing else: no routing, session, sign-in or page
machinery. So a conditional request for a feed is checked here, in front of the application; a feed that
changed, an unknown secret or a request without a validator goes on to the feed routes, which reuse the
state already read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from email.utils import format_datetime as http_date
from typing import Any

from flask import Flask, request
from werkzeug.http import parse_etags

from . import feeds

#: the personal feeds' secrets and "public" for the public feed, as the feed routes take them
FEED_PATH = re.compile(r"/calendar/([A-Za-z0-9_-]{1,100})\.ics")
#: where the state read here waits for the feed route
STATE_KEY = "nmg_ops.feed_state"
PUBLIC = "public"


def feed_state(name: str) -> feeds.FeedState | None:
    """The state of the public feed, or of the personal feed the secret opens (None for a dead secret)."""
    return feeds.public_feed_state() if name == PUBLIC else feeds.member_feed_state(name)


def current_state(name: str) -> feeds.FeedState | None:
    """For the feed routes: the state this request already read, else read now."""
    if STATE_KEY in request.environ:
        return request.environ[STATE_KEY]
    return feed_state(name)


def validators(state: feeds.FeedState) -> list[tuple[str, str]]:
    """The headers by which a calendar app knows next time whether its copy is current."""
    headers = [("ETag", f'"{state.etag}"'), ("Cache-Control", "private, max-age=0, must-revalidate")]
    if state.changed is not None:
        headers.append(("Last-Modified", http_date(state.changed, usegmt=True)))
    return headers


class Revalidation:
    """WSGI middleware: 304 for a conditional request whose feed has not changed; the rest passes on."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.next = app.wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        validator = environ.get("HTTP_IF_NONE_MATCH")
        if validator and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            match = FEED_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match:
                with self.app.app_context():
                    state = feed_state(match[1])
                environ[STATE_KEY] = state
                if state is not None and parse_etags(validator).contains_weak(state.etag):
                    start_response("304 Not Modified", validators(state))
                    return []
        return self.next(environ, start_response)
