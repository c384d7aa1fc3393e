from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from .. import member_picker as picker
from ..auth.forms import ChangePasswordForm
from ..auth.services import sign_out_everywhere as end_every_session_of
from ..auth.services import start_session
from ..errors import show_on_form
from ..extensions import db
from ..forms import page_number
from ..models import Member, Organisation
from ..permissions import Right, Role, can, current_roles, require
from . import bp, services
from .forms import DirectoryFilterForm, MemberForm, OrganisationForm, PreferencesForm


def _member_or_404(member_id: int) -> Member:
    member = services.get_member(member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/members/")
@require(Right.VIEW_DIRECTORY)
def directory():
    """The member directory, filtered and searched through the query string."""
    form = DirectoryFilterForm(formdata=request.args)
    form.load_options(services.directory_options())
    page = db.paginate(
        services.directory_select(form.filters(), clock.today()),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["MEMBERS_PER_PAGE"],
        error_out=False,
    )
    return render_template("members/directory.html", form=form, page=page)


@bp.get("/members/search.json")
@require(Right.VIEW_DIRECTORY)
def search_members():
    """Members whose name or e-mail holds `q`, for the member pickers of forms."""
    scope = picker.SCOPES.get(request.args.get("scope", ""), picker.SCOPES["all"])
    found = picker.search(request.args.get("q") or "", scope())
    return jsonify(
        [{"id": m.id, "name": m.full_name, "email": m.email, "label": picker.label(m)} for m in found]
    )


@bp.route("/members/<int:member_id>")
@require(Right.VIEW_DIRECTORY)
def member(member_id: int):
    """One member's details, and for those who manage members, their history."""
    member = _member_or_404(member_id)
    history = services.member_history(member) if can(Right.MANAGE_MEMBERS) else []
    return render_template("members/member.html", member=member, history=history)


def _member_form(member: Member | None) -> MemberForm:
    return MemberForm(
        obj=member,
        working_group_ids=[group.id for group in member.working_groups] if member else [],
        organisations=services.active_organisations(keep=member.organisation if member else None),
        working_groups=services.active_working_groups(keep=member.working_groups if member else None),
        may_set_admin=Role.ADMIN in current_roles(),
        is_new=member is None,
    )


@bp.route("/members/new", methods=["GET", "POST"])
@require(Right.MANAGE_MEMBERS)
def new_member():
    """Add a member to the group."""
    form = _member_form(None)
    if form.validate_on_submit():
        try:
            member = services.create_member(form.member_data(), may_set_admin="is_admin" in form)
        except services.MemberError as exc:
            show_on_form(form, exc)
        else:
            flash(_("%(name)s has been added.", name=member.full_name), "success")
            if form.send_invitation.data:
                _invite(member)
            return redirect(url_for("members.member", member_id=member.id))
    return render_template("members/form.html", form=form, member=None)


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_MEMBERS)
def edit_member(member_id: int):
    """Change a member's details."""
    member = _member_or_404(member_id)
    form = _member_form(member)
    if form.validate_on_submit():
        try:
            changed = services.update_member(member, form.member_data(), may_set_admin="is_admin" in form)
        except services.MemberError as exc:
            show_on_form(form, exc)
        else:
            flash(
                _("Changes saved.") if changed else _("Nothing was changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("members.member", member_id=member.id))
    return render_template("members/form.html", form=form, member=member)


@bp.post("/members/<int:member_id>/deactivate")
@require(Right.MANAGE_MEMBERS)
def deactivate_member(member_id: int):
    """Record that a member has left the group."""
    member = _member_or_404(member_id)
    try:
        services.deactivate_member(member, actor_id=current_user.id)
    except services.MemberError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("%(name)s has left the group and can no longer sign in.", name=member.full_name), "success")
    return redirect(url_for("members.member", member_id=member.id))


@bp.post("/members/<int:member_id>/reactivate")
@require(Right.MANAGE_MEMBERS)
def reactivate_member(member_id: int):
    """Bring a former member back into the group."""
    member = _member_or_404(member_id)
    services.reactivate_member(member)
    flash(_("%(name)s is a member again.", name=member.full_name), "success")
    return redirect(url_for("members.member", member_id=member.id))


@bp.post("/members/<int:member_id>/invite")
@require(Right.MANAGE_MEMBERS)
def invite_member(member_id: int):
    """Mail a member the link to choose a password."""
    member = _member_or_404(member_id)
    _invite(member)
    return redirect(url_for("members.member", member_id=member.id))


def _invite(member):
    try:
        services.invite_member(member)
    except services.MemberError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Invitation sent to %(email)s.", email=member.email), "success")


@bp.route("/organisations/")
@require(Right.VIEW_DIRECTORY)
def organisations():
    """The organisations represented in the group, with their number of current members."""
    rows = services.organisations_with_counts(clock.today())
    return render_template("organisations/list.html", rows=rows)


@bp.route("/organisations/new", methods=["GET", "POST"])
@require(Right.MANAGE_MEMBERS)
def new_organisation():
    """Add an organisation."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(form.organisation_data())
        except services.DuplicateOrganisation as exc:
            form.name.errors.append(str(exc))
        else:
            flash(_("%(name)s has been added.", name=org.name), "success")
            return redirect(url_for("members.organisations"))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_MEMBERS)
def edit_organisation(organisation_id: int):
    """Change an organisation's details."""
    org = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            changed = services.update_organisation(org, form.organisation_data())
        except services.DuplicateOrganisation as exc:
            form.name.errors.append(str(exc))
        else:
            flash(
                _("Changes saved.") if changed else _("Nothing was changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("members.organisations"))
    return render_template("organisations/form.html", form=form, organisation=org)


@bp.post("/organisations/<int:organisation_id>/deactivate")
@require(Right.MANAGE_MEMBERS)
def deactivate_organisation(organisation_id: int):
    """Stop offering an organisation for new members; its members and history stay."""
    org = db.get_or_404(Organisation, organisation_id)
    services.set_organisation_active(org, False)
    flash(_("%(name)s is now inactive.", name=org.name), "success")
    return redirect(url_for("members.organisations"))


@bp.post("/organisations/<int:organisation_id>/reactivate")
@require(Right.MANAGE_MEMBERS)
def reactivate_organisation(organisation_id: int):
    """Offer an organisation for members again."""
    org = db.get_or_404(Organisation, organisation_id)
    services.set_organisation_active(org, True)
    flash(_("%(name)s is active again.", name=org.name), "success")
    return redirect(url_for("members.organisations"))


def _me() -> Member:
    """The signed-in member with organisation and working groups loaded."""
    return _member_or_404(current_user.id)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """My own details, language and time zone."""
    me = _me()
    form = PreferencesForm(obj=me)
    if form.validate_on_submit():
        services.update_preferences(me, form.language.data, form.timezone.data)
        flash(_("Your preferences have been saved."), "success")
        return redirect(url_for("members.profile"))
    return render_template("members/profile.html", member=me, preferences=form, password=ChangePasswordForm())


@bp.post("/profile/password")
@login_required
def change_password():
    """Change my password; every other signed-in browser is signed out."""
    me = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.change_password(me, form.current.data, form.password.data):
            # The new session token ended every session, this one included; sign this browser back in.
            remember = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
            start_session(me, remember=bool(remember))
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("members.profile"))
        form.current.errors.append(_("The current password is wrong."))
    return render_template(
        "members/profile.html", member=me, preferences=PreferencesForm(obj=me), password=form
    )


@bp.post("/profile/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of mine, on every browser and device, this one included."""
    end_every_session_of(_me())
    flash(_("You are signed out on every browser and device."), "info")
    return redirect(url_for("auth.sign_in"))
