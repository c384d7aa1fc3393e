"""The start page's view of the record: my open actions, the circulated minutes of meetings I attended
that wait for my comments and, for those who write minutes, the minutes still to write, circulate or
approve, the comments still to answer and how many actions are overdue. A fixed number of statements
whatever the size of the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import clock
from ..extensions import db
from ..models import (
    ActionItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesComment,
    MinutesStatus,
)
from ..permissions import Right, can
from . import actions, comments, written_procedure

#: how many of my open actions the start page lists
MY_ACTIONS = 5
#: meetings held longer ago than this are no longer reminded for minutes never started
MINUTES_WITHIN = timedelta(days=365)


@dataclass
class MinutesOverview:
    #: the day it is for the NMG, which says what is overdue
    today: date
    #: my first open actions, the most urgent first, and how many I have in all
    my_actions: list[ActionItem] = field(default_factory=list)
    #: written procedures asking me to approve minutes, still open and not answered
    asked_to_approve: list = field(default_factory=list)
    my_open_actions: int = 0
    #: held meetings whose minutes are missing or still empty
    minutes_to_write: list[Meeting] = field(default_factory=list)
    #: draft minutes with text, not yet circulated
    minutes_to_circulate: list[Meeting] = field(default_factory=list)
    #: circulated minutes waiting for approval
    minutes_to_approve: list[Meeting] = field(default_factory=list)
    overdue_actions: int = 0
    #: circulated minutes with comments not yet resolved: how many, by meeting id
    comments_to_answer: dict[int, int] = field(default_factory=dict)
    #: circulated minutes of meetings I attended, still open for my comments
    for_my_comment: list[tuple[Meeting, Minutes]] = field(default_factory=list)


def overview(member_id: int, now: datetime) -> MinutesOverview:
    """What the signed-in member sees of the record; the minutes to do only for those who write them."""
    seen = MinutesOverview(today=clock.local(now).date())
    seen.my_actions = actions.mine(member_id, limit=MY_ACTIONS)
    seen.my_open_actions = actions.count_mine(member_id)
    seen.asked_to_approve = written_procedure.asked_of(member_id)
    seen.for_my_comment = _for_my_comment(member_id, seen.today)
    if can(Right.WRITE_MINUTES):
        _minutes_to_do(seen, now)
        seen.comments_to_answer = _comments_to_answer()
        seen.overdue_actions = actions.overdue_count(seen.today)
    return seen


def _for_my_comment(member_id: int, today: date) -> list[tuple[Meeting, Minutes]]:
    """The circulated minutes of the meetings I attended, until their comments close (minutes.access)."""
    present = sa.exists().where(
        Invitation.meeting_id == Meeting.id,
        Invitation.member_id == member_id,
        Invitation.attendance == Attendance.PRESENT,
    )
    rows = db.session.execute(
        sa.select(Meeting, Minutes)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Minutes.status == MinutesStatus.CIRCULATED,
            sa.or_(Minutes.comments_due_on.is_(None), Minutes.comments_due_on >= today),
            present,
        )
        .options(so.joinedload(Meeting.type))
        .order_by(Minutes.comments_due_on, Meeting.starts_at)
    )
    return [(meeting, minutes) for meeting, minutes in rows]


def _comments_to_answer() -> dict[int, int]:
    """Unresolved comments on circulated minutes, counted by meeting."""
    rows = db.session.execute(
        sa.select(Minutes.meeting_id, sa.func.count(MinutesComment.id))
        .join(MinutesComment, MinutesComment.minutes_id == Minutes.id)
        .where(Minutes.status == MinutesStatus.CIRCULATED, comments.is_open())
        .group_by(Minutes.meeting_id)
    )
    return {meeting_id: count for meeting_id, count in rows}


def _minutes_to_do(seen: MinutesOverview, now: datetime) -> None:
    """Minutes to write, to circulate and awaiting approval, in one statement, the oldest meeting first."""
    held = sa.or_(
        Meeting.status == MeetingStatus.HELD,
        sa.exists().where(Invitation.meeting_id == Meeting.id, Invitation.attendance.is_not(None)),
    )
    never_started = sa.and_(Minutes.id.is_(None), held, Meeting.starts_at >= now - MINUTES_WITHIN)
    # The text of drafts only, which says whether they are written: circulated minutes pile up over years.
    draft_text = sa.case((Minutes.status == MinutesStatus.DRAFT, Minutes.sections), else_=None)
    rows = db.session.execute(
        sa.select(Meeting, Minutes.status, draft_text)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at <= now,
            sa.or_(never_started, Minutes.status.in_([MinutesStatus.DRAFT, MinutesStatus.CIRCULATED])),
        )
        .options(so.joinedload(Meeting.type))
        .order_by(Meeting.starts_at)
    )
    for meeting, status, sections in rows:
        if status is MinutesStatus.CIRCULATED:
            seen.minutes_to_approve.append(meeting)
        elif sections and any(text.strip() for text in sections.values()):
            seen.minutes_to_circulate.append(meeting)
        else:
            seen.minutes_to_write.append(meeting)
