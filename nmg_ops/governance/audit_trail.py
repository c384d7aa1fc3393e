"""Reading the audit trail: who changed what and when, filtered and a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..forms import lenient, record_id
from ..models import AuditEntry, Member
from ..models.audit import subject_type_name

AUDIT_PER_PAGE = 50

#: the actor filter's value for changes made from the command line or by the scheduler
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditFilter:
    subject_type: str | None = None
    #: a member id, SYSTEM_ACTOR, or None for everyone
    actor: int | str | None = None

    @classmethod
    def from_args(cls, subject_type: str | None, actor: str | None) -> AuditFilter:
        """Read the filter from query parameters, ignoring values that cannot be meant."""
        subject_type = (subject_type or "").strip()[:40] or None
        if actor == SYSTEM_ACTOR:
            return cls(subject_type, SYSTEM_ACTOR)
        return cls(subject_type, lenient(record_id)(actor))

    def as_args(self) -> dict[str, str]:
        """The filter as query parameters, for links to other pages of the same view."""
        args = {"type": self.subject_type, "actor": str(self.actor) if self.actor is not None else None}
        return {name: value for name, value in args.items() if value}


def audit_entries(page: int, criteria: AuditFilter) -> Pagination:
    """One page of the trail, newest first, with the actors loaded in the same query."""
    query = sa.select(AuditEntry).options(so.joinedload(AuditEntry.actor))
    if criteria.subject_type:
        query = query.where(AuditEntry.subject_type == criteria.subject_type)
    if criteria.actor == SYSTEM_ACTOR:
        query = query.where(AuditEntry.actor_id.is_(None))
    elif criteria.actor is not None:
        query = query.where(AuditEntry.actor_id == criteria.actor)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=AUDIT_PER_PAGE, error_out=False)


def audit_subject_types() -> list[tuple[str, str]]:
    """The kinds of subject in the trail, each with its name in the reader's language."""
    codes = db.session.scalars(
        sa.select(AuditEntry.subject_type).distinct().order_by(AuditEntry.subject_type)
    )
    return [(code, subject_type_name(code)) for code in codes]


def audit_actors() -> list[Member]:
    """Members who appear in the trail as actors, by name."""
    actor_ids = sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.id.in_(actor_ids)).order_by(Member.full_name, Member.id)
        )
    )
