"""The start page's view of the meetings: what is next for me and my open actions, and what the organisers
still have to do, minutes included. A fixed number of statements whatever the size of the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import clock
from ..extensions import db
from ..minutes import actions
from ..models import (
    ActionItem,
    Invitation,
    Meeting,
    MeetingStatus,
    MeetingType,
    Minutes,
    MinutesStatus,
)
from ..permissions import Right, can, current_roles
from . import attendance, cadence, visibility

#: how many of my upcoming meetings the start page lists
NEXT_MEETINGS = 3
#: drafts starting sooner than this are due for confirmation
CONFIRM_WITHIN = timedelta(days=60)
#: how many of my open actions the start page lists
MY_ACTIONS = 5
#: meetings held longer ago than this are no longer reminded for minutes never started
MINUTES_WITHIN = timedelta(days=365)


@dataclass
class Overview:
    #: the day it is for the NMG, which says what is overdue
    today: date | None = None
    next_invitations: list[Invitation] = field(default_factory=list)
    #: of those, the invitations still open for an answer (by id): the page offers yes, maybe and no
    answerable: set[int] = field(default_factory=set)
    cadence_warnings: list[str] = field(default_factory=list)
    drafts_due: list[Meeting] = field(default_factory=list)
    awaiting_attendance: list[Meeting] = field(default_factory=list)
    #: next year, when the coordinator has not committed its plan yet
    year_to_plan: int | None = None
    #: my first open actions, the most urgent first, and how many I have in all
    my_actions: list[ActionItem] = field(default_factory=list)
    my_open_actions: int = 0
    #: held meetings whose minutes are missing or still empty
    minutes_to_write: list[Meeting] = field(default_factory=list)
    #: draft minutes with text, not yet circulated
    minutes_to_circulate: list[Meeting] = field(default_factory=list)
    #: circulated minutes waiting for approval
    minutes_to_approve: list[Meeting] = field(default_factory=list)
    overdue_actions: int = 0


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
    seen.today = clock.local(now).date()
    mine = actions.mine(member_id)
    seen.my_actions, seen.my_open_actions = mine[:MY_ACTIONS], len(mine)
    if can(Right.WRITE_MINUTES):
        _minutes_to_do(seen, now)
        seen.overdue_actions = actions.overdue_count(seen.today)
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


def _minutes_to_do(seen: Overview, now: datetime) -> None:
    """Minutes to write, to circulate and awaiting approval, in one statement, the oldest meeting first."""
    held = sa.or_(
        Meeting.status == MeetingStatus.HELD,
        sa.exists().where(Invitation.meeting_id == Meeting.id, Invitation.attendance.is_not(None)),
    )
    never_started = sa.and_(Minutes.id.is_(None), held, Meeting.starts_at >= now - MINUTES_WITHIN)
    rows = db.session.execute(
        sa.select(Meeting, Minutes)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at <= now,
            sa.or_(never_started, Minutes.status.in_([MinutesStatus.DRAFT, MinutesStatus.CIRCULATED])),
        )
        .options(so.joinedload(Meeting.type))
        .order_by(Meeting.starts_at)
    )
    for meeting, minutes in rows:
        if minutes is not None and minutes.status is MinutesStatus.CIRCULATED:
            seen.minutes_to_approve.append(meeting)
        elif minutes is not None and any(text.strip() for text in minutes.sections.values()):
            seen.minutes_to_circulate.append(meeting)
        else:
            seen.minutes_to_write.append(meeting)
