"""Signed links of the e-news, each good for one thing only.

A confirmation link names the subscriber and the nonce of their latest request and expires; a newer
request voids older links. An unsubscribe link never expires (an old issue's footer must still work) and
names the member or subscriber and a mark of the address it was sent to, so that it stops working for an
address that has since changed. The salts keep one kind of link from being replayed as the other.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..models import NewsEdition

_CONFIRM_SALT = "nmg-ops/news-confirm"
_UNSUBSCRIBE_SALT = "nmg-ops/news-unsubscribe"


def _address_mark(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:12]


def confirm_token(subscriber_id: int, nonce: str) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT).dumps(
        {"s": subscriber_id, "n": nonce}
    )


def read_confirm_token(token: str) -> tuple[int, str] | None:
    """(subscriber id, nonce) of a genuine link younger than NEWS_CONFIRM_DAYS, else None."""
    max_age = int(current_app.config["NEWS_CONFIRM_DAYS"]) * 86400
    try:
        data = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT).loads(
            token, max_age=max_age
        )
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("n"), str):
        return None
    return data["s"], data["n"]


@dataclass(frozen=True)
class UnsubscribeRequest:
    edition: NewsEdition
    #: the member's id for the members' edition, the subscriber's for the public one
    holder_id: int
    address_mark: str

    def matches(self, email: str) -> bool:
        return hmac.compare_digest(self.address_mark, _address_mark(email))


def unsubscribe_token(edition: NewsEdition, holder_id: int, email: str) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT).dumps(
        {"d": edition.value, "i": holder_id, "a": _address_mark(email)}
    )


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("d") not in {edition.value for edition in NewsEdition}
        or not isinstance(data.get("i"), int)
        or not isinstance(data.get("a"), str)
    ):
        return None
    return UnsubscribeRequest(NewsEdition(data["d"]), data["i"], data["a"])


def unsubscribe_url(edition: NewsEdition, holder_id: int, email: str) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/news/unsubscribe/{unsubscribe_token(edition, holder_id, email)}"


def confirm_url(subscriber_id: int, nonce: str) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/news/confirm/{confirm_token(subscriber_id, nonce)}"
