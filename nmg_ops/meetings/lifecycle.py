"""A meeting's life: drafted, changed, confirmed, cancelled, deleted while nobody is invited.

The sequence rises on every material change (start, end, mode, venue, video link, status), so that
calendars replace their copy; a new title, description or publication flag moves nobody's calendar.
Invitees hear of each change through an announcement, mailed after the answer has gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..extensions import db
from ..models import (
    Meeting,
    MeetingStatus,
    Member,
)
from .announcements import announce_soon
from .invitees import add_member_invitations, current_members
from .rules import (
    MATERIAL_FIELDS,
    MeetingData,
    MeetingError,
    check_editable,
    checked_values,
    chosen_type,
    keep_length,
    meeting_state,
    place_problems,
)

#: what an updated invitation names: its time, and its venue and video link when they are new
CHANGES_TOLD = ("starts_at", "ends_at", "venue", "video_url")


def create_meeting(
    data: MeetingData, organiser_id: int | None, *, invite_all: bool = False, today: date | None = None
) -> Meeting:
    """A new draft meeting, optionally with every current member invited."""
    meeting = add_draft(
        data, organiser_id, invitees=current_members(today or clock.today()) if invite_all else []
    )
    db.session.commit()
    return meeting


def add_draft(
    data: MeetingData, organiser_id: int | None, invitees: Iterable[Member], plan_key: str | None = None
) -> Meeting:
    """A new draft meeting with these members invited; the caller commits, so a year plan goes in whole."""
    kind = chosen_type(data.type_id, None)
    meeting = Meeting(
        type=kind,
        organiser_id=organiser_id,
        status=MeetingStatus.DRAFT,
        plan_key=plan_key,
        **checked_values(data, kind),
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record("created", "meeting", meeting.id, meeting.title, meeting_state(meeting))
    chosen = list(invitees)
    if chosen:
        add_member_invitations(meeting, chosen, via=None)
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, now: datetime | None = None) -> bool:
    """Apply the changes; returns whether they were material (time or place), which raises the sequence."""
    check_editable(meeting)
    kind = chosen_type(data.type_id, meeting.type)
    values = checked_values(keep_length(meeting, data), kind, keep=meeting)
    if meeting.status is MeetingStatus.CONFIRMED:
        missing = place_problems(values["mode"], values["venue"], values["video_url"])
        if missing:
            raise MeetingError(*missing[0])
        moved = (values["starts_at"], values["ends_at"]) != (meeting.starts_at, meeting.ends_at)
        if moved and values["starts_at"] <= (now or clock.now()):
            raise MeetingError(_l("A confirmed meeting cannot be moved into the past."), "start_time")
    before = meeting_state(meeting)
    meeting.type = kind
    for name, value in values.items():
        setattr(meeting, name, value)
    changes = audit.diff(before, meeting_state(meeting))
    material = bool(MATERIAL_FIELDS & changes.keys())
    if material:
        meeting.sequence += 1
    if changes:
        audit.record("updated", "meeting", meeting.id, meeting.title, changes)
    db.session.commit()
    if material:
        announce_soon(meeting, changes={name: changes[name] for name in CHANGES_TOLD if name in changes})
    return material


def confirmation_problems(meeting: Meeting, now: datetime) -> list[str]:
    """Why a draft cannot be confirmed yet; empty when it can."""
    problems: list[str] = []
    if meeting.starts_at <= now:
        problems.append(_l("The meeting is in the past; only upcoming meetings can be confirmed."))
    if not meeting.invitations:
        problems.append(_l("Nobody is invited yet; add the invitees first."))
    problems.extend(
        message for message, _field in place_problems(meeting.mode, meeting.venue, meeting.video_url)
    )
    return problems


def _change_status(meeting: Meeting, status: MeetingStatus, action: str) -> bool:
    """Change the status (the caller commits); returns whether the invitees' calendars are to be told,
    that is whether they were ever told of the meeting."""
    announced = meeting.status is MeetingStatus.CONFIRMED or status is MeetingStatus.CONFIRMED
    changes = {"status": [meeting.status.value, status.value]}
    meeting.status = status
    meeting.sequence += 1
    audit.record(action, "meeting", meeting.id, meeting.title, changes)
    return announced


def _set_status(meeting: Meeting, status: MeetingStatus, action: str, note: str = "") -> None:
    """Change the status and tell the invitees' calendars, if they were ever told of the meeting."""
    announced = _change_status(meeting, status, action)
    db.session.commit()
    if announced:
        announce_soon(meeting, note=note)


def check_confirmable(meeting: Meeting, now: datetime) -> None:
    if meeting.status is not MeetingStatus.DRAFT:
        raise MeetingError(
            {
                MeetingStatus.CONFIRMED: _l("This meeting is already confirmed."),
                MeetingStatus.CANCELLED: _l("This meeting has been cancelled; it cannot be confirmed."),
                MeetingStatus.HELD: _l("This meeting has been held; it cannot be confirmed."),
            }[meeting.status]
        )
    problems = confirmation_problems(meeting, now)
    if problems:
        raise MeetingError(problems[0])


def confirm_meeting(meeting: Meeting, now: datetime) -> None:
    """Draft to confirmed, once the meeting is upcoming, has invitees and has its venue or video link."""
    check_confirmable(meeting, now)
    _set_status(meeting, MeetingStatus.CONFIRMED, "confirmed")


def confirm_meetings(meetings: Iterable[Meeting], now: datetime) -> list[Meeting]:
    """Confirm every draft that can be, in one commit; returns them. Each is announced once, so each
    invitee gets one invitation per meeting; a draft that cannot be confirmed yet is left as it is."""
    confirmed = []
    for meeting in meetings:
        try:
            check_confirmable(meeting, now)
        except MeetingError:
            continue
        _change_status(meeting, MeetingStatus.CONFIRMED, "confirmed")
        confirmed.append(meeting)
    db.session.commit()
    for meeting in confirmed:
        announce_soon(meeting)
    return confirmed


def cancel_meeting(meeting: Meeting, note: str = "") -> None:
    """The meeting stays, marked cancelled, so that invitees' calendars and the record both show it;
    the invitees who were told of it get the organiser's `note` with the cancellation."""
    check_cancellable(meeting)
    _set_status(meeting, MeetingStatus.CANCELLED, "cancelled", note)


def check_cancellable(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError(_l("This meeting has been held; it cannot be cancelled."))
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_l("This meeting is already cancelled."))


def may_delete(meeting: Meeting) -> bool:
    return meeting.status is MeetingStatus.DRAFT and not meeting.invitations


def delete_meeting(meeting: Meeting) -> None:
    """Only a draft nobody was invited to disappears; anything else is cancelled instead."""
    if not may_delete(meeting):
        raise MeetingError(
            _l("Only a draft without invitees can be deleted; cancel this meeting instead, so that it stays.")
        )
    audit.record("deleted", "meeting", meeting.id, meeting.title, meeting_state(meeting))
    db.session.delete(meeting)
    db.session.commit()
