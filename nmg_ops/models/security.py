"""Sign-in attempts, reset requests and open sessions: kept in the database so that every worker process
applies the same brakes, and so that signing out ends a session on the server, not only in the browser."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .types import UTCDateTime, utcnow


class _KnockOnTheDoor:
    """What the brakes count: who knocked, for which address, when."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: when it happened
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: the address typed in, lower-case, whether or not a member has it
    email: so.Mapped[str] = so.mapped_column(sa.String(320))
    #: the client's network address
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64))


class SignInAttempt(_KnockOnTheDoor, db.Model):
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempt_remote_addr_at", "remote_addr", "at"),
    )

    #: whether the password was right
    is_success: so.Mapped[bool] = so.mapped_column()


class PasswordResetRequest(_KnockOnTheDoor, db.Model):
    __table_args__ = (
        sa.Index("ix_password_reset_request_email_at", "email", "at"),
        sa.Index("ix_password_reset_request_remote_addr_at", "remote_addr", "at"),
    )

    #: whether a mail went out (the brake had not stopped it and the address is a member's)
    is_mailed: so.Mapped[bool] = so.mapped_column(default=False)


class SignInSession(db.Model):
    """One signed-in browser. Its secret is in the session and remember cookies; only its hash is here."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: whose session it is
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the session secret
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: when the member signed in
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
