"""Planning pages: the year plan, the cadence dashboard and the meeting types."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock
from ..errors import show_on_form
from ..extensions import db
from ..models import MeetingType
from ..permissions import Right, require
from . import bp, cadence, planning
from .planning_forms import MeetingTypeForm, PlanForm
from .rules import MeetingError
from .types import MeetingTypeError, create_type, meeting_types, update_type

# --- the year plan ----------------------------------------------------------------------------------------


@bp.route("/meetings/plan", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def year_plan():
    """Propose the year's meetings on the agreed cadence; the coordinator adjusts and commits them."""
    today = clock.today()
    years = planning.plannable_years(today)
    year = request.args.get("year", type=int) or today.year + 1
    if year not in years:
        abort(404)
    plan = planning.propose(year, today)
    form = PlanForm() if request.method == "POST" else PlanForm.for_plan(plan)
    if form.validate_on_submit():
        # Rows for keys the proposal does not have (an edited page) are ignored, not trusted.
        choices = {key: choice for key, choice in form.choices().items() if key}
        plan = planning.adjust(plan, choices, today)
        if form.commit.data:
            try:
                created = planning.commit(
                    plan,
                    current_user.id,
                    today,
                    video_url=form.video_url.data or "",
                    venue=form.venue.data or "",
                )
            except MeetingError as exc:
                flash(str(exc), "danger")
            else:
                flash(
                    ngettext(
                        "%(num)d meeting added to %(year)d as a draft.",
                        "%(num)d meetings added to %(year)d as drafts.",
                        len(created),
                        year=year,
                    ),
                    "success",
                )
                return redirect(url_for("meetings.year_plan", year=year))
    elif form.is_submitted():
        flash(_("Some dates could not be read; see the marked rows."), "danger")
    rows = {row.key.data: row for row in form.rows}
    return render_template(
        "meetings/plan.html",
        plan=plan,
        form=form,
        rows=rows,
        years=years,
        start_time=current_app.config["PLAN_START_TIME"],
        zone=clock.nmg_zone().key,
    )


# --- cadence ------------------------------------------------------------------------------------------------


@bp.route("/meetings/cadence")
@require(Right.VIEW_CADENCE)
def cadence_dashboard():
    """Agreed, planned and held meetings per year and type, with attendance for one year."""
    now = clock.now()
    years = cadence.cadence_years(now)
    this_year = clock.local(now).year
    year = request.args.get("year", type=int)
    if year not in years:
        year = this_year
    return render_template(
        "meetings/cadence.html",
        cadence=cadence.cadence(years, now),
        report=cadence.attendance(year),
        years=years,
        year=year,
        this_year=this_year,
    )


# --- meeting types ------------------------------------------------------------------------------------------


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
    form = MeetingTypeForm()
    if form.validate_on_submit():
        try:
            kind = create_type(form.code.data, form.type_data())
        except MeetingTypeError as exc:
            show_on_form(form, exc)
        else:
            flash(_("Meeting type “%(name)s” added.", name=kind.name), "success")
            return redirect(url_for("meetings.meeting_type_list"))
    return _type_page(form, None)


@bp.route("/meetings/types/<int:type_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def edit_meeting_type(type_id: int):
    """Change a type's cadence, usual mode, length and reminders."""
    kind = db.get_or_404(MeetingType, type_id)
    form = MeetingTypeForm(obj=kind, kind=kind)
    if form.validate_on_submit():
        try:
            update_type(kind, form.type_data())
        except MeetingTypeError as exc:
            show_on_form(form, exc)
        else:
            flash(_("Meeting type “%(name)s” saved.", name=kind.name), "success")
            return redirect(url_for("meetings.meeting_type_list"))
    return _type_page(form, kind)
