"""Every refusal of the read API as RFC 9457 problem details (`application/problem+json`): a program
reading the API gets the same four members for a 400, 401, 404, 405 or 429 as for anything else, never an
HTML error page meant for a browser."""

from __future__ import annotations

import json

from flask import Response
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE = "application/problem+json"
#: the headers of an error that a program reading the problem still needs
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiRefusal(HTTPException):
    """A refusal of the API's own, with the headers it needs (`WWW-Authenticate`, `Retry-After`)."""

    def __init__(self, code: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description=detail)
        self.code = code
        self.extra_headers = headers or {}

    def get_headers(self, environ=None, scope=None) -> list[tuple[str, str]]:
        return [*super().get_headers(environ, scope), *self.extra_headers.items()]


def problem(error: HTTPException) -> Response:
    """The problem details for an HTTP error raised anywhere under the API's prefix."""
    status = error.code or 500
    title = HTTP_STATUS_CODES.get(status, "Error")
    body = {
        # No page describes each kind of problem: "about:blank" says the status's title is the whole story.
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": error.description or title,
    }
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in error.get_headers():
        if name in _KEPT_HEADERS:
            response.headers[name] = value
    return response
