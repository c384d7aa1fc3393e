"""The coordination team's e-news pages: the issues, the editor, previews and test mails, approval,
scheduling, sending and its progress."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import clock
from ..after_response import run_after_response
from ..delivery.dispatcher import dispatch
from ..errors import RuleError, found_or_404, show_on_form
from ..extensions import db
from ..forms import page_number
from ..i18n import format_datetime
from ..keep_text import keeps_text
from ..models import DeliveryStatus, Language, NewsEdition, NewsIssue, NewsIssueStatus, OutboundMessage
from ..permissions import Right, can, require
from . import bp, drafting, editing, languages, rendering, sending, test_mails
from .editing import SECTIONS_MAX, STATUS_LABELS, SectionEdit
from .issue_forms import IssueForm, PreviewForm, ScheduleForm, SendNowForm, TestMailForm
from .recipients import counts as recipient_counts

#: the mail as a page of its own, framed by the preview: nothing in it may run, load or submit
_PREVIEW_CSP = (
    "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'; sandbox"
)
#: the editor's fields that are not the writer's text: a kept-text page carries them unseen
_KEPT_HIDDEN = (
    "version",
    "then",
    *(
        f"sections-{i}-{name}"
        for i in range(SECTIONS_MAX)
        for name in ("section_id", "members_only", "remove")
    ),
    *(f"titles-{i}-language" for i in range(len(Language))),
    *(f"sections-{i}-texts-{j}-language" for i in range(SECTIONS_MAX) for j in range(len(Language))),
)


def nmg_time(at: datetime | None) -> str:
    """A time as the NMG's zone shows it, whatever the reader's own zone: scheduling is in that zone."""
    return format_datetime(clock.local(at), "medium", rebase=False) if at else "–"


@bp.app_context_processor
def _news_helpers() -> dict[str, object]:
    return {
        "nmg_time": nmg_time,
        "nmg_zone_name": clock.nmg_zone().key,
    }


def _issue(issue_id: int) -> NewsIssue:
    return found_or_404(editing.issue_by_id(issue_id))


def _back(issue: NewsIssue, anchor: str | None = None):
    return redirect(url_for("news.edit_issue", issue_id=issue.id, _anchor=anchor))


@bp.get("/news/issues")
@require(Right.MANAGE_NEWS)
def issue_list():
    """Every issue with its state and its time, and the button that drafts next month's."""
    return render_template(
        "news/issue_list.html",
        issues=editing.all_issues(),
        labels=STATUS_LABELS,
        when=editing.when,
        next_month=drafting.first_of_next_month(clock.today()),
    )


@bp.post("/news/issues/draft")
@require(Right.MANAGE_NEWS)
def draft_issue():
    """Draft next month's issue from the group's meetings and minutes, or open it if it exists."""
    month = drafting.first_of_next_month(clock.today())
    existing = drafting.issue_of_month(month)
    issue = existing or drafting.draft_issue(month)
    if existing is None:
        flash(_("%(title)s is ready to edit.", title=issue.title), "success")
    elif issue.status in editing.EDITABLE:
        flash(_("%(title)s was drafted already; here it is.", title=issue.title), "info")
    else:
        flash(
            _(
                "%(title)s can no longer be edited (%(status)s).",
                title=issue.title,
                status=STATUS_LABELS[issue.status],
            ),
            "info",
        )
    return _back(issue)


def _issue_page(
    issue: NewsIssue,
    form: IssueForm | None = None,
    *,
    schedule_form: ScheduleForm | None = None,
    test_form: TestMailForm | None = None,
    conflict: editing.EditConflict | None = None,
    status: int = 200,
):
    editable = issue.status in editing.EDITABLE
    if form is None and editable:
        form = IssueForm.of(issue)
    if schedule_form is None:
        schedule_form = ScheduleForm(formdata=None)
    if test_form is None:
        test_form = TestMailForm(formdata=None, language=current_user.language, addresses=current_user.email)
    page = render_template(
        "news/issue_edit.html",
        issue=issue,
        form=form if editable else None,
        editable=editable,
        labels=STATUS_LABELS,
        conflict=conflict,
        schedule_form=schedule_form,
        test_form=test_form,
        approval_required=sending.approval_required(),
        may_approve=can(Right.APPROVE_NEWS),
        sections=rendering.sections_of,
        editions=NewsEdition,
        reach=recipient_counts() if issue.status in editing.EDITABLE | {NewsIssueStatus.SCHEDULED} else None,
        untranslated=languages.untranslated(issue),
    )
    return page, status


@bp.route("/news/issues/<int:issue_id>", methods=["GET", "POST"])
@keeps_text(*_KEPT_HIDDEN)
@require(Right.MANAGE_NEWS)
def edit_issue(issue_id: int):
    """Edit the title and the sections; a save never overwrites someone else's."""
    issue = _issue(issue_id)
    if issue.status not in editing.EDITABLE:
        if request.method == "POST":
            flash(
                _("This issue is %(status)s and can no longer be edited.", status=STATUS_LABELS[issue.status])
            )
            return _back(issue)
        return _issue_page(issue)
    form = IssueForm() if request.method == "POST" else IssueForm.of(issue)
    if form.validate_on_submit():
        edits = form.edits()
        then = request.form.get("then", "")
        move = _move_of(then)
        if then == "add":
            edits.append(SectionEdit(None, _("New section"), "", False))
        try:
            saved = editing.save(
                issue, form.title.data, edits, form.version.data, move=move, titles=form.other_titles()
            )
        except editing.EditConflict as conflict:
            # The next save starts from the version now stored; the fields keep what was posted.
            form.version.data = conflict.current.version
            form.version.raw_data = [str(conflict.current.version)]
            flash(str(conflict), "danger")
            return _issue_page(conflict.current, form, conflict=conflict, status=409)
        except RuleError as exc:
            show_on_form(form, exc)
            issue = editing.found_again(issue_id)
        else:
            if saved.approval_voided:
                flash(
                    _("Saved. The issue was approved; it is a draft again and needs a new approval."),
                    "warning",
                )
            elif saved.changed:
                flash(_("Saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return _back(issue, "editor" if then else None)
    return _issue_page(issue, form, status=422 if form.errors or request.method == "POST" else 200)


def _move_of(then: str) -> tuple[int, int] | None:
    """ "up:12" / "down:12" from the editor's arrows, as (section id, step)."""
    direction, _sep, number = then.partition(":")
    if direction not in ("up", "down") or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return int(number), -1 if direction == "up" else 1


def _preview_choices() -> PreviewForm:
    form = PreviewForm(formdata=request.args)
    if not form.validate():
        reasons = "; ".join(f"{name}: {', '.join(errors)}" for name, errors in form.errors.items())
        abort(400, _("The preview cannot show that (%(reasons)s).", reasons=reasons))
    return form


@bp.get("/news/issues/<int:issue_id>/preview")
@require(Right.MANAGE_NEWS)
def preview_issue(issue_id: int):
    """The issue as a recipient gets it, in one edition and language, as HTML or as plain text."""
    issue = _issue(issue_id)
    choices = _preview_choices()
    edition = NewsEdition(choices.edition.data)
    rendered = rendering.render(issue, edition, choices.language.data)
    return render_template(
        "news/issue_preview.html",
        issue=issue,
        choices=choices,
        edition=edition,
        rendered=rendered,
    )


@bp.get("/news/issues/<int:issue_id>/preview/mail")
@require(Right.MANAGE_NEWS)
def preview_mail(issue_id: int):
    """The mail's HTML alone, for the preview's frame; it may neither run scripts nor load from elsewhere
    than https images."""
    issue = _issue(issue_id)
    choices = _preview_choices()
    rendered = rendering.render(issue, NewsEdition(choices.edition.data), choices.language.data)
    response = Response(rendered.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/news/issues/<int:issue_id>/test")
@require(Right.MANAGE_NEWS)
def send_test(issue_id: int):
    """Send the issue, marked as a test, to the addresses the editor typed (their own by default)."""
    issue = _issue(issue_id)
    form = TestMailForm()
    if form.validate_on_submit():
        try:
            addresses = test_mails.parsed_addresses(form.addresses.data)
            rows = test_mails.send_tests(
                issue, NewsEdition(form.edition.data), form.language.data, addresses, current_user
            )
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            _flash_test_outcome(rows)
            return _back(issue, "review")
    return _issue_page(issue, test_form=form, status=422)


def _flash_test_outcome(rows: list[OutboundMessage]) -> None:
    sent = [row.recipient for row in rows if row.status is DeliveryStatus.SENT]
    if sent:
        flash(_("A test mail went to %(address)s.", address=", ".join(sent)), "success")
    for row in rows:
        if row.status is DeliveryStatus.FAILED:
            flash(
                _(
                    "The test mail to %(address)s was refused: %(reason)s",
                    address=row.recipient,
                    reason=row.last_error or "?",
                ),
                "danger",
            )
        elif row.status is not DeliveryStatus.SENT:
            flash(
                _(
                    "The test mail to %(address)s is queued; the mail server did not take it yet.",
                    address=row.recipient,
                ),
                "warning",
            )


@bp.post("/news/issues/<int:issue_id>/approve")
@require(Right.APPROVE_NEWS)
def approve_issue(issue_id: int):
    """The coordinator's approval, where the NMG asks for it before an issue goes out."""
    issue = _issue(issue_id)
    try:
        sending.approve(issue, current_user)
    except RuleError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Approved. The team can now schedule or send it."), "success")
    return _back(issue, "review")


def _send_time(form: ScheduleForm) -> datetime | None:
    try:
        return clock.from_local(form.send_on.data, form.send_at.data)
    except clock.NonexistentLocalTime as exc:
        form.send_at.errors.append(
            _(
                "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward that night. "
                "Choose another time.",
                time=form.send_at.data.strftime("%H:%M"),
                day=form.send_on.data.isoformat(),
                zone=exc.zone,
            )
        )
        return None


@bp.post("/news/issues/<int:issue_id>/schedule")
@require(Right.MANAGE_NEWS)
def schedule_issue(issue_id: int):
    """Send at a date and time in the NMG's zone; the scheduler starts it then."""
    issue = _issue(issue_id)
    form = ScheduleForm()
    if form.validate_on_submit() and (at := _send_time(form)) is not None:
        try:
            sending.schedule(issue, at)
        except RuleError as exc:
            show_on_form(form, exc, fallback="send_on")
        else:
            flash(
                _("Scheduled for %(when)s (%(zone)s).", when=nmg_time(at), zone=clock.nmg_zone().key),
                "success",
            )
            return _back(issue, "review")
    return _issue_page(issue, schedule_form=form, status=422)


@bp.post("/news/issues/<int:issue_id>/unschedule")
@require(Right.MANAGE_NEWS)
def unschedule_issue(issue_id: int):
    """Take a scheduled issue back, until its sending starts."""
    issue = _issue(issue_id)
    try:
        sending.unschedule(issue)
    except RuleError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Unscheduled. The issue can be edited again."), "success")
    return _back(issue, "review")


def _queue_and_deliver(issue_id: int) -> None:
    issue = db.session.get(NewsIssue, issue_id)
    sending.queue_issue(issue)
    dispatch(purpose=issue.outbox_purpose)
    sending.finish_sent(clock.now())


@bp.route("/news/issues/<int:issue_id>/send", methods=["GET", "POST"])
@require(Right.MANAGE_NEWS)
def send_issue(issue_id: int):
    """Send now, after a confirmation that names how many people it goes to."""
    issue = _issue(issue_id)
    if issue.status in {NewsIssueStatus.SENDING, NewsIssueStatus.SENT}:
        return redirect(url_for("news.issue_progress", issue_id=issue.id))
    form = SendNowForm()
    status = 200
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors.append(_("Tick the box to confirm that the issue goes out now."))
            status = 422
        else:
            try:
                sending.send_now(issue)
            except RuleError as exc:
                flash(str(exc), "danger")
                return _back(issue, "review")
            run_after_response(lambda: _queue_and_deliver(issue_id))
            flash(_("Sending has started."), "success")
            return redirect(url_for("news.issue_progress", issue_id=issue.id))
    elif request.method == "POST":
        status = 422
    reach = recipient_counts()
    form.confirm.label.text = ngettext(
        "Yes, send this issue to %(num)d address now",
        "Yes, send this issue to %(num)d addresses now",
        reach.total,
    )
    return (
        render_template(
            "news/issue_send.html",
            issue=issue,
            form=form,
            reach=reach,
            untranslated=languages.untranslated(issue),
        ),
        status,
    )


def _counts(issue: NewsIssue) -> dict[str, object]:
    progress = sending.progress(issue)
    return {
        "status": issue.status.value,
        "recipients": progress.recipients,
        "queued": progress.queued,
        "sent": progress.sent,
        "deferred": progress.deferred,
        "failed": progress.failed,
        "withdrawn": progress.withdrawn,
        "handled": progress.handled,
        "waiting": progress.waiting,
        "stage": progress.stage.value,
        "stage_label": str(sending.STAGE_LABELS[progress.stage]),
        "done": progress.done,
    }


@bp.get("/news/issues/<int:issue_id>/progress")
@require(Right.MANAGE_NEWS)
def issue_progress(issue_id: int):
    """How far the sending is: counts by state, a bar, and the addresses that failed with the reason."""
    issue = found_or_404(db.session.get(NewsIssue, issue_id))
    return render_template(
        "news/issue_progress.html",
        issue=issue,
        counts=_counts(issue),
        failures=editing.failed_mails(issue, page_number(request.args.get("page"))),
        labels=STATUS_LABELS,
        polls=issue.status is NewsIssueStatus.SENDING,
    )


@bp.get("/news/issues/<int:issue_id>/progress.json")
@require(Right.MANAGE_NEWS)
def issue_progress_json(issue_id: int):
    """The progress counts, for the page that refreshes itself while the issue is sent."""
    issue = found_or_404(db.session.get(NewsIssue, issue_id))
    return jsonify(_counts(issue))
