"""Personal API tokens: made and revoked by their member on the profile, shown once, kept as a hash.

A token is 32 random bytes (URL-safe text, prefixed `nmg_` so that a secret scanner and a person can tell
it for what it is). Only its SHA-256 is stored, as for sign-in sessions: a copy of the database opens
nothing. A token reads what its member may read today, so it stops working when the member leaves the
group (roles follow the member, as on the pages) and when the member revokes it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import clock
from ..errors import RuleError
from ..extensions import db
from ..models import ApiToken, Member

PREFIX = "nmg_"
#: tokens a member may hold at once: enough for every program they use, few enough to keep track of
MAX_TOKENS = 10
#: the last use is written at most this often, so that a busy program does not write on every read
LAST_USE_STEP = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def tokens_of(member: Member) -> list[ApiToken]:
    """The member's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.member_id == member.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create(member: Member, name: str) -> str:
    """Make a token for the member and return its secret, which is never shown again."""
    if len(tokens_of(member)) >= MAX_TOKENS:
        raise RuleError(
            _("You hold %(count)d tokens already: revoke one you no longer use first.", count=MAX_TOKENS),
            "name",
        )
    raw = PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(member_id=member.id, name=name.strip(), token_hash=_hash(raw)))
    db.session.commit()
    return raw


def revoke(member: Member, token_id: int) -> ApiToken | None:
    """Revoke one of the member's own tokens; None when the member holds no such working token."""
    token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.member_id == member.id, ApiToken.revoked_at.is_(None)
        )
    )
    if token is not None:
        token.revoked_at = clock.now()
        db.session.commit()
    return token


def token_for(raw: str) -> ApiToken | None:
    """The working token of a current member that `raw` is the secret of, or None."""
    if not raw.startswith(PREFIX):
        return None
    return db.session.scalar(
        sa.select(ApiToken)
        .join(ApiToken.member)
        .where(
            ApiToken.token_hash == _hash(raw),
            ApiToken.revoked_at.is_(None),
            Member.current_clause(clock.today()),
        )
    )


def note_use(token: ApiToken, at: datetime) -> None:
    """Record that the token was used, to the minute: the member sees which tokens are still in use."""
    if token.last_used_at is None or at - token.last_used_at >= LAST_USE_STEP:
        token.last_used_at = at
        db.session.commit()
