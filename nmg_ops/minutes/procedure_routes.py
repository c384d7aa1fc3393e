"""Approval by written procedure: the coordinator starts it, those present agree or object."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock, confirmation
from ..confirmation import Question
from ..errors import found_or_404
from ..i18n import format_date
from ..models import Meeting, ProcedureStatus
from ..permissions import Right, current_roles, require
from . import access, bp, writing, written_procedure
from .forms import ProcedureAnswerForm, StartProcedureForm


def _back(meeting_id: int):
    return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id, _anchor="written-procedure"))


def _start_question(meeting: Meeting, asked: int, deadline_on: date) -> Question:
    return Question(
        title=_("Start a written procedure on the minutes of “%(title)s”?", title=meeting.title),
        summary=[
            ngettext(
                "%(num)d member present will be asked by mail to approve the minutes.",
                "%(num)d members present will be asked by mail to approve the minutes.",
                asked,
            ),
            _(
                "The minutes are approved unless someone objects by %(day)s; silence is consent.",
                day=format_date(deadline_on, "long"),
            ),
            _("While the procedure is open the minutes cannot be edited."),
        ],
        button=_("Start the written procedure"),
        back=url_for("minutes.approve_minutes", meeting_id=meeting.id),
    )


@bp.post("/meetings/<int:meeting_id>/minutes/written-procedure")
@require(Right.WRITE_MINUTES)
def start_written_procedure(meeting_id: int):
    """Ask those present to approve the circulated minutes by a deadline; silence is consent."""
    meeting = found_or_404(writing.meeting_for_minutes(meeting_id))
    if not access.may_approve(meeting, current_roles()):
        abort(403)
    form = StartProcedureForm()
    if not form.validate_on_submit():
        flash(_("Give the last day to object."), "danger")
        return redirect(url_for("minutes.approve_minutes", meeting_id=meeting_id))
    minutes = writing.minutes_of(meeting.id)
    try:
        if not confirmation.is_confirmed():
            asked = written_procedure.to_ask(
                meeting, minutes, deadline_on=form.deadline_on.data, now=clock.now()
            )
            return confirmation.ask(_start_question(meeting, len(asked), form.deadline_on.data))
        procedure = written_procedure.start(
            meeting, minutes, deadline_on=form.deadline_on.data, by_id=current_user.id
        )
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("minutes.approve_minutes", meeting_id=meeting_id))
    flash(
        _(
            "%(count)d members present are asked; "
            "the minutes are approved unless someone objects by %(day)s.",
            count=len(procedure.answers),
            day=format_date(procedure.deadline_on, "long"),
        ),
        "success",
    )
    return _back(meeting_id)


@bp.post("/meetings/<int:meeting_id>/minutes/written-procedure/answer")
@require(Right.VIEW_MEETINGS)
def answer_written_procedure(meeting_id: int):
    """Agree to the minutes, or object with a reason, in the written procedure I am asked in."""
    meeting = found_or_404(writing.meeting_for_minutes(meeting_id))
    procedure = written_procedure.open_procedure(writing.minutes_of(meeting.id))
    if written_procedure.answer_of(procedure, current_user.id) is None:
        flash(_("No written procedure on these minutes asks you."), "warning")
        return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id))
    form = ProcedureAnswerForm()
    if not form.validate_on_submit():
        flash(_("Say why you object (up to %(max)d characters).", max=written_procedure.REASON_MAX), "danger")
        return _back(meeting_id)
    objects = form.choice.data == "object"
    try:
        status = written_procedure.answer(
            procedure, current_user.id, objects=objects, reason=form.reason.data
        )
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
        return _back(meeting_id)
    if status is ProcedureStatus.APPROVED:
        flash(_("Thank you: every one asked agreed, and the minutes are approved."), "success")
    elif objects:
        flash(_("Your objection ends the written procedure; the next meeting will discuss it."), "success")
    else:
        flash(_("Thank you: your agreement is recorded."), "success")
    return _back(meeting_id)
