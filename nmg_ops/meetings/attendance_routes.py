"""Answers and attendance: a member answers their invitation; the team records who was there."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..auth.services import safe_next_path
from ..errors import found_or_404
from ..permissions import Right, current_roles, require
from . import attendance, bp
from .agenda_forms import RsvpForm, attendance_form


@bp.post("/meetings/<int:meeting_id>/rsvp")
@require(Right.VIEW_MEETINGS)
def rsvp(meeting_id: int):
    """Answer my own invitation: yes, no or maybe; back to the meeting, or to the list it was given from."""
    invitation = found_or_404(attendance.own_invitation(meeting_id, current_user, current_roles()))
    back = safe_next_path(request.args.get("next"))
    form = RsvpForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the answers."), "danger")
    else:
        try:
            attendance.answer(invitation, form.answer.data, clock.now())
        except attendance.AttendanceError as exc:
            flash(str(exc), "warning")
        else:
            label = form.answer.data.label
            # A list holds several meetings: the confirmation names the one answered.
            flash(
                _(
                    "Your answer to “%(meeting)s” has been recorded: %(answer)s.",
                    meeting=invitation.meeting.title,
                    answer=label,
                )
                if back
                else _("Your answer has been recorded: %(answer)s.", answer=label),
                "success",
            )
    return redirect(back or url_for("meetings.meeting_detail", meeting_id=meeting_id, _anchor="rsvp"))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@require(Right.RECORD_ATTENDANCE)
def record_attendance(meeting_id: int):
    """Record who was present, absent or excused; saving marks the meeting held."""
    meeting = found_or_404(attendance.meeting_for_attendance(meeting_id))
    now = clock.now()
    try:
        attendance.check_attendance_open(meeting, now)
    except attendance.AttendanceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("meetings.meeting_detail", meeting_id=meeting_id))
    rows = attendance.sheet(meeting)
    form = attendance_form(rows)
    if form.validate_on_submit():
        try:
            attendance.record_attendance(meeting, form.marks(), now)
        except attendance.AttendanceError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Attendance saved; the meeting is marked as held."), "success")
            return redirect(url_for("meetings.meeting_detail", meeting_id=meeting_id, _anchor="attendance"))
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        form=form,
        rows=rows,
    )
