"""Personal API tokens: a member's key to the read API, for programs that read what the member may read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .people import Member
from .types import UTCDateTime, utcnow

#: the only scope a token has: the API has no route that changes anything
READ_SCOPE = "read"


class ApiToken(db.Model):
    """One token. The secret is shown to the member once; only its hash is kept, as for sessions."""

    __table_args__ = (sa.CheckConstraint(f"scope = '{READ_SCOPE}'", name="read_only"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: whose token it is; the token reads what this member may read
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    #: what the member calls it, to tell their tokens apart ("my spreadsheet")
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: SHA-256 of the secret, in hex
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: what the token may do
    scope: so.Mapped[str] = so.mapped_column(sa.String(20), default=READ_SCOPE)
    #: when it was made
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: when a request last came with it, to the minute (None: never used)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: when the member revoked it; a revoked token answers 401
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    member: so.Mapped[Member] = so.relationship()
