"""Comments on circulated minutes: those present comment, the coordination team replies and resolves."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import found_or_404, show_on_form
from ..permissions import Right, require
from . import access, bp, comments, sections, writing
from .forms import CommentForm, ReplyForm
from .routes import readable


def _back(meeting_id: int, anchor: str | None = None):
    return redirect(url_for("minutes.minutes_page", meeting_id=meeting_id, _anchor=anchor))


@bp.post("/meetings/<int:meeting_id>/minutes/comments")
@require(Right.VIEW_MEETINGS)
def comment_minutes(meeting_id: int):
    """Comment on a section of circulated minutes of a meeting I attended."""
    meeting, minutes = readable(meeting_id)
    if not access.may_comment(meeting, minutes, current_user.id):
        flash(_("Comments come from those present, while the minutes are circulated."), "warning")
        return _back(meeting_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Write your comment (up to %(max)d characters).", max=comments.BODY_MAX), "danger")
        return _back(meeting_id)
    try:
        comment = comments.add_comment(meeting, minutes, form.section.data, form.body.data, current_user.id)
    except writing.MinutesError as exc:
        flash(str(exc), "danger")
        return _back(meeting_id)
    flash(_("Thank you: your comment is with the coordination team."), "success")
    return _back(meeting_id, f"comment-{comment.id}")


@bp.route("/meetings/<int:meeting_id>/minutes/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@require(Right.WRITE_MINUTES)
def reply_to_comment(meeting_id: int, comment_id: int):
    """Answer a member's comment under it, and resolve it with the answer if it is dealt with."""
    meeting = found_or_404(writing.meeting_for_minutes(meeting_id))
    minutes = found_or_404(writing.minutes_of(meeting.id))
    comment = found_or_404(comments.comment_of(minutes, comment_id))
    form = ReplyForm()
    refusal = None
    try:
        comments.check_reply_to(minutes, comment)
    except writing.MinutesError as exc:
        refusal = str(exc)
    if refusal is None and form.validate_on_submit():
        resolves = request.form.get("then") == "resolve"
        try:
            answer = comments.reply(minutes, comment, form.body.data, current_user.id, resolves=resolves)
        except writing.MinutesError as exc:
            show_on_form(form, exc)
        else:
            done = _("The comment is resolved with your reply.") if resolves else _("Your reply is sent.")
            flash(done, "success")
            return _back(meeting_id, f"comment-{answer.id}")
    page = render_template(
        "minutes/reply.html",
        meeting=meeting,
        minutes=minutes,
        comment=comment,
        section_title=sections.title_of(meeting, comment.section),
        form=form,
        refusal=refusal,
    )
    return page, 409 if refusal else 422 if form.errors else 200
