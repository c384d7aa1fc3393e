"""The start page's view of the e-news: the issues that wait for the team (to write, to schedule, on
their way) and, where the NMG asks for it (NEWS_APPROVAL_REQUIRED), the drafts that wait for the
coordinator's approval. One statement whatever the number of issues."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import NewsIssue, NewsIssueStatus
from ..permissions import Right, can
from .sending import approval_required


@dataclass
class NewsOverview:
    #: drafts the coordinator has to approve before the team may schedule or send them
    to_approve: list[NewsIssue] = field(default_factory=list)
    #: drafts the team is writing (or, without an approval step, may schedule)
    drafting: list[NewsIssue] = field(default_factory=list)
    #: approved issues the team has to schedule or send
    to_schedule: list[NewsIssue] = field(default_factory=list)
    #: issues waiting for their sending time
    scheduled: list[NewsIssue] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.to_approve or self.drafting or self.to_schedule or self.scheduled)


def overview() -> NewsOverview:
    """The issues not yet sent, each under what its reader has to do with it."""
    seen = NewsOverview()
    manages, approves = can(Right.MANAGE_NEWS), can(Right.APPROVE_NEWS) and approval_required()
    if not (manages or approves):
        return seen
    waiting = [NewsIssueStatus.DRAFT, NewsIssueStatus.APPROVED, NewsIssueStatus.SCHEDULED]
    for issue in db.session.scalars(
        sa.select(NewsIssue).where(NewsIssue.status.in_(waiting)).order_by(NewsIssue.month)
    ):
        if issue.status is NewsIssueStatus.DRAFT and approves:
            seen.to_approve.append(issue)
        elif issue.status is NewsIssueStatus.DRAFT and manages:
            seen.drafting.append(issue)
        elif issue.status is NewsIssueStatus.APPROVED and manages:
            seen.to_schedule.append(issue)
        elif issue.status is NewsIssueStatus.SCHEDULED and manages:
            seen.scheduled.append(issue)
    return seen
