"""The weekly action digest: one mail per owner listing their open actions that are overdue or due soon.

One mail a week rather than one per action, and none to an owner with nothing due. The week's digest goes
from `ACTION_DIGEST_WEEKDAY` at `ACTION_DIGEST_HOUR` in the NMG's zone, read on the local clock, so a
change to or from summer time moves the instant, never the hour people see. From then until the ISO
week ends, every run mails the owners not yet mailed that week: a scheduler that was down on the day
catches up at its next run, and an owner whose first action falls due in the middle of the week gets that
week's digest then.

The dedupe key names the owner and the ISO week (`action_digest:<member id>:2027-W13`), so repeated
ticks, two schedulers or a restart send one digest per owner per week. Actions the coordination team owns
go into the digest of every current team member; owners who have left the NMG get nothing. Only open
actions due by the end of the window are read, with their owners and meetings in the same round trips,
so the cost follows what is due, not the history of closed actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..mail import queue_mails
from ..models import ActionItem, ActionStatus, Member

PURPOSE = "action_digest"


@dataclass
class DigestReport:
    #: the ISO week, as in the dedupe keys: "2027-W13"
    week: str
    #: whether the week's digest time has come
    is_due: bool = False
    #: owners with something overdue or due soon
    owners: int = 0
    #: digests added to the outbox by this run
    enqueued: int = 0

    def __str__(self) -> str:
        if not self.is_due:
            return f"action digests of {self.week} not due yet"
        return (
            f"{self.enqueued} action digests of {self.week} enqueued; {self.owners} owners have actions due"
        )


@dataclass(frozen=True)
class DigestLine:
    """One action as the digest lists it."""

    code: str
    title: str
    due_on: date
    meeting: str
    link: str
    is_team_owned: bool


def week_label(local: datetime) -> str:
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def is_digest_time(local: datetime) -> bool:
    """Whether the configured weekday and hour have come in the ISO week of this local time."""
    config = current_app.config
    return (local.isoweekday(), local.hour) >= (config["ACTION_DIGEST_WEEKDAY"], config["ACTION_DIGEST_HOUR"])


def _due_actions(until: date) -> list[ActionItem]:
    """Open actions due by `until` (overdue ones included), the earliest first, owners and meeting loaded."""
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(
                ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                ActionItem.due_on <= until,
            )
            .options(so.selectinload(ActionItem.owners), so.joinedload(ActionItem.meeting))
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )


def _coordination_team() -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.is_coordination_team, Member.current_clause(clock.today()))
        )
    )


def _by_owner(actions: list[ActionItem]) -> dict[int, tuple[Member, list[ActionItem]]]:
    """Each current owner's actions, in the order given; the team's actions to every team member."""
    found: dict[int, tuple[Member, list[ActionItem]]] = {}

    def add(member: Member, action: ActionItem) -> None:
        listed = found.setdefault(member.id, (member, []))[1]
        if action not in listed:
            listed.append(action)

    team = _coordination_team() if any(action.is_team_owned for action in actions) else []
    for action in actions:
        for owner in action.owners:
            if owner.is_current:
                add(owner, action)
        if action.is_team_owned:
            for member in team:
                add(member, action)
    return found


def _line(action: ActionItem, base: str) -> DigestLine:
    return DigestLine(
        code=f"A-{action.id}",
        title=action.title,
        due_on=action.due_on,
        meeting=action.meeting.title if action.meeting else "",
        link=f"{base}/actions/{action.id}",
        is_team_owned=action.is_team_owned,
    )


def _mail(member: Member, actions: list[ActionItem], today: date, base: str) -> dict[str, Any]:
    lines = [_line(action, base) for action in actions]
    return {
        "to_name": member.full_name,
        "language": str(member.language),
        "subject": _l("Your actions overdue or due soon"),
        "template": PURPOSE,
        "member": member,
        "overdue": [line for line in lines if line.due_on < today],
        "due_soon": [line for line in lines if line.due_on >= today],
        "days": current_app.config["ACTION_DUE_SOON_DAYS"],
        "mine_link": f"{base}/actions/mine",
    }


def send_digests(now: datetime | None = None) -> DigestReport:
    """Enqueue this week's digest for every owner with an action overdue or due soon, once per week."""
    local = clock.local(now or clock.now())
    week = week_label(local)
    report = DigestReport(week=week)
    if not is_digest_time(local):
        return report
    report.is_due = True
    today = local.date()
    due = _by_owner(_due_actions(today + timedelta(days=current_app.config["ACTION_DUE_SOON_DAYS"])))
    report.owners = len(due)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    mails = [
        (f"{PURPOSE}:{member.id}:{week}", member.email, _mail(member, actions, today, base))
        for member, actions in due.values()
    ]
    report.enqueued = len(queue_mails(PURPOSE, mails))
    return report
