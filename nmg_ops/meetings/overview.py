"""The start page's view of the meetings: what is next for me, and what the organisers still have to do
(the minutes and actions are `minutes.overview`). A fixed number of statements whatever the size of the
record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import clock
from ..extensions import db
from ..models import Invitation, Meeting, MeetingStatus, MeetingType
from ..permissions import Right, can, current_roles
from . import attendance, cadence, visibility

#: how many of my upcoming meetings the start page lists
NEXT_MEETINGS = 3
#: drafts starting sooner than this are due for confirmation
CONFIRM_WITHIN = timedelta(days=60)


@dataclass
class Overview:
    next_invitations: list[Invitation] = field(default_factory=list)
    #: of those, the invitations still open for an answer (by id): the page offers yes, maybe and no
    answerable: set[int] = field(default_factory=set)
    cadence_warnings: list[str] = field(default_factory=list)
    drafts_due: list[Meeting] = field(default_factory=list)
    awaiting_attendance: list[Meeting] = field(default_factory=list)
    #: next year, when the coordinator has not committed its plan yet
    year_to_plan: int | None = None


def _meetings(*clauses: sa.ColumnElement[bool]) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(*clauses)
            .options(so.joinedload(Meeting.type))
            .order_by(Meeting.starts_at)
        )
    )


def overview(member_id: int, now: datetime) -> Overview:
    """What the signed-in member sees first; each part only for those whose role it concerns."""
    seen = Overview()
    seen.next_invitations = list(
        db.session.scalars(
            sa.select(Invitation)
            .join(Invitation.meeting)
            .where(
                Invitation.member_id == member_id,
                Meeting.ends_at > now,
                Meeting.status.in_([MeetingStatus.CONFIRMED, MeetingStatus.DRAFT]),
                visibility.seen_clause(current_roles(), sa.true()),
            )
            .options(so.contains_eager(Invitation.meeting).joinedload(Meeting.type))
            .order_by(Meeting.starts_at)
            .limit(NEXT_MEETINGS)
        )
    )
    seen.answerable = {i.id for i in seen.next_invitations if attendance.answers_open(i.meeting, now)}
    this_year = clock.local(now).year
    if can(Right.VIEW_CADENCE):
        for year in cadence.cadence([this_year, this_year + 1], now):
            seen.cadence_warnings.extend(year.warnings)
    if can(Right.RECORD_ATTENDANCE):
        seen.awaiting_attendance = _meetings(
            Meeting.status == MeetingStatus.CONFIRMED, Meeting.ends_at <= now
        )
    if can(Right.MANAGE_MEETINGS):
        seen.drafts_due = _meetings(
            Meeting.status == MeetingStatus.DRAFT,
            Meeting.starts_at > now,
            Meeting.starts_at <= now + CONFIRM_WITHIN,
        )
        planned = sa.select(Meeting.id).where(Meeting.plan_key.like(f"{this_year + 1}/%")).limit(1)
        targets = (
            sa.select(MeetingType.id).where(MeetingType.is_active, MeetingType.target_per_year > 0).limit(1)
        )
        if db.session.scalar(planned) is None and db.session.scalar(targets) is not None:
            seen.year_to_plan = this_year + 1
    return seen


#: how many of the group's next public events the landing page lists
NEXT_PUBLIC_EVENTS = 5


def next_public_events(now: datetime) -> list[Meeting]:
    """The group's next public meetings that go ahead, for visitors: what the public feed carries, less
    the cancelled ones and those already over."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                visibility.published_clause(),
                Meeting.status == MeetingStatus.CONFIRMED,
                Meeting.ends_at > now,
            )
            .options(so.joinedload(Meeting.type))
            .order_by(Meeting.starts_at)
            .limit(NEXT_PUBLIC_EVENTS)
        )
    )
