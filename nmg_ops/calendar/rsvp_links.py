"""One-click answers from invitation and reminder mails: signed, bound to one member, one meeting and the
address the mail went to, so that a changed e-mail voids the links sent to the old one."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..meetings import visibility
from ..models import Invitation, Meeting, Member, Rsvp
from ..permissions import roles_of

_SALT = "nmg-ops/rsvp"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _address_mark(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:12]


def rsvp_token(invitation: Invitation) -> str:
    return _serializer().dumps(
        {"m": invitation.member_id, "i": invitation.meeting_id, "e": _address_mark(invitation.email)}
    )


def rsvp_links(invitation: Invitation) -> dict[str, str]:
    """Answer -> link, for members (guests answer from their calendar app)."""
    if invitation.member_id is None:
        return {}
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    token = rsvp_token(invitation)
    return {answer.value: f"{base}/rsvp/{token}/{answer.value}" for answer in Rsvp}


def invitation_for(token: str) -> Invitation | None:
    """The invitation a link was made for, if it is genuine, the person is still invited and the meeting is
    one they may see (never a draft, for a member who does not organise it)."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    invitation = db.session.scalar(
        db.select(Invitation).where(
            Invitation.member_id == data.get("m"), Invitation.meeting_id == data.get("i")
        )
    )
    if (
        invitation is None
        or not isinstance(invitation.member, Member)
        or not isinstance(invitation.meeting, Meeting)
        or not hmac.compare_digest(str(data.get("e", "")), _address_mark(invitation.email))
        or not visibility.may_see(invitation.meeting, True, roles_of(invitation.member))
    ):
        return None
    return invitation
