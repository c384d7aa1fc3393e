"""One-click answers from invitation and reminder mails: signed, bound to one invitee (a member, or a guest
who has no account and answers only this way or from their calendar app), one meeting and the address the
mail went to, so that a changed e-mail voids the links sent to the old one."""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..meetings import visibility
from ..models import Invitation, Meeting, Rsvp
from ..permissions import roles_of

_SALT = "nmg-ops/rsvp"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _address_mark(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:12]


def rsvp_token(invitation: Invitation) -> str:
    # A member is named by their record, a guest by their invitation: a guest has nothing else.
    who = {"m": invitation.member_id} if invitation.member_id is not None else {"g": invitation.id}
    return _serializer().dumps({**who, "i": invitation.meeting_id, "e": _address_mark(invitation.email)})


def rsvp_links(invitation: Invitation) -> dict[str, str]:
    """Answer -> link, for members and guests alike."""
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
    who = data.get("g", data.get("m"))
    if not isinstance(who, int) or not isinstance(data.get("i"), int):
        return None
    guest = sa.and_(Invitation.id == who, Invitation.member_id.is_(None))
    invitee = guest if "g" in data else Invitation.member_id == who
    invitation = db.session.scalar(db.select(Invitation).where(invitee, Invitation.meeting_id == data["i"]))
    if (
        invitation is None
        or not isinstance(invitation.meeting, Meeting)
        or not invitation.email
        or not hmac.compare_digest(str(data.get("e", "")), _address_mark(invitation.email))
        or not visibility.may_see(invitation.meeting, True, roles_of(invitation.member))
    ):
        return None
    return invitation
