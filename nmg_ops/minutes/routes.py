"""The minutes of a meeting: read, written in revisions, compared, circulated, commented, approved."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock
from ..errors import found_or_404, show_on_form
from ..forms import page_number
from ..i18n import format_date
from ..keep_text import keeps_text
from ..models import Meeting, Minutes, MinutesApproval, MinutesStatus
from ..permissions import Right, can, current_roles, require
from . import access, actions, bp, comments, decisions, lifecycle, sections, writing, written_procedure
from .forms import (
    CirculateForm,
    CommentForm,
    DecisionForm,
    SectionActionForm,
    SectionDecisionForm,
    StartProcedureForm,
    approval_form,
    editor_form,
)


def meeting_or_404(meeting_id: int) -> Meeting:
    return found_or_404(writing.meeting_for_minutes(meeting_id))


def readable(meeting_id: int) -> tuple[Meeting, Minutes | None]:
    """The meeting and its minutes, or 404 for a reader the minutes' rule does not admit."""
    meeting = meeting_or_404(meeting_id)
    minutes = writing.minutes_of(meeting.id)
    if not access.may_read(meeting, minutes, current_user.id, current_roles()):
        abort(404)
    return meeting, minutes


def _back(meeting_id: int, anchor: str | None = None):
    return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id, _anchor=anchor))


def _layout(meeting: Meeting, minutes: Minutes | None) -> list[sections.Section]:
    """The sections with their text, and the comments, decisions and actions recorded in each."""
    layout = sections.layout(meeting, minutes.sections if minutes else {})
    by_key = {section.key: section for section in layout}
    found = defaultdict(list)
    for decision in decisions.of_meeting(meeting.id):
        found[("decisions", decision.section)].append(decision)
    for action in actions.of_meeting(meeting.id):
        found[("actions", action.section)].append(action)
    for key, items in comments.by_section(minutes).items():
        found[("comments", key)] = items
    for (kind, key), items in found.items():
        section = by_key.get(key) or by_key[sections.OTHER_BUSINESS]
        getattr(section, kind).extend(items)
    return layout


@bp.route("/meetings/<int:meeting_id>/minutes")
@require(Right.VIEW_MEETINGS)
def minutes_page(meeting_id: int):
    """The minutes, section by section, with attendance, decisions, actions and comments."""
    meeting, minutes = readable(meeting_id)
    roles = current_roles()
    writes = access.writes_minutes(roles)
    is_open = minutes is None or minutes.status is not MinutesStatus.APPROVED
    procedure = written_procedure.latest_procedure(minutes)
    # Those present read the comments and their replies after the deadline too.
    attended = access.may_comment(meeting, minutes, current_user.id)
    return render_template(
        "minutes/page.html",
        meeting=meeting,
        minutes=minutes,
        layout=_layout(meeting, minutes),
        present=lifecycle.attendees(meeting),
        apologies=lifecycle.apologies(meeting),
        writes=writes,
        is_open=is_open,
        may_comment=attended and not comments.closed(minutes),
        sees_comments=attended,
        may_approve=access.may_approve(meeting, roles) and minutes is not None,
        may_erratum=can(Right.APPROVE_MINUTES),
        open_comments=lifecycle.open_comments(minutes) if minutes else 0,
        comment_form=CommentForm(),
        decision_form=DecisionForm(),
        circulate_form=CirculateForm(circulation=minutes.circulation if minutes else 0),
        procedure=procedure,
        my_answer=written_procedure.answer_of(procedure, current_user.id),
    )


def editor_page(
    meeting: Meeting, form, *, erratum: bool = False, conflict=None, status: int = 200, posted=None
):
    """The editor: each section's text with the decisions and actions recorded in it, and while the
    minutes are open, the forms that add one there; `posted` is an added entry refused, with its text."""
    changes = writing.compare(meeting, conflict.theirs.sections, conflict.mine) if conflict else None
    layout = _layout(meeting, writing.minutes_of(meeting.id))
    page = render_template(
        "minutes/edit.html",
        meeting=meeting,
        form=form,
        erratum=erratum,
        conflict=conflict,
        changes=changes,
        layout=layout,
        entries=None if erratum else section_entries(layout, posted),
    )
    return page, status


def section_entries(layout: list[sections.Section], posted=None) -> dict[str, dict[str, object]]:
    """An empty decision form and action form per section, named after it; `posted` (section key, kind,
    form) takes the place of its empty one."""
    entries = {
        section.key: {
            "decision": SectionDecisionForm(formdata=None, prefix=f"{section.key}-decision"),
            "action": SectionActionForm(formdata=None, prefix=f"{section.key}-action"),
        }
        for section in layout
    }
    if posted is not None:
        key, kind, form = posted
        entries[key][kind] = form
    return entries


def _conflict(meeting: Meeting, form, conflict: writing.EditConflict, *, erratum: bool = False):
    """The editor again with the writer's text, now based on the latest revision, beside that revision."""
    # The field shows what was posted unless told otherwise; the next save must start from theirs.
    form.base.data = conflict.theirs.number
    form.base.raw_data = [str(conflict.theirs.number)]
    flash(str(conflict), "danger")
    return editor_page(meeting, form, erratum=erratum, conflict=conflict, status=409)


@bp.route("/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@keeps_text("base", "then")
@require(Right.WRITE_MINUTES)
def edit_minutes(meeting_id: int):
    """Write the minutes; every save is a revision, and a save never overwrites someone else's."""
    meeting = meeting_or_404(meeting_id)
    minutes = writing.minutes_of(meeting.id)
    if minutes is not None and minutes.status is MinutesStatus.APPROVED:
        flash(_("These minutes are approved. A correction now is an erratum, with its reason."), "warning")
        return _back(meeting_id)
    form = editor_form(sections.layout(meeting, minutes.sections if minutes else {}))
    if request.method == "GET":
        form.base.data = minutes.version if minutes else 0
    if form.validate_on_submit():
        try:
            revision = writing.save(meeting, form.texts(), form.base.data, current_user.id)
        except writing.EditConflict as conflict:
            return _conflict(meeting, form, conflict)
        except writing.MinutesError as exc:
            show_on_form(form, exc)
        else:
            if revision is None:
                flash(_("Nothing was changed."), "info")
            else:
                flash(_("Saved as revision %(number)d.", number=revision.number), "success")
            if request.form.get("then") == "close":
                return _back(meeting_id)
            return redirect(url_for("minutes.edit_minutes", meeting_id=meeting_id))
    return editor_page(meeting, form, status=422 if form.errors else 200)


@bp.route("/meetings/<int:meeting_id>/minutes/erratum", methods=["GET", "POST"])
@keeps_text("base")
@require(Right.APPROVE_MINUTES)
def minutes_erratum(meeting_id: int):
    """Correct approved minutes with an erratum: a revision with its reason, in the audit trail."""
    meeting = meeting_or_404(meeting_id)
    minutes = writing.minutes_of(meeting.id)
    if minutes is None or minutes.status is not MinutesStatus.APPROVED:
        flash(_("Only approved minutes take an erratum; until then, edit them."), "warning")
        return _back(meeting_id)
    form = editor_form(sections.layout(meeting, minutes.sections), erratum=True)
    if request.method == "GET":
        form.base.data = minutes.version
    if form.validate_on_submit():
        try:
            writing.erratum(meeting, minutes, form.texts(), form.reason.data, form.base.data, current_user.id)
        except writing.EditConflict as conflict:
            return _conflict(meeting, form, conflict, erratum=True)
        except writing.MinutesError as exc:
            show_on_form(form, exc)
        else:
            flash(_("The erratum has been recorded."), "success")
            return _back(meeting_id)
    return editor_page(meeting, form, erratum=True, status=422 if form.errors else 200)


@bp.post("/meetings/<int:meeting_id>/minutes/circulate")
@require(Right.WRITE_MINUTES)
def circulate_minutes(meeting_id: int):
    """Mail the draft to those present for comments, once per circulation."""
    meeting = meeting_or_404(meeting_id)
    form = CirculateForm()
    if not form.validate_on_submit():
        flash(_("Reload the page and circulate again."), "danger")
        return _back(meeting_id)
    try:
        done = lifecycle.circulate(meeting, writing.minutes_of(meeting.id), expected=form.circulation.data)
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
        return _back(meeting_id)
    # One message: the page's circulation line already says until when comments are open.
    said = [
        ngettext(
            "Circulated to %(num)d person present.", "Circulated to %(num)d people present.", done.mailed
        )
    ]
    if done.approval_item is not None:
        said.append(
            _("Their approval is on the agenda of %(meeting)s.", meeting=done.approval_item.meeting.title)
        )
    if done.no_approving_meeting:
        said.append(
            _(
                "No meeting of the type “%(type)s” is planned yet: "
                "put their approval on its agenda once it is.",
                type=lifecycle.approving_type(meeting).label,
            )
        )
    flash(" ".join(said), "warning" if done.no_approving_meeting else "success")
    return _back(meeting_id)


@bp.route("/meetings/<int:meeting_id>/minutes/approve", methods=["GET", "POST"])
@require(Right.WRITE_MINUTES)
def approve_minutes(meeting_id: int):
    """Record the approval of circulated minutes: the day and the meeting that approved them."""
    meeting = meeting_or_404(meeting_id)
    if not access.may_approve(meeting, current_roles()):
        abort(403)
    minutes = writing.minutes_of(meeting.id)
    if minutes is None or minutes.status is not MinutesStatus.CIRCULATED:
        flash(_("Only circulated minutes are approved."), "warning")
        return _back(meeting_id)
    now = clock.now()
    candidates = lifecycle.approving_meetings(meeting, minutes, now)
    changed = minutes.version != minutes.circulated_version
    form = approval_form(
        [(m.id, f"{m.title} ({format_date(clock.local(m.starts_at).date(), 'medium')})") for m in candidates],
        by_team=meeting.type.minutes_approval is MinutesApproval.COORDINATOR,
        changed_to=minutes.version if changed else None,
    )
    if request.method == "GET":
        form.revision.data = minutes.version
        if minutes.approval_item is not None:
            form.at_meeting.data = minutes.approval_item.meeting_id
    if form.validate_on_submit():
        chosen = next((m for m in candidates if m.id == form.at_meeting.data), None)
        try:
            lifecycle.approve(
                meeting,
                minutes,
                approved_on=form.approved_on.data,
                at_meeting=chosen,
                by_id=current_user.id,
                seen_version=form.revision.data,
                knowingly=changed and bool(form.knowingly.data),
                now=now,
            )
        except writing.MinutesError as exc:
            show_on_form(form, exc)
        else:
            flash(_("The minutes are approved and locked."), "success")
            return _back(meeting_id)
    return render_template(
        "minutes/approve.html",
        meeting=meeting,
        minutes=minutes,
        form=form,
        candidates=candidates,
        approving_type=lifecycle.approving_type(meeting),
        changes=writing.changes_since_circulation(meeting, minutes) if changed else None,
        procedure=written_procedure.open_procedure(minutes),
        procedure_form=StartProcedureForm(
            deadline_on=clock.today() + timedelta(days=written_procedure.USUAL_DAYS)
        ),
        awaited=lifecycle.awaited_meeting(meeting, minutes, now),
        open_comments=comments.still_open(minutes),
        section_title=lambda key: sections.title_of(meeting, key),
    )


@bp.route("/meetings/<int:meeting_id>/minutes/revisions")
@require(Right.WRITE_MINUTES)
def minutes_revisions(meeting_id: int):
    """Every saved revision, newest first, with who saved it and when."""
    meeting = meeting_or_404(meeting_id)
    minutes = found_or_404(writing.minutes_of(meeting.id))
    return render_template(
        "minutes/revisions.html", meeting=meeting, minutes=minutes, revisions=writing.revisions(minutes)
    )


@bp.route("/meetings/<int:meeting_id>/minutes/compare")
@require(Right.WRITE_MINUTES)
def compare_revisions(meeting_id: int):
    """Two revisions side by side, the changed words marked."""
    meeting = meeting_or_404(meeting_id)
    minutes = found_or_404(writing.minutes_of(meeting.id))
    latest = minutes.version
    new_number = min(page_number(request.args.get("b", latest)), latest)
    old_number = min(page_number(request.args.get("a", max(new_number - 1, 1))), latest)
    old = found_or_404(writing.revision_of(minutes, old_number))
    new = found_or_404(writing.revision_of(minutes, new_number))
    return render_template(
        "minutes/compare.html",
        meeting=meeting,
        minutes=minutes,
        old=old,
        new=new,
        changes=writing.compare(meeting, old.sections, new.sections),
        numbers=list(range(latest, 0, -1)),
    )


@bp.post("/meetings/<int:meeting_id>/minutes/revisions/<int:number>/restore")
@require(Right.WRITE_MINUTES)
def restore_revision(meeting_id: int, number: int):
    """Make an older revision's text current again, as a new revision."""
    meeting = meeting_or_404(meeting_id)
    minutes = found_or_404(writing.minutes_of(meeting.id))
    base = page_number(request.form.get("base"))
    try:
        revision = writing.restore(meeting, minutes, number, base, current_user.id)
    except writing.EditConflict:
        flash(_("Someone saved these minutes a moment ago; look at the latest revision first."), "danger")
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Revision %(old)d restored as revision %(new)d.", old=number, new=revision.number), "success")
    return redirect(url_for("minutes.minutes_revisions", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/decisions")
@require(Right.WRITE_MINUTES)
def record_decision(meeting_id: int):
    """Record a decision in a section; it gets the next number of the meeting's year."""
    meeting = meeting_or_404(meeting_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Write what was decided (up to %(max)d characters).", max=decisions.TEXT_MAX), "danger")
        return _back(meeting_id)
    try:
        decision = decisions.record(
            meeting, writing.minutes_of(meeting.id), form.section.data, form.text.data, current_user.id
        )
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
        return _back(meeting_id)
    flash(_("Decision %(code)s recorded.", code=decision.code), "success")
    return _back(meeting_id, f"decision-{decision.id}")


@bp.post("/meetings/<int:meeting_id>/minutes/decisions/<int:decision_id>/delete")
@require(Right.WRITE_MINUTES)
def delete_decision(meeting_id: int, decision_id: int):
    """Remove a decision recorded by mistake, while the minutes are not approved."""
    meeting = meeting_or_404(meeting_id)
    decision = found_or_404(decisions.decision_of(meeting, decision_id))
    code = decision.code
    try:
        decisions.remove(writing.minutes_of(meeting.id), decision)
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Decision %(code)s removed.", code=code), "success")
    return _back(meeting_id)
