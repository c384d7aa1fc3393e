"""Answers to invitations (RSVP) before a meeting, and attendance recorded by the coordination team after it.

A member answers only their own invitation, found by (meeting, member), and may change the answer until
the meeting starts. Answers are the member's own business and are not written to the audit trail; the
invitation keeps the latest answer and when it was given. Attendance is the group's record and is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import RuleError
from ..extensions import db
from ..models import Attendance, Invitation, Meeting, MeetingStatus, Member, Rsvp
from ..permissions import Role
from . import visibility


class AttendanceError(RuleError):
    """An answer or a record the meeting's rules refuse."""


def has_started(meeting: Meeting, now: datetime) -> bool:
    return now >= meeting.starts_at


# --- RSVP ------------------------------------------------------------------------------------------------


def own_invitation(meeting_id: int, member: Member, roles: Iterable[Role]) -> Invitation | None:
    """The member's own invitation to the meeting, with the meeting loaded; None if not invited, or if the
    meeting is not one the member may see (a draft, for a member who does not organise)."""
    invitation = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.meeting_id == meeting_id, Invitation.member_id == member.id)
        .options(so.joinedload(Invitation.meeting))
    )
    if invitation is None or not visibility.may_see(invitation.meeting, True, roles):
        return None
    return invitation


def check_answers_open(meeting: Meeting, now: datetime) -> None:
    """Answers (from the page, a link or a calendar app) are taken from the meeting's announcement until it
    starts: nobody answers a draft, of which the invitees have not been told."""
    if not visibility.is_announced(meeting):
        raise AttendanceError(_l("This meeting is not confirmed yet; answers open once it is."))
    if meeting.status is MeetingStatus.CANCELLED:
        raise AttendanceError(_l("This meeting has been cancelled."))
    if has_started(meeting, now):
        raise AttendanceError(_l("This meeting has already started; answers can no longer be changed."))


def answers_open(meeting: Meeting, now: datetime) -> bool:
    """Whether invitees may still answer: lists of meetings offer the answer buttons only then."""
    try:
        check_answers_open(meeting, now)
    except AttendanceError:
        return False
    return True


def answer(invitation: Invitation, rsvp: Rsvp, now: datetime) -> None:
    """Record the invitee's answer; it can change any number of times until the meeting starts."""
    check_answers_open(invitation.meeting, now)
    invitation.rsvp = rsvp
    invitation.rsvp_at = now
    db.session.commit()


# --- attendance ------------------------------------------------------------------------------------------


def meeting_for_attendance(meeting_id: int) -> Meeting | None:
    """The meeting with every invitee, their member record and organisation, in a fixed number of queries."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            so.joinedload(Meeting.type),
            so.selectinload(Meeting.invitations)
            .joinedload(Invitation.member)
            .joinedload(Member.organisation),
        )
    )


def sheet(meeting: Meeting) -> list[Invitation]:
    """The invitees as the attendance sheet lists them: members by name, then guests by name."""
    return sorted(
        meeting.invitations,
        key=lambda invitation: (invitation.member is None, invitation.name.casefold(), invitation.id),
    )


def check_attendance_open(meeting: Meeting, now: datetime) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise AttendanceError(_l("This meeting has been cancelled; there is no attendance to record."))
    if not has_started(meeting, now):
        raise AttendanceError(_l("Attendance can be recorded once the meeting has started."))


def record_attendance(meeting: Meeting, marks: Mapping[int, Attendance], now: datetime) -> int:
    """Record attendance for the invitations given (by id) and mark the meeting held.

    Invitees left out keep what was recorded before. Marking the meeting held changes its status, which
    calendars track, so the sequence rises once, on the first recording. Returns how many marks changed.
    """
    check_attendance_open(meeting, now)
    by_id = {invitation.id: invitation for invitation in meeting.invitations}
    unknown = set(marks) - set(by_id)
    if unknown:
        raise AttendanceError(_l("Some of the people listed are not invited to this meeting."))
    try:
        wanted = {invitation_id: Attendance(mark) for invitation_id, mark in marks.items()}
    except ValueError as exc:
        raise AttendanceError(_l("Attendance is present, absent or excused.")) from exc
    changes: dict[str, list[str | None]] = {}
    for invitation_id, mark in wanted.items():
        invitation = by_id[invitation_id]
        if invitation.attendance is not mark:
            # Name and address: two invitees may share a name, never an address.
            key = f"{invitation.name} <{invitation.email}>"
            changes[key] = [invitation.attendance.value if invitation.attendance else None, mark.value]
            invitation.attendance = mark
    changed_marks = len(changes)
    if meeting.status is not MeetingStatus.HELD:
        changes["status"] = [meeting.status.value, MeetingStatus.HELD.value]
        meeting.status = MeetingStatus.HELD
        meeting.sequence += 1
    if changes:
        audit.record("updated", "meeting", meeting.id, meeting.title, changes)
    db.session.commit()
    return changed_marks
