"""Access logs never hold a whole secret from a URL: a feed secret would let anyone who reads them follow a
member; an invitation, reset or answer link would let them act as the member.

The redaction follows the routes, not the token: for each route in `SECRET_ROUTES` the path up to its
secret (each character as written or percent-encoded, slashes doubled or not, as the router takes them)
is found in the line, and everything after it up to the end of that path part is cut after six
characters, whatever it is made of: a token followed by `)`, `;`, `,` or `%20` goes with it. A path part
ends only at `/`, `?`, `#`, a quote, white space or, for a route such as `/calendar/<token>.ics`, the
literal text that follows the secret in the route.
"""

from __future__ import annotations

import logging
import re

from flask import Flask
from werkzeug.routing import Map

#: every route whose path carries a secret, and the variable that holds it: the personal feed, invitation
#: and reset links, answer links, the e-news confirmation and unsubscribe links, and the links confirming
#: and withdrawing a visitor's answer to a public consultation
SECRET_ROUTES = {
    "auth.accept_invitation": "token",
    "auth.reset_password": "token",
    "calendar.member_feed": "token",
    "calendar.rsvp_link": "token",
    "governance.confirm_public_answer": "token",
    "governance.withdraw_public_answer": "token",
    "news.confirm": "token",
    "news.erase_subscription": "token",
    "news.unsubscribe_page": "token",
    "news.unsubscribe": "token",
}
#: characters of a secret kept in the log, to tell two requests apart
KEPT = 6
_END = "/?#\"'\\s"
_VARIABLE = re.compile(r"(<[^>]+>)")


def _literal(text: str) -> str:
    """A pattern for `text` as it may stand in a request line: each character as itself or %-encoded."""
    pattern = []
    for char in text:
        encoded = "".join(f"%{byte:02x}" for byte in char.encode())
        if char == "/":
            pattern.append("(?:/|(?i:%2f))+")
        else:
            pattern.append(f"(?:{re.escape(char)}|(?i:{re.escape(encoded)}))")
    return "".join(pattern)


def _route_pattern(rule: str, variable: str, public: set[str]) -> re.Pattern[str]:
    parts = _VARIABLE.split(rule)
    at = parts.index(next(p for p in parts if p.startswith("<") and p.rstrip(">").endswith(variable)))
    head = "".join(_literal(p) if not p.startswith("<") else f"[^{_END}]+" for p in parts[:at])
    tail = parts[at + 1].split("/")[0] if at + 1 < len(parts) else ""
    stop = f"(?={_literal(tail)}(?:[{_END}]|$)|[{_END}]|$)" if tail else f"(?=[{_END}]|$)"
    allowed = "".join(f"(?!{re.escape(value)}{stop})" for value in sorted(public))
    return re.compile(f"({head}){allowed}([^{_END}]{{0,{KEPT}}})[^{_END}]*?{stop}")


def patterns(url_map: Map) -> list[re.Pattern[str]]:
    """One pattern per secret-carrying route of the map; a path of another route that the same pattern
    would match (`/calendar/public.ics` beside `/calendar/<token>.ics`) is left alone."""
    rules = list(url_map.iter_rules())
    found = []
    for rule in rules:
        variable = SECRET_ROUTES.get(rule.endpoint)
        if variable is None:
            continue
        before, _, after = rule.rule.partition(f"<{variable}>")
        # Static paths beside the route: what stands in the secret's place is not a secret.
        public = {
            other.rule[len(before) : len(other.rule) - len(after)]
            for other in rules
            if "<" not in other.rule
            and other.rule.startswith(before)
            and other.rule.endswith(after)
            and len(other.rule) > len(before) + len(after)
        }
        found.append(_route_pattern(rule.rule, variable, public))
    return found


class RedactSecrets(logging.Filter):
    def __init__(self, url_map: Map) -> None:
        super().__init__()
        self.patterns = patterns(url_map)

    def redact(self, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(lambda m: f"{m[1]}{m[2]}…", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def init_app(app: Flask) -> None:
    """After the routes are registered: the filter reads them from the URL map."""
    redactor = RedactSecrets(app.url_map)
    app.extensions["redact_secrets"] = redactor
    # The development server's and gunicorn's request logs, and the application's own.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RedactSecrets)]:
            logger.removeFilter(old)
        logger.addFilter(redactor)


def redact(text: str) -> str:
    """The text as the logs write it, by the filter of the application built last."""
    return next(f for f in logging.getLogger("werkzeug").filters if isinstance(f, RedactSecrets)).redact(text)
