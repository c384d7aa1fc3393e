"""Who may read, write, comment on and approve a meeting's minutes: the one rule for the pages, the
registers, the exports and the mails.

- The coordination team, the coordinator and admins (`Right.WRITE_MINUTES`) read and write every
  meeting's minutes, in every state.
- A member reads approved minutes of any meeting they may see (`meetings.visibility`), and the circulated
  draft of a meeting they attended, on which they may comment until the deadline.
- The coordinator approves; for meeting types whose minutes the coordination team approves, the team does.
- Decisions are read with the minutes they are recorded in.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from ..extensions import db
from ..meetings import visibility
from ..models import (
    ActionItem,
    Attendance,
    Invitation,
    Meeting,
    Minutes,
    MinutesApproval,
    MinutesStatus,
    action_owner,
)
from ..permissions import GRANTS, Right, Role


def writes_minutes(roles: Iterable[Role]) -> bool:
    return bool(GRANTS[Right.WRITE_MINUTES] & set(roles))


def attended(meeting_id: int, member_id: int | None) -> bool:
    if member_id is None:
        return False
    found = db.session.scalar(
        sa.select(Invitation.id).where(
            Invitation.meeting_id == meeting_id,
            Invitation.member_id == member_id,
            Invitation.attendance == Attendance.PRESENT,
        )
    )
    return found is not None


def may_read(meeting: Meeting, minutes: Minutes | None, member_id: int | None, roles: Iterable[Role]) -> bool:
    roles = set(roles)
    if writes_minutes(roles):
        return True
    if minutes is None or member_id is None or Role.MEMBER not in roles:
        return False
    if minutes.status is MinutesStatus.APPROVED:
        invited = visibility.is_invited_to(meeting.id, member_id)
        return visibility.may_see(meeting, invited, roles)
    return minutes.status is MinutesStatus.CIRCULATED and attended(meeting.id, member_id)


def may_comment(meeting: Meeting, minutes: Minutes | None, member_id: int | None) -> bool:
    return (
        minutes is not None and minutes.status is MinutesStatus.CIRCULATED and attended(meeting.id, member_id)
    )


def may_approve(meeting: Meeting, roles: Iterable[Role]) -> bool:
    roles = set(roles)
    if GRANTS[Right.APPROVE_MINUTES] & roles:
        return True
    return meeting.type.minutes_approval is MinutesApproval.COORDINATOR and writes_minutes(roles)


def readable_meetings_clause(member_id: int | None, roles: Iterable[Role]) -> sa.ColumnElement[bool]:
    """As SQL over `Meeting` joined to its `Minutes`: the meetings whose record the reader may read in a
    register (decisions, search). Drafts and circulated minutes stay with the team and those present."""
    roles = set(roles)
    if writes_minutes(roles):
        return sa.true()
    if member_id is None or Role.MEMBER not in roles:
        return sa.false()
    invited = sa.exists().where(Invitation.meeting_id == Meeting.id, Invitation.member_id == member_id)
    present = sa.exists().where(
        Invitation.meeting_id == Meeting.id,
        Invitation.member_id == member_id,
        Invitation.attendance == Attendance.PRESENT,
    )
    return sa.or_(
        sa.and_(Minutes.status == MinutesStatus.APPROVED, visibility.seen_clause(roles, invited)),
        sa.and_(Minutes.status == MinutesStatus.CIRCULATED, present),
    )


def may_see_action(action, member_id: int | None, roles: Iterable[Role]) -> bool:
    """The team sees every action; a member their own (the team's too when they are in it), and those of a
    meeting whose minutes they may read."""
    roles = set(roles)
    if writes_minutes(roles):
        return True
    if member_id is None or Role.MEMBER not in roles:
        return False
    if any(owner.id == member_id for owner in action.owners):
        return True
    if action.meeting is None:
        return False
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == action.meeting_id))
    return may_read(action.meeting, minutes, member_id, roles)


def visible_actions_clause(member_id: int | None, roles: Iterable[Role]) -> sa.ColumnElement[bool]:
    """`may_see_action` as SQL over `ActionItem`, for the registers and the search: the team sees every
    action; a member their own, and those of a meeting whose minutes they may read."""
    roles = set(roles)
    if writes_minutes(roles):
        return sa.true()
    if member_id is None or Role.MEMBER not in roles:
        return sa.false()
    own = sa.exists().where(action_owner.c.action_id == ActionItem.id, action_owner.c.member_id == member_id)
    # Not correlated with the outer query: a register that joins Meeting itself must not capture this one.
    readable = (
        sa.select(Meeting.id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(readable_meetings_clause(member_id, roles))
        .correlate(None)
    )
    return sa.or_(own, ActionItem.meeting_id.in_(readable))
