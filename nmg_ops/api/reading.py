"""Who reads the API in this request, and whether they may make another request this minute.

A request carrying `Authorization: Bearer <token>` reads as the token's member; a browser signed in to the
site reads as its member (the API only reads, with GET: no form can be forged against it); anyone else
reads what the public pages show. A token that is not one (unknown, revoked, its member gone) is refused
with 401 even on a public operation, so that a program notices its token stopped working.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..models import ApiToken, Member
from ..permissions import Role, current_roles, roles_of
from . import tokens
from .limits import RateLimiter
from .problems import ApiRefusal

#: the challenge of every 401: the API takes bearer tokens
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


@dataclass(frozen=True)
class ApiReader:
    member: Member | None
    roles: frozenset[Role]
    token: ApiToken | None = None

    @property
    def member_id(self) -> int | None:
        return self.member.id if self.member is not None else None


def limiter() -> RateLimiter:
    return current_app.extensions["nmg_api_limiter"]


def current_reader() -> ApiReader:
    """The reader of this request, counted against their limit (429 past it)."""
    header = request.headers.get("Authorization")
    if header is None:
        _count(f"address:{request.remote_addr}", "API_ADDRESS_REQUESTS_PER_MINUTE")
        if current_user.is_authenticated:
            return ApiReader(current_user._get_current_object(), current_roles())
        return ApiReader(None, frozenset({Role.PUBLIC}))
    scheme, _space, raw = header.partition(" ")
    token = tokens.token_for(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        # Guesses count against the address they come from.
        _count(f"address:{request.remote_addr}", "API_ADDRESS_REQUESTS_PER_MINUTE")
        raise ApiRefusal(
            401,
            _("The token is not valid: it was revoked, its member has left, or it is mistyped."),
            CHALLENGE,
        )
    _count(f"token:{token.id}", "API_TOKEN_REQUESTS_PER_MINUTE")
    tokens.note_use(token, clock.now())
    return ApiReader(token.member, roles_of(token.member), token)


def _count(key: str, setting: str) -> None:
    wait = limiter().wait_seconds(key, int(current_app.config[setting]))
    if wait:
        raise ApiRefusal(
            429,
            _("Too many requests: try again in %(seconds)d seconds.", seconds=wait),
            {"Retry-After": str(wait)},
        )


def member_required(reader: ApiReader) -> Member:
    """The member an operation for members reads as; 401 for anyone else."""
    if reader.member is None:
        raise ApiRefusal(401, _("This operation needs a personal API token."), CHALLENGE)
    return reader.member
