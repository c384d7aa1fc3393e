"""Sign-in attempts, kept to slow down password guessing across every worker process."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .types import UTCDateTime, utcnow


class SignInAttempt(db.Model):
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempt_remote_addr_at", "remote_addr", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: when it happened
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: the address typed in, lower-case, whether or not a member has it
    email: so.Mapped[str] = so.mapped_column(sa.String(320))
    #: the client's network address
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: whether the password was right
    is_success: so.Mapped[bool] = so.mapped_column()
