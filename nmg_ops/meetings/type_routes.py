"""Meeting types: the agreed cadence as data the coordinator edits."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..errors import show_on_form
from ..extensions import db
from ..models import MeetingType
from ..permissions import Right, require
from . import bp
from .planning_forms import MeetingTypeForm, meeting_type_form
from .types import MeetingTypeError, create_type, meeting_types, update_type


@bp.route("/meetings/types")
@require(Right.MANAGE_MEETINGS)
def meeting_type_list():
    """The meeting types and their agreed cadence."""
    return render_template("meetings/types.html", types=meeting_types(include_inactive=True))


def _type_page(form: MeetingTypeForm, kind: MeetingType | None):
    return render_template("meetings/type_form.html", form=form, kind=kind)


@bp.route("/meetings/types/new", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def new_meeting_type():
    """Add a meeting type, for an NMG whose framework has more kinds of meeting."""
    form = meeting_type_form()
    if form.validate_on_submit():
        try:
            kind = create_type(form.code.data, form.type_data())
        except MeetingTypeError as exc:
            show_on_form(form, exc)
        else:
            flash(_("Meeting type “%(name)s” added.", name=kind.label), "success")
            return redirect(url_for("meetings.meeting_type_list"))
    return _type_page(form, None)


@bp.route("/meetings/types/<int:type_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def edit_meeting_type(type_id: int):
    """Change a type's cadence, usual mode, length and reminders."""
    kind = db.get_or_404(MeetingType, type_id)
    form = meeting_type_form(kind)
    if form.validate_on_submit():
        try:
            update_type(kind, form.type_data())
        except MeetingTypeError as exc:
            show_on_form(form, exc)
        else:
            flash(_("Meeting type “%(name)s” saved.", name=kind.label), "success")
            return redirect(url_for("meetings.meeting_type_list"))
    return _type_page(form, kind)
