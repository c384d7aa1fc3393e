"""The team's request for the coordinator's approval of an issue."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import RuleError, found_or_404
from ..permissions import Right, require
from . import bp, editing
from .approval_request import ask_for_approval


@bp.post("/news/issues/<int:issue_id>/ask-approval")
@require(Right.MANAGE_NEWS)
def ask_approval(issue_id: int):
    issue = found_or_404(editing.issue_by_id(issue_id))
    try:
        asked = ask_for_approval(issue, current_user)
    except RuleError as exc:
        flash(str(exc), "danger")
    else:
        if asked:
            flash(_("The coordinator is asked by mail to approve this issue."), "success")
        else:
            flash(_("The coordinator was already asked to approve this version of the issue."), "info")
    return redirect(url_for("news.edit_issue", issue_id=issue.id, _anchor="review"))
