"""Meeting pages: the list, my meetings, one meeting, scheduling, confirming, cancelling and invitees.

How meetings read on every page (times in the reader's zone, status colours) is in `display.py`."""

from __future__ import annotations

from datetime import time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock, confirmation
from ..errors import found_or_404, show_on_form
from ..forms import page_number
from ..models import Invitation, Meeting, MeetingStatus, MeetingType
from ..permissions import Right, can, current_roles, require
from . import attendance, bp, confirmations, invitees, lifecycle, queries, rules, signals, visibility
from .forms import (
    InviteAllForm,
    InviteGroupForm,
    InviteGuestForm,
    InviteMembersForm,
    MeetingFilterForm,
    MeetingForm,
    meeting_form_values,
)
from .queries import When
from .rules import MeetingError
from .types import meeting_types

# --- shared helpers ---------------------------------------------------------------------------------------


def _to_detail(meeting_id: int):
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting_id))


def _warn_about_overlaps(meeting: Meeting) -> None:
    overlaps = queries.overlapping_meetings(meeting)
    if overlaps:
        flash(
            ngettext(
                "This meeting overlaps with another meeting; see below.",
                "This meeting overlaps with %(num)d other meetings; see below.",
                len(overlaps),
            ),
            "warning",
        )


def _types_for(meeting: Meeting | None) -> list[MeetingType]:
    """Active types, and a meeting's own type even after it was retired."""
    types = meeting_types()
    if meeting is not None and meeting.type not in types:
        types.append(meeting.type)
    return types


def _form_page(form: MeetingForm, meeting: Meeting | None, types: list[MeetingType]):
    return render_template(
        "meetings/form.html", form=form, meeting=meeting, types=types, zone=clock.nmg_zone().key
    )


# --- reading ----------------------------------------------------------------------------------------------


@bp.route("/meetings/")
@require(Right.VIEW_MEETINGS)
def meeting_list():
    """Upcoming or past meetings the signed-in member may see, filtered by year and type."""
    now = clock.now()
    all_types = meeting_types(include_inactive=True)
    form = MeetingFilterForm(formdata=request.args)
    form.load_options(all_types, queries.year_options(now))
    criteria = form.criteria()
    page = queries.meeting_rows_page(
        current_user.id,
        current_roles(),
        criteria,
        now,
        page_number(request.args.get("page")),
        int(current_app.config["MEETINGS_PER_PAGE"]),
    )
    return render_template(
        "meetings/list.html",
        form=form,
        criteria=criteria,
        page=page,
        When=When,
        sees_all=visibility.sees_all_meetings(current_roles()),
        types=[kind for kind in all_types if kind.is_active],
    )


@bp.route("/meetings/my")
@require(Right.VIEW_MEETINGS)
def my_meetings():
    """My invitations, upcoming and past, with my answers and, while open, the buttons to give them."""
    now = clock.now()
    upcoming, past = queries.my_invitations(current_user.id, current_roles(), now)
    answerable = {i.id for i in upcoming if attendance.answers_open(i.meeting, now)}
    return render_template("meetings/my.html", upcoming=upcoming, past=past, answerable=answerable)


@bp.route("/meetings/<int:meeting_id>")
@require(Right.VIEW_MEETINGS)
def meeting_detail(meeting_id: int):
    """One meeting: when, where, the agenda, the invitees and, for organisers, what is left to do; the
    minutes and the times invitees proposed come from their own domains (`signals.meeting_page`)."""
    meeting = found_or_404(queries.meeting_for_detail(meeting_id))
    my_invitation = queries.invitation_of(meeting, current_user.id)
    roles = current_roles()
    if not visibility.may_see(meeting, my_invitation is not None, roles):
        abort(404)
    now = clock.now()
    manages = can(Right.MANAGE_MEETINGS)
    sees_all = visibility.sees_all_meetings(roles)
    open_meeting = rules.is_editable(meeting)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        my_invitation=my_invitation,
        now=now,
        manages=manages,
        sees_all=sees_all,
        shows_link=visibility.shows_video_link(my_invitation is not None, roles),
        invitees=invitees.invitees_in_order(meeting) if sees_all else [],
        rsvp_counts=invitees.rsvp_counts(meeting) if sees_all else {},
        overlaps=queries.overlapping_meetings(meeting) if manages and open_meeting else [],
        problems=lifecycle.confirmation_problems(meeting, now)
        if manages and meeting.status is MeetingStatus.DRAFT
        else [],
        editable=open_meeting,
        may_delete=manages and lifecycle.may_delete(meeting),
        **signals.page_values(signals.meeting_page, meeting, now=now, manages=manages),
    )


# --- scheduling -------------------------------------------------------------------------------------------


def _usual_start() -> time:
    return time.fromisoformat(current_app.config["PLAN_START_TIME"])


@bp.route("/meetings/new", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def new_meeting():
    """Schedule a meeting; it starts as a draft and is confirmed once its invitees are in."""
    types = meeting_types()
    form = MeetingForm(types=types, is_new=True)
    if not form.is_submitted():
        wanted = request.args.get("type", "")
        kind = next((kind for kind in types if kind.code == wanted), types[0] if types else None)
        if kind is not None:
            form.type_id.data = kind.id
        form.start_time.data = _usual_start()
        form.invite_all.data = rules.invites_everyone_by_default(kind)
    if form.validate_on_submit():
        try:
            meeting = lifecycle.create_meeting(
                form.meeting_data(),
                current_user.id,
                invite_all=form.invite_all.data,
                today=clock.today(),
            )
        except MeetingError as exc:
            show_on_form(form, exc)
        else:
            flash(_("“%(title)s” has been scheduled as a draft.", title=meeting.title), "success")
            _warn_about_overlaps(meeting)
            return _to_detail(meeting.id)
    return _form_page(form, None, types)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def edit_meeting(meeting_id: int):
    """Change a meeting's time, place or details; calendars are told about changes of time and place."""
    meeting = found_or_404(queries.get_meeting(meeting_id))
    if not rules.is_editable(meeting):
        flash(_("This meeting has been cancelled or held; it can no longer be changed."), "warning")
        return _to_detail(meeting.id)
    types = _types_for(meeting)
    form = MeetingForm(data=meeting_form_values(meeting), types=types, is_new=False)
    if form.validate_on_submit():
        try:
            lifecycle.update_meeting(meeting, form.meeting_data(), clock.now())
        except MeetingError as exc:
            show_on_form(form, exc)
        else:
            flash(_("Changes saved."), "success")
            _warn_about_overlaps(meeting)
            return _to_detail(meeting.id)
    return _form_page(form, meeting, types)


@bp.post("/meetings/<int:meeting_id>/confirm")
@require(Right.MANAGE_MEETINGS)
def confirm_meeting(meeting_id: int):
    """Confirm a draft meeting, after a page that says how many invitations go out."""
    meeting = found_or_404(queries.get_meeting(meeting_id))
    try:
        lifecycle.check_confirmable(meeting, clock.now())
        if not confirmation.is_confirmed():
            return confirmation.ask(confirmations.confirm_question(meeting))
        lifecycle.confirm_meeting(meeting, clock.now())
    except MeetingError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("“%(title)s” is confirmed.", title=meeting.title), "success")
        _warn_about_overlaps(meeting)
    return _to_detail(meeting.id)


@bp.post("/meetings/<int:meeting_id>/cancel")
@require(Right.MANAGE_MEETINGS)
def cancel_meeting(meeting_id: int):
    """Cancel a meeting, after a page that says who is told and takes a message for them; it stays in
    the lists, marked cancelled."""
    meeting = found_or_404(queries.get_meeting(meeting_id))
    note, problem = confirmation.posted_note()
    try:
        lifecycle.check_cancellable(meeting)
        if not confirmation.is_confirmed() or problem:
            return confirmation.ask(confirmations.cancel_question(meeting, problem))
        lifecycle.cancel_meeting(meeting, note)
    except MeetingError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("“%(title)s” has been cancelled.", title=meeting.title), "success")
    return _to_detail(meeting.id)


@bp.post("/meetings/<int:meeting_id>/delete")
@require(Right.MANAGE_MEETINGS)
def delete_meeting(meeting_id: int):
    """Delete a draft nobody has been invited to."""
    meeting = found_or_404(queries.get_meeting(meeting_id))
    title = meeting.title
    try:
        lifecycle.delete_meeting(meeting)
    except MeetingError as exc:
        flash(str(exc), "danger")
        return _to_detail(meeting.id)
    flash(_("“%(title)s” has been deleted.", title=title), "success")
    return redirect(url_for("meetings.meeting_list"))


# --- invitees ---------------------------------------------------------------------------------------------


def _invited_message(added: list[Invitation]) -> tuple[str, str]:
    if not added:
        return _("Nobody was added: everyone chosen is already invited."), "info"
    return ngettext("%(num)d person invited.", "%(num)d people invited.", len(added)), "success"


def _guest_message(invitation: Invitation, added: bool) -> tuple[str, str]:
    if not added:
        return _("%(name)s is already invited.", name=invitation.name), "info"
    if invitation.member_id is not None:
        return (
            _(
                "%(email)s belongs to %(name)s, who has been invited as a member.",
                email=invitation.email,
                name=invitation.name,
            ),
            "success",
        )
    return _("%(name)s has been invited.", name=invitation.name), "success"


@bp.route("/meetings/<int:meeting_id>/invitees", methods=["GET", "POST"])
@require(Right.MANAGE_MEETINGS)
def meeting_invitees(meeting_id: int):
    """Invite all members, a working group, chosen members or a guest; and remove invitees."""
    meeting = found_or_404(queries.meeting_for_detail(meeting_id))
    today = clock.today()
    groups = invitees.working_groups_with_sizes(today)
    everyone = InviteAllForm(prefix="all")
    group_form = InviteGroupForm(prefix="group", groups=groups)
    members_form = InviteMembersForm(prefix="members", members=invitees.invitable_members(meeting, today))
    guest_form = InviteGuestForm(prefix="guest")
    # The page holds four forms; the submit button pressed says which one was sent.
    outcome = None
    try:
        if everyone.submit.data and everyone.validate_on_submit():
            outcome = _invited_message(invitees.invite_all_members(meeting, today))
        elif group_form.submit.data and group_form.validate_on_submit():
            group = next(group for group, _size in groups if group.id == group_form.group_id.data)
            outcome = _invited_message(invitees.invite_working_group(meeting, group, today))
        elif members_form.submit.data and members_form.validate_on_submit():
            outcome = _invited_message(invitees.invite_members(meeting, members_form.member_ids.data, today))
        elif guest_form.submit.data and guest_form.validate_on_submit():
            outcome = _guest_message(
                *invitees.invite_guest(meeting, guest_form.name.data, guest_form.email.data)
            )
    except MeetingError as exc:
        if exc.field is None:
            outcome = str(exc), "danger"
        else:
            show_on_form(guest_form, exc)
    if outcome is not None:
        flash(*outcome)
        return redirect(url_for("meetings.meeting_invitees", meeting_id=meeting.id))
    return render_template(
        "meetings/invitees.html",
        meeting=meeting,
        invitees=invitees.invitees_in_order(meeting),
        open_invitees=rules.is_editable(meeting),
        everyone=everyone,
        group_form=group_form,
        members_form=members_form,
        guest_form=guest_form,
    )


@bp.post("/meetings/<int:meeting_id>/invitees/<int:invitation_id>/remove")
@require(Right.MANAGE_MEETINGS)
def remove_invitee(meeting_id: int, invitation_id: int):
    """Take someone off the invitees."""
    meeting = found_or_404(queries.get_meeting(meeting_id))
    invitation = found_or_404(invitees.invitation_in(meeting, invitation_id))
    name = invitation.name
    try:
        invitees.remove_invitation(meeting, invitation)
    except MeetingError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("%(name)s is no longer invited.", name=name), "success")
    return redirect(url_for("meetings.meeting_invitees", meeting_id=meeting.id))
