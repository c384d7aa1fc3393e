"""The scheduler's reading of the partnership's published self-assessments.

Each address is fetched with the validators last seen (If-None-Match, If-Modified-Since): a 304 keeps the
document already kept. The whole exchange has PARTNERSHIP_FETCH_TIMEOUT_SECONDS, redirects included, and
an answer longer than PARTNERSHIP_FETCH_MAX_BYTES is cut off and refused, so a server that stalls or
streams without end costs the job seconds, not the tick. The name is resolved here and the connection
made to the address checked, not to the name again, so a name that resolves to a private address
between the check and the connection reaches nothing (`sources.is_private`).

The network is read outside any transaction; each source's outcome is committed on its own, so that one
that fails is shown with its reason and the others are still read.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ... import clock
from ...extensions import db
from ...models import PartnershipSource, SourceOutcome
from ..self_assessment.importing import ImportRefused, documents_in
from .sources import is_private, keep, max_bytes, private_allowed
from .view import said

#: redirects followed before the address counts as broken
MAX_REDIRECTS = 3
CHUNK = 16384


class FetchFailed(Exception):
    """Why an address gave no document, in words for the page."""


@dataclass(frozen=True)
class Answer:
    #: None for a 304
    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


class _Pinned(http.client.HTTPConnection):
    """A connection to the address checked, whatever the name resolves to by now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(_("The address is not an http(s) address."))
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchFailed(_("The server’s name %(host)s is not known.", host=parts.hostname)) from None
    addresses = [str(info[4][0]) for info in found]
    if not private_allowed() and any(is_private(address) for address in addresses):
        raise FetchFailed(_("The address leads to this server or a private network, which is not read."))
    kind = _PinnedTLS if https else _Pinned
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return kind(parts.hostname, port, addresses[0], timeout), path


def _read_body(response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> bytes:
    limit = max_bytes()
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise FetchFailed(_("The answer is larger than %(size)d KB.", size=limit // 1024))
    body = b""
    while len(body) <= limit:
        _left(sock, deadline)
        # read1 returns what has come; read(n) would wait for n bytes from a server sending drop by drop.
        chunk = response.read1(CHUNK)
        if not chunk:
            return body
        body += chunk
    raise FetchFailed(_("The answer is larger than %(size)d KB.", size=limit // 1024))


def _left(sock: socket.socket, deadline: float) -> None:
    """Give the next network step what is left of the whole exchange's time."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    sock.settimeout(left)


def _get(url: str, headers: dict[str, str], deadline: float) -> tuple[str, Answer]:
    """One request: where a redirect leads (else ""), or the answer of a 200 or 304."""
    connection, path = _connection(url, max(deadline - time.monotonic(), 0.001))
    try:
        connection.connect()
        sock = connection.sock
        _left(sock, deadline)
        connection.request("GET", path, headers=headers)
        _left(sock, deadline)
        with connection.getresponse() as response:
            if response.status in (301, 302, 303, 307, 308):
                return urljoin(url, response.getheader("Location") or ""), Answer(None)
            if response.status == 304:
                return "", Answer(None)
            if response.status != 200:
                raise FetchFailed(
                    _(
                        "The server answered %(status)d %(reason)s.",
                        status=response.status,
                        reason=response.reason,
                    )
                )
            body = _read_body(response, sock, deadline)
            return "", Answer(body, response.getheader("ETag"), response.getheader("Last-Modified"))
    finally:
        connection.close()


def fetch(url: str, etag: str | None, last_modified: str | None) -> Answer:
    """The document at the address, or None as body for a 304; raises `FetchFailed` saying why not."""
    seconds = current_app.config["PARTNERSHIP_FETCH_TIMEOUT_SECONDS"]
    deadline = time.monotonic() + seconds
    headers = {"Accept": "application/json", "User-Agent": "nmg-ops partnership view"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        for _redirect in range(MAX_REDIRECTS + 1):
            location, answer = _get(url, headers, deadline)
            if not location:
                return answer
            url = location
    except TimeoutError:
        raise FetchFailed(
            _("The server did not answer within %(seconds)d seconds.", seconds=seconds)
        ) from None
    except ssl.SSLError as exc:
        raise FetchFailed(_("The secure connection failed: %(error)s", error=exc.reason or exc)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchFailed(_("The server could not be reached: %(error)s", error=exc)) from None
    raise FetchFailed(_("The address redirects more than %(num)d times.", num=MAX_REDIRECTS))


def read_source(source: PartnershipSource, answer: Answer | FetchFailed, now: datetime) -> None:
    """Record what a fetch gave: the documents kept, the validators for next time, or why it failed."""
    source.read_at = now
    if isinstance(answer, FetchFailed):
        source.outcome, source.error = SourceOutcome.FAILED, str(answer)[:1000]
        return
    if answer.body is None:
        source.outcome, source.error = SourceOutcome.UNCHANGED, ""
        return
    try:
        documents = documents_in(answer.body, max_bytes())
    except ImportRefused as exc:
        source.outcome, source.error = SourceOutcome.FAILED, said(exc.problems or [str(exc)])[:1000]
        return
    keep(source, documents)
    source.etag, source.last_modified = answer.etag, answer.last_modified


def fetch_sources(now: datetime) -> str:
    """Fetch every address once; what a scheduler run does where the partnership view is on."""
    if not current_app.config["PARTNERSHIP_VIEW"]:
        return "partnership view off"
    due: list[tuple[int, str, Any, Any]] = [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                PartnershipSource.id,
                PartnershipSource.url,
                PartnershipSource.etag,
                PartnershipSource.last_modified,
            )
            .where(PartnershipSource.url.is_not(None))
            .order_by(PartnershipSource.id)
        )
    ]
    # No transaction stays open while the network is read.
    db.session.commit()
    outcomes: dict[str, int] = {}
    for source_id, url, etag, last_modified in due:
        # Outside a request the error's words are the group's language (DEFAULT_LANGUAGE), stored once.
        try:
            answer: Answer | FetchFailed = fetch(url, etag, last_modified)
        except FetchFailed as exc:
            answer = exc
        source = db.session.get(PartnershipSource, source_id)
        if source is None:
            continue  # removed while it was fetched
        read_source(source, answer, clock.now())
        outcome = source.outcome.value
        db.session.commit()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "no source"
