"""The audit trail: who changed what and when, for every change made through the application."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .people import Member
from .types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __table_args__ = (sa.Index("ix_audit_entry_subject", "subject_type", "subject_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: when the change was committed
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    #: who made it; empty for the command line and the scheduler
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: created, updated, deactivated, reactivated, invited, imported
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: kind of thing changed: member, organisation, working_group, coordinator_term
    subject_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: its id
    subject_id: so.Mapped[int] = so.mapped_column()
    #: its name at the time, so the entry reads well after renames
    subject_label: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: field -> [old, new] for updates
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    actor: so.Mapped[Member | None] = so.relationship()
