"""Asking the coordinator to approve an issue, where the NMG asks for approval (NEWS_APPROVAL_REQUIRED).

The team asks when a draft is ready; the coordinator in office gets one mail per version of the issue
(the key names the issue, its version and the coordinator), so asking again for the same text sends
nothing, and a draft changed since asks anew. The draft also waits on the coordinator's start page."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import RuleError
from ..extensions import db
from ..mail import queue_mails
from ..models import Member, NewsIssue, NewsIssueStatus
from ..permissions import current_coordinator_id
from .sending import approval_required

PURPOSE = "news_approval_request"


def ask_for_approval(issue: NewsIssue, by: Member) -> bool:
    """Queue the request to the coordinator; False if this version was already asked for."""
    if not approval_required():
        raise RuleError(_l("This group does not ask the coordinator to approve its e-news."))
    if issue.status is not NewsIssueStatus.DRAFT:
        raise RuleError(_l("Only a draft waits for approval; this issue is approved, scheduled or sent."))
    if not any(section.body.strip() for section in issue.sections):
        raise RuleError(_l("Every section of this issue is empty; write it before asking for approval."))
    coordinator = db.session.get(Member, current_coordinator_id() or 0)
    if coordinator is None:
        raise RuleError(_l("No coordinator is in office today to approve the issue."))
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/news/issues/{issue.id}#review"
    mail = {
        "to_name": coordinator.full_name,
        "language": coordinator.language.value,
        "subject": _l("E-news to approve: %(title)s", title=issue.title),
        "template": "news_approval_request",
        "member": coordinator,
        "issue": issue,
        "asked_by": by.full_name,
        "link": link,
    }
    key = f"{PURPOSE}:{issue.id}:{issue.version}:{coordinator.id}"
    return bool(queue_mails(PURPOSE, [(key, coordinator.email, mail)]))
