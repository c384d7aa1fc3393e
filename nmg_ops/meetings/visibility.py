"""Who may see a meeting, and which of its fields: the one rule for the detail page, the lists, the
downloads, both feeds and the mails.

- The coordination team, the coordinator and admins (`Right.VIEW_ALL_MEETINGS`) see every meeting.
- An invitee sees the meetings they are invited to, drafts included (they are on the list).
- Anyone else, signed in or not, sees a meeting only once it is public and no longer a draft.
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


def is_published(meeting: Meeting) -> bool:
    return meeting.is_public and meeting.status is not MeetingStatus.DRAFT


def published_clause() -> sa.ColumnElement[bool]:
    """`is_published` as SQL, for lists and feeds."""
    return sa.and_(Meeting.is_public.is_(True), Meeting.status != MeetingStatus.DRAFT)


def may_see(meeting: Meeting, is_invited: bool, roles: Iterable[Role]) -> bool:
    return sees_all_meetings(roles) or is_invited or is_published(meeting)


def shows_video_link(is_invited: bool, roles: Iterable[Role]) -> bool:
    return sees_all_meetings(roles) or is_invited


def is_invited_to(meeting_id: int, member_id: int) -> bool:
    """For pages that have not loaded the meeting's invitations: one indexed lookup."""
    found = db.session.scalar(
        sa.select(Invitation.id).where(Invitation.meeting_id == meeting_id, Invitation.member_id == member_id)
    )
    return found is not None
