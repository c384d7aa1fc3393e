"""Approval by written procedure, as committees that meet rarely approve their records.

- The coordinator starts it on circulated minutes, unchanged since their circulation and with every
  comment resolved, with a deadline. The members present at the meeting are asked by mail (through the
  outbox, once each: the dedupe key names the procedure and the member), with a link to the minutes,
  where each agrees or objects with a reason. While it is open the minutes are not edited: those asked
  answer on the text they were sent.
- Silence is consent: the day after the deadline, the scheduler (`close_due`) approves the minutes unless
  someone objected. They are approved at once when every one asked has answered without objection.
- One objection ends the procedure without approval and puts the objection, with its reason, on the
  agenda of the next meeting of the approving type, which then approves the minutes (or not) itself.
- Those asked learn the outcome by mail, once each.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..auth.services import external_url
from ..errors import lock_row
from ..extensions import db
from ..i18n import format_date
from ..mail import queue_mails
from ..meetings import agenda
from ..models import (
    Meeting,
    Minutes,
    MinutesApproval,
    MinutesStatus,
    ProcedureAnswer,
    ProcedureStatus,
    WrittenProcedure,
)
from . import lifecycle
from .writing import MinutesError

#: the longest a procedure may stay open, and the deadline the approval page proposes
LONGEST = timedelta(days=60)
USUAL_DAYS = 10
REASON_MAX = 1000


def open_procedure(minutes: Minutes | None) -> WrittenProcedure | None:
    if minutes is None:
        return None
    return db.session.scalar(
        sa.select(WrittenProcedure).where(
            WrittenProcedure.minutes_id == minutes.id, WrittenProcedure.status == ProcedureStatus.OPEN
        )
    )


def latest_procedure(minutes: Minutes | None) -> WrittenProcedure | None:
    if minutes is None:
        return None
    return db.session.scalar(
        sa.select(WrittenProcedure)
        .where(WrittenProcedure.minutes_id == minutes.id)
        .order_by(WrittenProcedure.id.desc())
        .limit(1)
    )


def answer_of(procedure: WrittenProcedure | None, member_id: int | None) -> ProcedureAnswer | None:
    if procedure is None or member_id is None:
        return None
    return next((a for a in procedure.answers if a.member_id == member_id), None)


def start(
    meeting: Meeting,
    minutes: Minutes | None,
    *,
    deadline_on: date | None,
    by_id: int,
    now: datetime | None = None,
) -> WrittenProcedure:
    """Ask those present whether they approve the circulated minutes, until `deadline_on`."""
    now = now or clock.now()
    if minutes is not None:
        lock_row(Minutes, minutes.id)
    asked = to_ask(meeting, minutes, deadline_on=deadline_on, now=now)
    procedure = WrittenProcedure(
        minutes_id=minutes.id,
        version=minutes.version,
        deadline_on=deadline_on,
        started_by_id=by_id,
        started_at=now,
        answers=[ProcedureAnswer(member_id=member_id) for member_id in asked],
    )
    db.session.add(procedure)
    db.session.flush()
    audit.record(
        "written_procedure",
        "minutes",
        minutes.id,
        meeting.title,
        {"deadline_on": [None, deadline_on.isoformat()]},
    )
    # The procedure and its mails are committed together, as a circulation and its mails are.
    _mail(procedure, meeting, "asked")
    return procedure


def to_ask(
    meeting: Meeting, minutes: Minutes | None, *, deadline_on: date | None, now: datetime
) -> list[int]:
    """The members a procedure would ask (those present), or why it cannot start: what the confirmation
    page counts and what `start` checks again."""
    today = clock.local(now).date()
    if minutes is None or minutes.status is not MinutesStatus.CIRCULATED:
        raise MinutesError(_l("Circulate the minutes for comments before they are approved."))
    if open_procedure(minutes) is not None:
        raise MinutesError(_l("A written procedure on these minutes is already open."))
    if minutes.version != minutes.circulated_version:
        raise MinutesError(
            _l("The minutes changed after they were circulated: circulate the changes before asking.")
        )
    if lifecycle.open_comments(minutes):
        raise MinutesError(_l("Resolve the open comments before a written procedure."))
    if deadline_on is None or not today < deadline_on <= today + LONGEST:
        raise MinutesError(
            _l("The deadline falls after today and within %(days)d days.", days=LONGEST.days), "deadline_on"
        )
    asked = sorted({i.member_id for i in lifecycle.attendees(meeting) if i.member_id is not None})
    if not asked:
        raise MinutesError(_l("No member was present to ask: approve these minutes at a meeting."))
    return asked


def _mail(procedure: WrittenProcedure, meeting: Meeting, what: str) -> None:
    link = external_url("minutes.minutes_page", meeting_id=meeting.id)
    subjects = {
        "asked": _l("Approval by written procedure: minutes of %(title)s", title=meeting.title),
        "approved": _l("Minutes approved by written procedure: %(title)s", title=meeting.title),
        "objected": _l("Written procedure ended by an objection: %(title)s", title=meeting.title),
    }
    queue_mails(
        "written_procedure",
        [
            (
                f"written_procedure:{what}:{procedure.id}:{answer.member_id}",
                answer.member.email,
                {
                    "to_name": answer.member.full_name,
                    "language": str(answer.member.language),
                    "subject": subjects[what],
                    "template": "minutes_written_procedure",
                    "what": what,
                    "meeting": meeting,
                    "procedure": procedure,
                    "link": link,
                    "object_link": f"{link}#written-procedure",
                },
            )
            for answer in procedure.answers
        ],
    )


def answer(
    procedure: WrittenProcedure,
    member_id: int,
    *,
    objects: bool,
    reason: str = "",
    now: datetime | None = None,
) -> ProcedureStatus:
    """Record one answer; an objection ends the procedure, the last agreement approves the minutes."""
    now = now or clock.now()
    lock_row(WrittenProcedure, procedure.id)
    db.session.refresh(procedure)
    mine = answer_of(procedure, member_id)
    if mine is None:
        raise MinutesError(_l("Only the members present at the meeting are asked."))
    if procedure.status is not ProcedureStatus.OPEN or clock.local(now).date() > procedure.deadline_on:
        raise MinutesError(_l("This written procedure is over; answers are no longer taken."))
    if mine.answered_at is not None:
        raise MinutesError(_l("You have answered already."))
    reason = reason.strip()
    if objects and not reason:
        raise MinutesError(_l("Say why you object: the next meeting will discuss it."), "reason")
    mine.answered_at, mine.is_objection, mine.reason = now, objects, reason[:REASON_MAX] if objects else ""
    meeting = procedure.minutes.meeting
    if objects:
        _end_with_objection(procedure, meeting, mine, now)
    elif all(a.answered_at is not None and not a.is_objection for a in procedure.answers):
        _approve(procedure, meeting, now)
    else:
        db.session.commit()
    return procedure.status


def _approve(procedure: WrittenProcedure, meeting: Meeting, now: datetime) -> None:
    minutes = procedure.minutes
    procedure.status, procedure.closed_at = ProcedureStatus.APPROVED, now
    lifecycle.record_approval(
        meeting,
        minutes,
        approved_on=clock.local(now).date(),
        at_meeting=None,
        how=MinutesApproval.WRITTEN,
        by_id=procedure.started_by_id,
    )
    _mail(procedure, meeting, "approved")


def objection_title(meeting: Meeting) -> str:
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return str(
            _l(
                "Objection to the minutes of %(title)s (%(day)s) in written procedure",
                title=meeting.title,
                day=format_date(clock.local(meeting.starts_at).date(), "medium"),
            )
        )[: agenda.TITLE_MAX]


def _end_with_objection(
    procedure: WrittenProcedure, meeting: Meeting, objection: ProcedureAnswer, now
) -> None:
    procedure.status, procedure.closed_at = ProcedureStatus.OBJECTED, now
    approver = lifecycle.next_approving_meeting(meeting, max(now, meeting.starts_at))
    if approver is not None:
        item = agenda.append_item(
            approver,
            agenda.AgendaItemData(
                title=objection_title(meeting),
                duration_minutes=10,
                notes=f"{objection.member.full_name}: {objection.reason}",
            ),
            kind=lifecycle.APPROVAL_KIND,
        )
        procedure.objection_item_id = item.id
        procedure.minutes.approval_item_id = item.id
    audit.record(
        "objected",
        "minutes",
        procedure.minutes_id,
        meeting.title,
        {"objection": [None, objection.reason]},
    )
    _mail(procedure, meeting, "objected")


def close_due(now: datetime) -> str:
    """Approve by tacit consent the minutes whose procedure passed its deadline without objection."""
    today = clock.local(now).date()
    due = db.session.scalars(
        sa.select(WrittenProcedure.id).where(
            WrittenProcedure.status == ProcedureStatus.OPEN, WrittenProcedure.deadline_on < today
        )
    ).all()
    approved = 0
    for procedure_id in due:
        try:
            lock_row(WrittenProcedure, procedure_id)
            procedure = db.session.get(WrittenProcedure, procedure_id, populate_existing=True)
            if procedure.status is ProcedureStatus.OPEN:
                _approve(procedure, procedure.minutes.meeting, now)
                approved += 1
        except Exception:
            db.session.rollback()
            current_app.logger.exception("written procedure %s could not be closed", procedure_id)
    return f"{approved} written procedures approved"


def asked_of(member_id: int) -> list[WrittenProcedure]:
    """The open procedures in which the member is asked and has not answered: for their start page."""
    return list(
        db.session.scalars(
            sa.select(WrittenProcedure)
            .join(ProcedureAnswer)
            .where(
                WrittenProcedure.status == ProcedureStatus.OPEN,
                ProcedureAnswer.member_id == member_id,
                ProcedureAnswer.answered_at.is_(None),
            )
            .options(so.joinedload(WrittenProcedure.minutes).joinedload(Minutes.meeting))
            .order_by(WrittenProcedure.deadline_on)
        )
    )
