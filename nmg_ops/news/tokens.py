"""Signed links of the e-news, each good for one thing only.

A confirmation link names the subscriber and the nonce of their latest request and expires; a newer
request voids older links. An unsubscribe link never expires (an old issue's footer must still work) and
names the member or subscriber and a mark of the address it was sent to, so that it stops working for an
address that has since changed. The salts keep one kind of link from being replayed as the other.

An unsubscribe link is forwarded, pasted and kept in mail archives, so it carries nothing readable: the
edition, the holder's id and a keyed mark of the address are sealed with AES-GCM under a key derived from
SECRET_KEY (a random nonce each time, so two links for one person do not even look alike). Links of the
earlier, only signed, form (whose id and unkeyed address hash anyone could read) still work, so that the
footers of issues already sent keep their promise; no new one is made.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..models import NewsEdition

_CONFIRM_SALT = "nmg-ops/news-confirm"
_UNSUBSCRIBE_SALT = "nmg-ops/news-unsubscribe"
_SEALED_KEY_LABEL = b"nmg-ops/news-unsubscribe/sealed"
#: edition, holder id, address mark: the same length for everyone, so the length tells nothing either
_SEALED = struct.Struct(">BQ16s")
_EDITION_CODES = {NewsEdition.MEMBERS: 1, NewsEdition.PUBLIC: 2}
_NONCE = 12


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


def _sealing_key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, _SEALED_KEY_LABEL, hashlib.sha256).digest()


def _keyed_mark(email: str) -> bytes:
    return hmac.new(_sealing_key(), email.encode(), hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class UnsubscribeRequest:
    edition: NewsEdition
    #: the member's id for the members' edition, the subscriber's for the public one
    holder_id: int
    address_mark: str | bytes

    def matches(self, email: str) -> bool:
        if isinstance(self.address_mark, bytes):
            return hmac.compare_digest(self.address_mark, _keyed_mark(email))
        return hmac.compare_digest(self.address_mark, _address_mark(email))


def unsubscribe_token(edition: NewsEdition, holder_id: int, email: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(_sealing_key()).encrypt(
        nonce, _SEALED.pack(_EDITION_CODES[edition], holder_id, _keyed_mark(email)), _SEALED_KEY_LABEL
    )
    return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")


def _read_sealed(token: str) -> UnsubscribeRequest | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        opened = AESGCM(_sealing_key()).decrypt(raw[:_NONCE], raw[_NONCE:], _SEALED_KEY_LABEL)
        code, holder_id, mark = _SEALED.unpack(opened)
    except (binascii.Error, ValueError, InvalidTag, struct.error):
        return None
    edition = next((e for e, c in _EDITION_CODES.items() if c == code), None)
    return UnsubscribeRequest(edition, holder_id, mark) if edition is not None else None


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    """What a link of either form names, or None for a link we did not make."""
    if "." not in token:
        return _read_sealed(token)
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
