"""The audit trail: who changed what and when, for every change made through the application."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .people import Member
from .types import UTCDateTime, utcnow
from .vocab import AuditAction, AuditSubject


class AuditEntry(db.Model):
    __table_args__ = (sa.Index("ix_audit_entry_subject", "subject_type", "subject_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: when the change was committed
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    #: who made it; empty for the command line and the scheduler
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: what happened, one of `AuditAction`
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: kind of thing changed, one of `AuditSubject`
    subject_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: its id
    subject_id: so.Mapped[int] = so.mapped_column()
    #: its name at the time, so the entry reads well after renames
    subject_label: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: field -> [old, new] for updates
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    actor: so.Mapped[Member | None] = so.relationship()

    @property
    def action_name(self) -> str:
        """The action as the reader's language says it (an action no longer known reads as stored)."""
        return AuditAction(self.action).label if self.action in set(AuditAction) else self.action

    @property
    def subject_type_name(self) -> str:
        return subject_type_name(self.subject_type)


def subject_type_name(code: str) -> str:
    return AuditSubject(code).label if code in set(AuditSubject) else code
