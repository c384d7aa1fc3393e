"""Telling the invitees of a change: the request that makes it records an `Announcement`, the meeting as
it now is for everyone on the list or for the people just added. `calendar.invites` turns it into one
invitation mail per invitee, the calendar built once for all of them: once the answer has gone (the
`announced` signal), or at the scheduler's next run should the process die first. Confirming a meeting
for a group of five hundred answers at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..extensions import db
from ..models import Announcement, Invitation, Meeting, MeetingStatus
from .signals import announced


def itip_method(meeting: Meeting) -> str | None:
    """What the invitees' calendars are told of the meeting as it now is: REQUEST while it is confirmed,
    CANCEL once it is cancelled; nothing of a draft or of a meeting held."""
    if meeting.status is MeetingStatus.CANCELLED:
        return "CANCEL"
    return "REQUEST" if meeting.status is MeetingStatus.CONFIRMED else None


def is_told(invitation: Invitation) -> bool:
    """Whether calendar mails reach this invitee: guests and current members; one who left hears nothing."""
    return invitation.member is None or invitation.member.is_current


def told(meeting: Meeting) -> list[Invitation]:
    """The invitees a change of the meeting is mailed to, as the confirmation page counts them."""
    return [invitation for invitation in meeting.invitations if is_told(invitation)]


def announce_soon(
    meeting: Meeting,
    added: Iterable[Invitation] | None = None,
    *,
    note: str | None = None,
    changes: dict[str, list] | None = None,
) -> None:
    """Record that the invitees (or just `added`) are to be told of the meeting as it now is, with the
    organiser's `note` and what `changes` ([before, after] by field) if there are any."""
    if added is None:
        method, ids = itip_method(meeting), None
    else:
        # People added hear of a confirmed meeting only; the others' calendars need no update.
        method = "REQUEST" if meeting.status is MeetingStatus.CONFIRMED else None
        ids = [invitation.id for invitation in added]
    if method is None or ids == []:
        return
    announcement = Announcement(
        meeting_id=meeting.id,
        method=method,
        sequence=meeting.sequence,
        invitation_ids=ids,
        note=note or None,
        changes=changes or None,
    )
    db.session.add(announcement)
    db.session.commit()
    announced.send(meeting, announcement_id=announcement.id)
