from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock, confirmation
from .. import member_picker as picker
from ..confirmation import Question
from ..documents.library import documents_awaiting_approval
from ..errors import show_on_form
from ..extensions import db
from ..forms import page_number
from ..i18n import format_date, format_datetime
from ..models import CoordinatorTerm, Decision, Member, WorkingGroup
from ..news import editing as news_editing
from ..permissions import Right, can, require
from . import audit_trail, bp, rotation, services
from .charts import composition_charts
from .composition import composition_on
from .forms import ConfirmationForm, ProposalForm, TermForm, WorkingGroupForm


@bp.route("/composition")
@require(Right.VIEW_COMPOSITION)
def composition():
    """The group's composition against the B1MG recommendations."""
    result = composition_on()
    return render_template(
        "governance/composition.html",
        composition=result,
        checklist=result.checklist(),
        charts=composition_charts(result),
    )


# --- coordinator terms ------------------------------------------------------------------------------------


#: how many members in rotation order the proposal form names
SUGGESTED = 3


def _proposal_form() -> ProposalForm:
    # Prefixed: the page also shows the form to add a term, with fields of the same names.
    form = ProposalForm(prefix="proposal")
    suggested = rotation.candidates(limit=SUGGESTED)
    if suggested:
        form.member_id.description = _(
            "Anyone current may be chosen. Next in the rotation order: %(names)s.",
            names="; ".join(f"{picker.label(m)} ({m.organisation.display_name})" for m in suggested),
        )
    return form


def _confirmation_form() -> ConfirmationForm:
    form = ConfirmationForm(prefix="confirmation")
    form.decision_id.choices = [
        ("", _("No decision: I confirm with a note")),
        *((d.id, rotation.decision_choice(d)) for d in rotation.confirmable_decisions()),
    ]
    return form


def _coordinators_page(
    form: TermForm | None,
    status: int = 200,
    proposal_form: ProposalForm | None = None,
    confirmation_form: ConfirmationForm | None = None,
):
    manages = can(Right.MANAGE_GOVERNANCE)
    return (
        render_template(
            "governance/coordinators.html",
            terms=services.terms(),
            today=clock.today(),
            form=form,
            proposal_form=proposal_form or (_proposal_form() if manages else None),
            confirmation_form=confirmation_form
            or (_confirmation_form() if can(Right.CONFIRM_COORDINATOR) else None),
            last_day=services.last_day,
            term_status=services.term_status,
        ),
        status,
    )


@bp.route("/coordinators")
@require(Right.VIEW_COMPOSITION)
def coordinators():
    """Coordinator terms, past, current and planned."""
    form = None
    if can(Right.MANAGE_GOVERNANCE):
        form = TermForm()
        defaults = services.next_term_defaults()
        form.starts_on.data = defaults.starts_on
        form.last_day.data = defaults.ends_on - timedelta(days=1)
        form.rotation_position.data = defaults.rotation_position
    return _coordinators_page(form)


@bp.post("/coordinators/new")
@require(Right.MANAGE_GOVERNANCE)
def add_term():
    """Plan the next coordinator term, or record a past one."""
    form = TermForm()
    if form.validate_on_submit():
        member = db.get_or_404(Member, form.member_id.data)
        ends_on = form.last_day.data + timedelta(days=1) if form.last_day.data else None
        try:
            services.add_term(member, form.starts_on.data, ends_on, form.rotation_position.data)
        except services.GovernanceError as exc:
            # The form asks for the last day; the rule speaks of the day the term ends.
            show_on_form(form, exc, fallback="last_day" if exc.field == "ends_on" else "starts_on")
        else:
            db.session.commit()
            flash(_("The coordinator term of %(name)s has been added.", name=member.full_name), "success")
            return redirect(url_for("governance.coordinators"))
    return _coordinators_page(form, 400)


def _handover_question(term: CoordinatorTerm) -> Question:
    """What ending the term today does: who holds the rights from tomorrow and who is told."""
    today = clock.today()
    tomorrow = today + timedelta(days=1)
    summary = [
        _(
            "The term of %(name)s ends today, %(day)s; the coordinator rights end with it.",
            name=term.member.full_name,
            day=format_date(today, "long"),
        )
    ]
    successor = rotation.term_starting(tomorrow)
    if successor is not None and successor.is_confirmed:
        summary.append(
            ngettext(
                "From tomorrow %(name)s is the coordinator; %(num)d current member will be told by mail.",
                "From tomorrow %(name)s is the coordinator; %(num)d current members will be told by mail.",
                rotation.announcement_readers(tomorrow),
                name=successor.member.full_name,
            )
        )
    elif successor is not None:
        summary.append(
            _(
                "%(name)s, who starts tomorrow, is only proposed: nobody holds the coordinator rights "
                "until the proposal is confirmed.",
                name=successor.member.full_name,
            )
        )
    else:
        summary.append(
            _(
                "No term starts tomorrow: nobody holds the coordinator rights until the next term is "
                "added, and nobody is mailed now."
            )
        )
    return Question(
        title=_("Hand over the coordinator role today?"),
        summary=summary,
        button=_("Hand over"),
        back=url_for("governance.coordinators"),
    )


@bp.post("/coordinators/<int:term_id>/end")
@require(Right.MANAGE_GOVERNANCE)
def end_term(term_id: int):
    """Hand over: end the current term today, after a page that says who holds the rights next."""
    term = db.get_or_404(CoordinatorTerm, term_id)
    try:
        services.check_ending(term)
        if not confirmation.is_confirmed():
            return confirmation.ask(_handover_question(term))
        services.end_term_today(term)
    except services.GovernanceError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(
            _(
                "The term of %(name)s ends today. Add the next term starting tomorrow.",
                name=term.member.full_name,
            ),
            "success",
        )
    return redirect(url_for("governance.coordinators"))


@bp.post("/coordinators/<int:term_id>/delete")
@require(Right.MANAGE_GOVERNANCE)
def delete_term(term_id: int):
    """Delete a planned term that has not started."""
    term = db.get_or_404(CoordinatorTerm, term_id)
    name = term.member.full_name
    try:
        services.delete_term(term)
    except services.GovernanceError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("The planned term of %(name)s has been deleted.", name=name), "success")
    return redirect(url_for("governance.coordinators"))


@bp.post("/coordinators/propose")
@require(Right.MANAGE_GOVERNANCE)
def propose_term():
    """Propose the next coordinator; the proposal gives no rights until it is confirmed."""
    form = _proposal_form()
    if form.validate_on_submit():
        member = db.get_or_404(Member, form.member_id.data)
        try:
            _term, warning = rotation.propose(member, current_user)
        except services.GovernanceError as exc:
            show_on_form(form, exc, fallback="member_id")
        else:
            db.session.commit()
            flash(_("%(name)s has been proposed as the next coordinator.", name=member.full_name), "success")
            if warning:
                flash(warning, "warning")
            return redirect(url_for("governance.coordinators"))
    return _coordinators_page(None, 400, proposal_form=form)


@bp.post("/coordinators/<int:term_id>/confirm")
@require(Right.CONFIRM_COORDINATOR)
def confirm_term(term_id: int):
    """Confirm a proposed term, by a decision of approved minutes or with the note of a team member other
    than the one proposed."""
    term = db.get_or_404(CoordinatorTerm, term_id)
    form = _confirmation_form()
    if form.validate_on_submit():
        decision = db.session.get(Decision, form.decision_id.data) if form.decision_id.data else None
        try:
            rotation.confirm(term, current_user, decision, form.note.data or "")
        except services.GovernanceError as exc:
            show_on_form(form, exc, fallback="note")
        else:
            db.session.commit()
            flash(_("The term of %(name)s is confirmed.", name=term.member.full_name), "success")
            return redirect(url_for("governance.coordinators"))
    return _coordinators_page(None, 400, confirmation_form=form)


@bp.route("/coordinators/handover")
@require(Right.VIEW_HANDOVER)
def handover():
    """What the outgoing coordinator hands over to the incoming one."""
    return render_template(
        "governance/handover.html",
        handover=rotation.handover(),
        awaiting_documents=documents_awaiting_approval(),
        news=news_editing.schedule_overview(),
        news_labels=news_editing.STATUS_LABELS,
        last_day=services.last_day,
        now=clock.now(),
    )


# --- working groups ---------------------------------------------------------------------------------------


def _working_groups_page(form: WorkingGroupForm | None, status: int = 200):
    return render_template(
        "governance/working_groups.html", groups=services.working_groups(), form=form
    ), status


@bp.route("/working-groups")
@require(Right.VIEW_COMPOSITION)
def working_groups():
    """The working groups the NMG follows, with how many members follow each."""
    form = WorkingGroupForm() if can(Right.MANAGE_GOVERNANCE) else None
    return _working_groups_page(form)


@bp.post("/working-groups/new")
@require(Right.MANAGE_GOVERNANCE)
def add_working_group():
    """Add a working group."""
    form = WorkingGroupForm()
    if form.validate_on_submit():
        try:
            group = services.add_working_group(form.code.data, form.name.data)
        except services.GovernanceError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Working group %(name)s added.", name=group.display_name), "success")
            return redirect(url_for("governance.working_groups"))
    return _working_groups_page(form, 400)


@bp.route("/working-groups/<int:group_id>/edit", methods=["GET", "POST"])
@require(Right.MANAGE_GOVERNANCE)
def edit_working_group(group_id: int):
    """Rename a working group or change its code."""
    group = db.get_or_404(WorkingGroup, group_id)
    form = WorkingGroupForm(obj=group)
    if form.validate_on_submit():
        try:
            services.rename_working_group(group, form.code.data, form.name.data)
        except services.GovernanceError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Working group %(name)s saved.", name=group.display_name), "success")
            return redirect(url_for("governance.working_groups"))
    status = 400 if request.method == "POST" else 200
    return render_template("governance/working_group_edit.html", group=group, form=form), status


@bp.post("/working-groups/<int:group_id>/<any(deactivate, reactivate):change>")
@require(Right.MANAGE_GOVERNANCE)
def set_working_group_active(group_id: int, change: str):
    """Deactivate a working group the NMG no longer follows, or reactivate it."""
    group = db.get_or_404(WorkingGroup, group_id)
    services.set_working_group_active(group, change == "reactivate")
    db.session.commit()
    if group.is_active:
        flash(_("Working group %(name)s is active again.", name=group.display_name), "success")
    else:
        flash(_("Working group %(name)s is deactivated.", name=group.display_name), "success")
    return redirect(url_for("governance.working_groups"))


# --- audit trail ------------------------------------------------------------------------------------------


def _subject_url(subject_type: str, subject_id: int) -> str | None:
    """Where a trail entry's subject can be looked at, if anywhere."""
    if subject_type == "member":
        return url_for("members.member", member_id=subject_id)
    if subject_type == "meeting":
        return url_for("meetings.meeting_detail", meeting_id=subject_id)
    if subject_type == "news_issue":
        return url_for("news.edit_issue", issue_id=subject_id)
    return {
        "coordinator_term": url_for("governance.coordinators"),
        "working_group": url_for("governance.working_groups"),
        "meeting_type": url_for("meetings.meeting_type_list"),
    }.get(subject_type)


@bp.route("/audit")
@require(Right.VIEW_AUDIT)
def audit_log():
    """Who changed what and when."""
    criteria = audit_trail.AuditFilter.from_args(request.args.get("type"), request.args.get("actor"))
    page = audit_trail.audit_entries(page_number(request.args.get("page")), criteria)
    return render_template(
        "governance/audit_log.html",
        page=page,
        criteria=criteria,
        filters=criteria.as_args(),
        subject_types=audit_trail.audit_subject_types(),
        actors=audit_trail.audit_actors(),
        system_actor=audit_trail.SYSTEM_ACTOR,
        subject_url=_subject_url,
        format_datetime=format_datetime,
    )
