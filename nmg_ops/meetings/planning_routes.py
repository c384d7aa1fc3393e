"""The year plan: next year's meetings on the agreed cadence, adjusted and committed by the coordinator."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock, confirmation
from ..permissions import Right, require
from . import bp, confirmations, lifecycle, planning
from .planning_forms import PlanForm
from .rules import MeetingError

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
        drafts=planning.drafts(year),
        start_time=current_app.config["PLAN_START_TIME"],
        zone=clock.nmg_zone().key,
    )


@bp.post("/meetings/plan/confirm")
@require(Right.MANAGE_MEETINGS)
def confirm_plan():
    """Confirm the plan's drafts together, after one page that says how many invitations go out."""
    year = request.args.get("year", type=int)
    if year not in planning.plannable_years(clock.today()):
        abort(404)
    now = clock.now()
    ready, waiting = [], []
    for meeting in planning.drafts(year):
        problems = lifecycle.confirmation_problems(meeting, now)
        if problems:
            waiting.append((meeting, problems[0]))
        else:
            ready.append(meeting)
    if not ready:
        flash(_("No draft of this plan can be confirmed now."), "warning")
    elif not confirmation.is_confirmed():
        return confirmation.ask(confirmations.confirm_plan_question(year, ready, waiting))
    else:
        confirmed = lifecycle.confirm_meetings(ready, now)
        flash(
            ngettext(
                "%(num)d meeting confirmed; the invitations are on their way.",
                "%(num)d meetings confirmed; the invitations are on their way.",
                len(confirmed),
            ),
            "success",
        )
    return redirect(url_for("meetings.year_plan", year=year))


# --- cadence ------------------------------------------------------------------------------------------------
