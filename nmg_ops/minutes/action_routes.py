"""Pages of the actions: the team's register, my actions, one action with its history, recording and
changing actions, their status and carrying open ones to an agenda as matters arising; and the search
across minutes, decisions and actions, which shows each reader what `access` lets them read."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..auth.services import safe_next_path
from ..errors import RuleError, found_or_404, show_on_form
from ..extensions import db
from ..forms import page_number
from ..i18n import format_datetime
from ..meetings import agenda
from ..models import ActionItem
from ..permissions import Right, can, current_roles, require
from . import access, actions, bp, matters_arising, record_search, search
from .action_forms import (
    SECTION_MAX,
    ActionForm,
    ActionStatusForm,
    CarryOverForm,
    action_filter_form,
    action_form_values,
    agenda_item_options,
    meeting_options,
    read_id,
)


def _nmg_time(instant: datetime) -> str:
    """A moment of an action's history as the NMG's own clock showed it."""
    return format_datetime(clock.local(instant), "short", rebase=False)


def _back(default: str):
    return redirect(safe_next_path(request.args.get("next")) or default)


def _visible_action(action_id: int) -> ActionItem:
    """The action with its owners, meeting and history, or 404 for one the reader may not see."""
    action = found_or_404(actions.action_of(action_id))
    if not access.may_see_action(action, current_user.id, current_roles()):
        abort(404)
    return action


def _status_form(action: ActionItem) -> ActionStatusForm:
    # A dropped action keeps its reason in the form, so that adding a note does not ask for it again.
    return ActionStatusForm(formdata=None, status=action.status.value, reason=action.dropped_reason)


# --- reading ----------------------------------------------------------------------------------------------


@bp.route("/actions", endpoint="actions")
@require(Right.MANAGE_ACTIONS)
def action_register():
    """Every action, the most urgent first, by owner, status, overdue, meeting, working group and words."""
    today = clock.today()
    form = action_filter_form(request.args, clock.now())
    criteria = form.criteria()
    page = actions.register(criteria, today, page_number(request.args.get("page")))
    return render_template("minutes/actions.html", form=form, criteria=criteria, page=page, today=today)


@bp.route("/actions/mine")
@require(Right.VIEW_RECORDS)
def my_actions():
    """My actions, open ones first, each with a form to update its status; closed ones on request."""
    include_closed = request.args.get("closed") == "1"
    mine = actions.mine(current_user.id, include_closed=include_closed)
    return render_template(
        "minutes/my_actions.html",
        mine=mine,
        include_closed=include_closed,
        forms={action.id: _status_form(action) for action in mine},
        today=clock.today(),
    )


@bp.route("/actions/<int:action_id>")
@require(Right.VIEW_RECORDS)
def action_detail(action_id: int):
    """One action: what, who, when, where it came from, its notes and its whole history."""
    action = _visible_action(action_id)
    updatable = actions.may_update(action, current_user.id, current_roles())
    return render_template(
        "minutes/action.html",
        action=action,
        update_form=_status_form(action) if updatable else None,
        manages=can(Right.MANAGE_ACTIONS),
        today=clock.today(),
        nmg_time=_nmg_time,
        zone=clock.nmg_zone().key,
    )


# --- recording and changing -------------------------------------------------------------------------------


@bp.route("/actions/new", methods=["GET", "POST"])
@require(Right.MANAGE_ACTIONS)
def new_action():
    """Record an action, on its own or from a meeting's minutes (?meeting=, &section=, &agenda_item=)."""
    given_meeting = read_id(request.args.get("meeting"))
    chosen_meeting = read_id(request.form.get("meeting_id")) if request.method == "POST" else given_meeting
    form = ActionForm(
        meetings=meeting_options(clock.now(), chosen_meeting),
        items=agenda_item_options(chosen_meeting),
    )
    if not form.is_submitted() and given_meeting is not None:
        form.meeting_id.data = given_meeting
        form.agenda_item_id.data = read_id(request.args.get("agenda_item"))
        form.section.data = (request.args.get("section") or "")[:SECTION_MAX]
    if form.validate_on_submit():
        try:
            action = actions.record(form.action_data(section_meeting_id=given_meeting), current_user.id)
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            flash(_("The action A-%(id)d has been recorded.", id=action.id), "success")
            return _back(url_for("minutes.action_detail", action_id=action.id))
    return render_template("minutes/action_form.html", form=form, action=None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_ACTIONS)
def edit_action(action_id: int):
    """Change what is to be done, by whom and by when."""
    action = found_or_404(actions.action_of(action_id))
    form = ActionForm(data=action_form_values(action))
    if form.validate_on_submit():
        try:
            changed = actions.update(action, form.action_data(), current_user.id)
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            flash(
                _("Changes saved.") if changed else _("Nothing was changed."),
                "success" if changed else "info",
            )
            return _back(url_for("minutes.action_detail", action_id=action.id))
    return render_template("minutes/action_form.html", form=form, action=action)


@bp.post("/actions/<int:action_id>/status")
@require(Right.VIEW_RECORDS)
def action_status(action_id: int):
    """An owner or the team moves the action on (in progress, done, dropped with a reason) or adds a note."""
    action = _visible_action(action_id)
    if not actions.may_update(action, current_user.id, current_roles()):
        abort(403)
    form = ActionStatusForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
    else:
        try:
            changed = actions.change_status(
                action, form.status.data, reason=form.reason.data, note=form.note.data, by_id=current_user.id
            )
        except RuleError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            if changed:
                flash(_("A-%(id)d: %(status)s.", id=action.id, status=action.status.label), "success")
            else:
                flash(_("Nothing was changed."), "info")
    return _back(url_for("minutes.action_detail", action_id=action.id))


# --- matters arising --------------------------------------------------------------------------------------


@bp.post("/meetings/<int:meeting_id>/agenda/matters-arising")
@require(Right.EDIT_AGENDA)
def carry_over(meeting_id: int):
    """Put the chosen open actions of earlier meetings on this meeting's agenda as Matters arising."""
    meeting = found_or_404(agenda.meeting_with_agenda(meeting_id))
    form = CarryOverForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for("meetings.edit_agenda", meeting_id=meeting.id))
    try:
        item = matters_arising.carry_over(
            meeting, form.actions.data, current_user.id, may_correct=can(Right.MANAGE_MEETINGS)
        )
    except RuleError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("meetings.edit_agenda", meeting_id=meeting.id))
    flash(_("The chosen actions are now on the agenda under “Matters arising”."), "success")
    return redirect(url_for("meetings.edit_agenda", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


@bp.route("/records/search", endpoint="search")
@require(Right.VIEW_RECORDS)
def search_records():
    """Words in any field of the minutes, decisions and actions the reader may read."""
    q = (request.args.get("q") or "").strip()
    today = clock.today()
    found = record_search.find(q, current_user.id, current_roles(), today) if search.words(q) else None
    return render_template("minutes/search.html", q=q, found=found, today=today)
