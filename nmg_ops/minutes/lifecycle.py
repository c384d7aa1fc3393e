"""Minutes go from draft to circulated to approved.

- *Circulate* mails the draft to those present (through the outbox; one mail per person per circulation,
  keyed by the circulation's number, so a retried request or a second click sends nothing twice) and
  opens comments until a deadline set per meeting type. For types whose minutes are approved at a later
  meeting, the agenda of the next meeting of the approving type (the plenary, unless the type says
  otherwise) gets the item "Approval of the minutes of …" at the first circulation; circulating again
  after changes does not add it twice.
- *Approve* records how: at a meeting of the approving type held after the circulation (never before:
  a meeting before the circulation cannot have approved a text its members had not received), or, for
  types whose minutes the coordination team approves, by the coordinator on a day between the
  circulation and today. Approved minutes are locked; corrections are errata (see `writing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

from .. import audit, clock
from ..auth.services import external_url
from ..errors import lock_row
from ..extensions import db
from ..i18n import format_date
from ..mail import queue_mails
from ..meetings import agenda, agenda_order
from ..models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    MeetingType,
    Minutes,
    MinutesApproval,
    MinutesComment,
    MinutesStatus,
    ProcedureStatus,
    WrittenProcedure,
)
from . import comments, sections
from .writing import MinutesError

APPROVAL_KIND = agenda_order.APPROVAL


@dataclass
class Circulation:
    mailed: int
    approval_item: AgendaItem | None
    #: the type's minutes are approved at a later meeting, and none is planned yet
    no_approving_meeting: bool = False


def attendees(meeting: Meeting) -> list:
    """The invitees recorded as present, in the order of the list."""
    return [i for i in meeting.invitations if i.attendance is Attendance.PRESENT]


def apologies(meeting: Meeting) -> list:
    return [i for i in meeting.invitations if i.attendance in (Attendance.EXCUSED, Attendance.ABSENT)]


def approving_type(meeting: Meeting) -> MeetingType:
    """The type of the meetings at which this meeting's minutes are approved."""
    return meeting.type.minutes_approving_type or meeting.type


def next_approving_meeting(meeting: Meeting, after: datetime) -> Meeting | None:
    """The first meeting of the approving type still to come after `after` that is not cancelled."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.type_id == meeting.type.approving_type_id,
            Meeting.starts_at > after,
            Meeting.id != meeting.id,
            Meeting.status.in_([MeetingStatus.DRAFT, MeetingStatus.CONFIRMED]),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def approval_title(meeting: Meeting) -> str:
    # Agenda items are the group's data, written once in the NMG's working language.
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return str(
            _l(
                "Approval of the minutes of the meeting of %(day)s (%(title)s)",
                title=meeting.title,
                day=format_date(clock.local(meeting.starts_at).date(), "medium"),
            )
        )[: agenda.TITLE_MAX]


def _add_approval_item(minutes: Minutes, meeting: Meeting, now: datetime) -> tuple[AgendaItem | None, bool]:
    if meeting.type.minutes_approval is not MinutesApproval.MEETING:
        return None, False
    if minutes.approval_item_id is not None:
        return minutes.approval_item, False
    approver = next_approving_meeting(meeting, max(now, meeting.starts_at))
    if approver is None:
        return None, True
    item = agenda.claim_or_add(
        approver, agenda.AgendaItemData(title=approval_title(meeting), duration_minutes=5), APPROVAL_KIND
    )
    minutes.approval_item_id = item.id
    return item, False


def circulate(
    meeting: Meeting, minutes: Minutes | None, *, expected: int | None = None, now: datetime | None = None
) -> Circulation:
    """Send the draft to those present for comments, and put its approval on the next approving meeting's
    agenda.

    `expected` is the circulation number the coordinator saw: a second click sends nothing."""
    now = now or clock.now()
    if minutes is None or minutes.version == 0:
        raise MinutesError(_l("Write the minutes before circulating them."))
    if minutes.status is MinutesStatus.APPROVED:
        raise MinutesError(_l("These minutes are approved; there is nothing left to circulate."))
    present = attendees(meeting)
    if not present:
        raise MinutesError(_l("Record who attended first: the minutes are circulated to those present."))
    if minutes.status is MinutesStatus.CIRCULATED and minutes.version == minutes.circulated_version:
        raise MinutesError(_l("This version was circulated already; change the minutes to circulate again."))
    if expected is not None and minutes.circulation != expected:
        raise MinutesError(_l("These minutes were circulated a moment ago; nothing was sent twice."))
    # One circulation per number, whoever clicks: the second of two racing requests changes no row.
    taken = db.session.execute(
        sa.update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.circulation == minutes.circulation)
        .values(
            circulation=minutes.circulation + 1,
            circulated_version=minutes.version,
            status=MinutesStatus.CIRCULATED,
            circulated_at=now,
            comments_due_on=clock.local(now).date() + timedelta(days=meeting.type.minutes_comment_days),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        db.session.rollback()
        raise MinutesError(_l("These minutes were circulated a moment ago; nothing was sent twice."))
    db.session.refresh(minutes)
    item, no_approving_meeting = _add_approval_item(minutes, meeting, now)
    audit.record(
        "circulated",
        "minutes",
        minutes.id,
        meeting.title,
        {"circulation": [minutes.circulation - 1, minutes.circulation]},
    )
    # Not committed yet: the circulation, its agenda item and its mails are committed together by
    # queue_mails, so a crash in between cannot leave a circulation whose mails were never queued.
    link = external_url("minutes.minutes_page", meeting_id=meeting.id)
    mails = []
    for invitation in present:
        member = invitation.member
        mails.append(
            (
                f"minutes_circulated:{minutes.id}:{minutes.circulation}:{invitation.id}",
                invitation.email,
                {
                    "to_name": invitation.name,
                    "language": str(member.language) if member else current_app.config["DEFAULT_LANGUAGE"],
                    "subject": _l("Draft minutes for your comments: %(title)s", title=meeting.title),
                    "template": "minutes_circulated",
                    "meeting": meeting,
                    "minutes": minutes,
                    "sections": sections.layout(meeting, minutes.sections),
                    "link": link,
                    "may_comment": member is not None,
                },
            )
        )
    queue_mails("minutes_circulated", mails)
    return Circulation(len(mails), item, no_approving_meeting)


def approving_meetings(meeting: Meeting, minutes: Minutes, now: datetime) -> list[Meeting]:
    """Meetings that may have approved these minutes: held after they were circulated (and after the
    meeting recorded), up to now, latest first; of the approving type unless the coordinator approves."""
    after = max(meeting.starts_at, minutes.circulated_at or meeting.starts_at)
    query = (
        sa.select(Meeting)
        .where(
            Meeting.id != meeting.id,
            Meeting.starts_at > after,
            Meeting.starts_at <= now,
            Meeting.status.in_([MeetingStatus.CONFIRMED, MeetingStatus.HELD]),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(20)
    )
    if meeting.type.minutes_approval is not MinutesApproval.COORDINATOR:
        query = query.where(Meeting.type_id == meeting.type.approving_type_id)
    return list(db.session.scalars(query))


def awaited_meeting(meeting: Meeting, minutes: Minutes, now: datetime) -> Meeting | None:
    """The meeting still to come that is to approve these minutes: the one whose agenda has their approval
    item, else the next meeting of the approving type."""
    awaited = minutes.approval_item.meeting if minutes.approval_item else None
    if awaited is not None and awaited.starts_at > now and awaited.status is not MeetingStatus.CANCELLED:
        return awaited
    return next_approving_meeting(meeting, max(now, meeting.starts_at))


def open_comments(minutes: Minutes) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MinutesComment)
            .where(MinutesComment.minutes_id == minutes.id, comments.is_open())
        )
        or 0
    )


def approve(
    meeting: Meeting,
    minutes: Minutes | None,
    *,
    approved_on: date | None,
    at_meeting: Meeting | None,
    by_id: int | None,
    seen_version: int | None = None,
    knowingly: bool = False,
    now: datetime | None = None,
) -> None:
    """Record the approval of the current revision; the minutes are locked from now on.

    `seen_version` is the revision the approver looked at; a revision changed since circulation is approved
    only `knowingly`, after its differences were shown."""
    now = now or clock.now()
    if minutes is None or minutes.status is MinutesStatus.DRAFT:
        raise MinutesError(_l("Circulate the minutes for comments before they are approved."))
    if minutes.status is MinutesStatus.APPROVED:
        raise MinutesError(_l("These minutes are already approved."))
    if _in_written_procedure(minutes):
        raise MinutesError(_l("A written procedure on these minutes is open: wait for its outcome."))
    if seen_version is not None and seen_version != minutes.version:
        raise MinutesError(_l("The minutes were changed a moment ago: look at them again before approving."))
    if minutes.version != minutes.circulated_version and not knowingly:
        raise MinutesError(
            _l(
                "The minutes changed after they were circulated: "
                "circulate the changes, or approve revision %(number)d knowingly.",
                number=minutes.version,
            ),
            "knowingly",
        )
    unresolved = open_comments(minutes)
    if unresolved:
        raise MinutesError(
            _nl(
                "%(num)d comment is still open: resolve it before approval.",
                "%(num)d comments are still open: resolve them before approval.",
                unresolved,
            )
        )
    circulated_on = clock.local(minutes.circulated_at).date()
    if at_meeting is None and meeting.type.minutes_approval is not MinutesApproval.COORDINATOR:
        raise MinutesError(
            _l(
                "These minutes are approved at a later meeting (%(type)s), held after they were circulated.",
                type=approving_type(meeting).label,
            ),
            "at_meeting",
        )
    if at_meeting is not None:
        if at_meeting.starts_at <= minutes.circulated_at:
            raise MinutesError(
                _l(
                    "The minutes were circulated on %(day)s: "
                    "a meeting before then cannot have approved them.",
                    day=format_date(circulated_on, "long"),
                ),
                "at_meeting",
            )
        if at_meeting.id not in {m.id for m in approving_meetings(meeting, minutes, now)}:
            raise MinutesError(
                _l("Minutes are approved at a meeting held after theirs, which has taken place."),
                "at_meeting",
            )
        approved_on = approved_on or clock.local(at_meeting.starts_at).date()
        if approved_on != clock.local(at_meeting.starts_at).date():
            raise MinutesError(_l("The day of approval is the day of the approving meeting."), "approved_on")
    approved_on = approved_on or clock.local(now).date()
    if approved_on < circulated_on:
        raise MinutesError(
            _l(
                "The minutes were circulated on %(day)s: they cannot have been approved before.",
                day=format_date(circulated_on, "long"),
            ),
            "approved_on",
        )
    if not clock.local(meeting.starts_at).date() <= approved_on <= clock.local(now).date():
        raise MinutesError(_l("The day of approval falls between the meeting and today."), "approved_on")
    how = MinutesApproval.MEETING if at_meeting else MinutesApproval.COORDINATOR
    record_approval(meeting, minutes, approved_on=approved_on, at_meeting=at_meeting, how=how, by_id=by_id)
    db.session.commit()


def _in_written_procedure(minutes: Minutes) -> bool:
    found = sa.select(WrittenProcedure.id).where(
        WrittenProcedure.minutes_id == minutes.id, WrittenProcedure.status == ProcedureStatus.OPEN
    )
    return db.session.scalar(found) is not None


def record_approval(
    meeting: Meeting,
    minutes: Minutes,
    *,
    approved_on: date,
    at_meeting: Meeting | None,
    how: MinutesApproval,
    by_id: int | None,
) -> None:
    """Mark the current revision approved, in the caller's transaction."""
    lock_row(Minutes, minutes.id)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_on = approved_on
    minutes.approved_at_meeting_id = at_meeting.id if at_meeting else None
    minutes.approved_how = how
    minutes.approved_version = minutes.version
    minutes.approved_by_id = by_id
    audit.record(
        "approved",
        "minutes",
        minutes.id,
        meeting.title,
        {
            "approved_on": [None, approved_on.isoformat()],
            "at_meeting": [None, at_meeting.title if at_meeting else None],
            "how": [None, how.value],
            "revision": [minutes.circulated_version, minutes.version],
        },
    )
