"""What a member reads through the API with their token: the same as their pages show them, by the
same rules, asked of the same functions.

- Their meetings are their invitations to meetings `meetings.visibility` lets them see, as on
  `/meetings/my`: a draft only for organisers, with the video link as the meeting's page gives it.
- Their answers are those invitations' answers and the attendance recorded.
- Their actions are those of their actions page (`minutes.actions.mine_clause`), closed ones included.
- Minutes and decisions are those of approved minutes that `minutes.access` lets them read: circulated
  drafts stay on the pages of those present, since the API, like every member-wide output, shows only
  what stands.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from ..meetings import visibility
from ..minutes import access
from ..minutes.actions import mine_clause
from ..minutes.decisions import DecisionFilter, register_query
from ..models import (
    ActionItem,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesStatus,
)
from . import schemas
from .public_data import Listing
from .reading import ApiReader, member_required


def me(reader: ApiReader) -> schemas.Me:
    member = member_required(reader)
    return schemas.Me(id=member.id, full_name=member.full_name, roles=sorted(reader.roles))


def _my_invitations(reader: ApiReader) -> sa.Select:
    return (
        sa.select(Invitation)
        .join(Invitation.meeting)
        .where(Invitation.member_id == reader.member_id, visibility.seen_clause(reader.roles, sa.true()))
        .options(so.contains_eager(Invitation.meeting).joinedload(Meeting.type))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def meetings(reader: ApiReader) -> Listing:
    """The meetings the member is invited to and may see, the latest first."""
    shows_link = visibility.shows_video_link(True, reader.roles)

    def item(invitation: Invitation) -> schemas.MyMeeting:
        meeting = invitation.meeting
        return schemas.MyMeeting(
            id=meeting.id,
            title=meeting.title,
            type=meeting.type.code,
            status=meeting.status.value,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            mode=meeting.mode.value,
            venue=meeting.venue,
            video_url=(meeting.video_url or None) if shows_link else None,
            is_public=meeting.is_public,
            answer=invitation.rsvp.value if invitation.rsvp else None,
            page_url=url_for("meetings.meeting_detail", meeting_id=meeting.id, _external=True),
            ics_url=url_for("calendar.download_meeting", meeting_id=meeting.id, _external=True),
        )

    return _my_invitations(reader), item


def answers(reader: ApiReader) -> Listing:
    """The member's answers to those invitations, the latest meeting first."""

    def item(invitation: Invitation) -> schemas.MyAnswer:
        return schemas.MyAnswer(
            meeting_id=invitation.meeting_id,
            meeting_title=invitation.meeting.title,
            starts_at=invitation.meeting.starts_at,
            answer=invitation.rsvp.value if invitation.rsvp else None,
            answered_at=invitation.rsvp_at,
            attendance=invitation.attendance.value if invitation.attendance else None,
        )

    return _my_invitations(reader), item


def actions(reader: ApiReader) -> Listing:
    """The member's actions as their actions page lists them (the team's too for its members), closed ones
    included, the soonest due first, those with no date last."""
    query = (
        sa.select(ActionItem)
        .where(mine_clause(reader.member_id, include_closed=True))
        .options(so.selectinload(ActionItem.owners))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )

    def item(action: ActionItem) -> schemas.MyAction:
        return schemas.MyAction(
            id=action.id,
            title=action.title,
            status=action.status.value,
            due_on=action.due_on,
            meeting_id=action.meeting_id,
            owners=[owner.full_name for owner in action.owners],
            page_url=url_for("minutes.action_detail", action_id=action.id, _external=True),
        )

    return query, item


def minutes(reader: ApiReader) -> Listing:
    """Approved minutes the member may read, the latest meeting first."""
    query = (
        sa.select(Minutes)
        .join(Minutes.meeting)
        .where(
            Minutes.status == MinutesStatus.APPROVED,
            access.readable_meetings_clause(reader.member_id, reader.roles),
        )
        .options(so.contains_eager(Minutes.meeting))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )

    def item(record: Minutes) -> schemas.ApprovedMinutes:
        return schemas.ApprovedMinutes(
            meeting_id=record.meeting_id,
            meeting_title=record.meeting.title,
            meeting_starts_at=record.meeting.starts_at,
            approved_on=record.approved_on,
            sections=record.sections,
            page_url=url_for("minutes.minutes_page", meeting_id=record.meeting_id, _external=True),
        )

    return query, item


def decisions(reader: ApiReader) -> Listing:
    """Decisions of approved minutes the member may read, as the decisions register lists them."""
    query = register_query(DecisionFilter(), reader.member_id, reader.roles).where(
        Minutes.status == MinutesStatus.APPROVED
    )

    def item(decision: Decision) -> schemas.StandingDecision:
        return schemas.StandingDecision(
            id=decision.id,
            code=decision.code,
            text=decision.text,
            meeting_id=decision.meeting_id,
            meeting_title=decision.meeting.title,
            meeting_starts_at=decision.meeting.starts_at,
        )

    return query, item
