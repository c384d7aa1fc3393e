"""Who may see a meeting, and which of its fields: the one rule for the detail page, the lists, the start
page, the downloads, both feeds, the mails and the answers.

- Organisers — the coordination team, the coordinator and admins (`Right.VIEW_ALL_MEETINGS`) — see every
  meeting, drafts included.
- A draft is theirs alone: nobody is told of a meeting until the coordinator confirms it (the year plan
  invites the whole group to its drafts), so an invitee neither sees a draft nor answers it.
- Once announced, a meeting is seen by its invitees and, when it is public, by anyone, signed in or not.
- The video link goes only to those who see every meeting and to invitees: a public meeting's page,
  download and public feed show when and where, never the way into the call.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from ..extensions import db
from ..models import Invitation, Meeting, MeetingStatus
from ..permissions import GRANTS, Right, Role


def sees_all_meetings(roles: Iterable[Role]) -> bool:
    return bool(GRANTS[Right.VIEW_ALL_MEETINGS] & set(roles))


def is_announced(meeting: Meeting) -> bool:
    """Past the draft: the invitees have been told (or the meeting was cancelled or held since)."""
    return meeting.status is not MeetingStatus.DRAFT


def announced_clause() -> sa.ColumnElement[bool]:
    """`is_announced` as SQL."""
    return Meeting.status != MeetingStatus.DRAFT


def is_published(meeting: Meeting) -> bool:
    return meeting.is_public and is_announced(meeting)


def published_clause() -> sa.ColumnElement[bool]:
    """`is_published` as SQL, for lists and feeds."""
    return sa.and_(Meeting.is_public.is_(True), announced_clause())


def may_see(meeting: Meeting, is_invited: bool, roles: Iterable[Role]) -> bool:
    if sees_all_meetings(roles):
        return True
    return is_announced(meeting) and (is_invited or meeting.is_public)


def seen_clause(roles: Iterable[Role], invited: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """`may_see` as SQL over `Meeting`; `invited` says whether the reader is invited (a join, an EXISTS,
    or true where the query starts from the reader's own invitations)."""
    if sees_all_meetings(roles):
        return sa.true()
    return sa.and_(announced_clause(), sa.or_(invited, Meeting.is_public.is_(True)))


def shows_video_link(is_invited: bool, roles: Iterable[Role]) -> bool:
    """For a meeting the reader may see (`may_see`)."""
    return sees_all_meetings(roles) or is_invited


def is_invited_to(meeting_id: int, member_id: int) -> bool:
    """For pages that have not loaded the meeting's invitations: one indexed lookup."""
    found = db.session.scalar(
        sa.select(Invitation.id).where(Invitation.meeting_id == meeting_id, Invitation.member_id == member_id)
    )
    return found is not None
