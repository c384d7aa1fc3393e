"""The coordinator rotation that does not slip: propose, confirm, warn, announce.

The coordinator proposes the next holder: a term that holds its place in the rotation but gives no rights
(`permissions.term_on` reads confirmed terms only); a coordinator proposing themselves is shown as such, on
the page and in the audit trail. A term is confirmed by a decision of approved minutes (the plenary's or the
CT's), or with a note by a member of the coordination team other than the member proposed: nobody confirms
their own term alone. While the current term has no confirmed
successor, the coordinator and the coordination team are warned ROTATION_WARNING_DAYS before it ends: on
their start page, and by mail once per offset (key: term, offset, person; after an outage only the closest
offset goes). On the first days of a new term every current member gets one announcement (key: term,
member). See docs/decisions/0016-rotation-that-does-not-slip.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..delivery.queries import deliveries
from ..extensions import db
from ..i18n import format_date
from ..mail import queue_mails
from ..minutes.actions import ActionFilter
from ..minutes.actions import register_query as action_register
from ..minutes.decisions import minutes_order
from ..models import (
    ActionItem,
    CoordinatorTerm,
    Decision,
    DeliveryStatus,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    MinutesStatus,
    OutboundMessage,
)
from ..permissions import term_on
from .services import GovernanceError, add_term, last_day, next_term_defaults

#: how long after its first day a new term is still announced, should the scheduler have been down
ANNOUNCE_WITHIN = timedelta(days=7)
WARNING_PURPOSE = "rotation_warning"
ANNOUNCEMENT_PURPOSE = "coordinator_announcement"


# --- proposing ---------------------------------------------------------------------------------------------


def _recent_organisation_ids(before: date) -> set[int]:
    """Organisations that held one of the last ROTATION_SKIP_RECENT_TERMS confirmed terms before `before`."""
    skip = current_app.config["ROTATION_SKIP_RECENT_TERMS"]
    if not skip:
        return set()
    rows = db.session.scalars(
        sa.select(Member.organisation_id)
        .join(CoordinatorTerm, CoordinatorTerm.member_id == Member.id)
        .where(CoordinatorTerm.is_confirmed, CoordinatorTerm.starts_on < before)
        .order_by(CoordinatorTerm.starts_on.desc())
        .limit(skip)
    )
    return set(rows)


def candidates(starts_on: date | None = None, limit: int | None = None) -> list[Member]:
    """Current members in rotation order: organisations that never held the term, then those that held it
    longest ago; organisations among the last ROTATION_SKIP_RECENT_TERMS holders are left out."""
    starts_on = starts_on or next_term_defaults().starts_on
    recent = _recent_organisation_ids(starts_on)
    last_held = (
        sa.select(
            Member.organisation_id.label("organisation_id"),
            sa.func.max(CoordinatorTerm.starts_on).label("starts_on"),
        )
        .join(CoordinatorTerm, CoordinatorTerm.member_id == Member.id)
        .where(CoordinatorTerm.is_confirmed)
        .group_by(Member.organisation_id)
        .subquery()
    )
    query = (
        sa.select(Member)
        .outerjoin(last_held, last_held.c.organisation_id == Member.organisation_id)
        .options(so.joinedload(Member.organisation))
        .where(Member.current_clause(clock.today()), Member.organisation_id.not_in(list(recent)))
        .order_by(last_held.c.starts_on.is_not(None), last_held.c.starts_on, Member.full_name, Member.id)
    )
    return list(db.session.scalars(query if limit is None else query.limit(limit)))


def rotation_warning(member: Member, starts_on: date) -> str | None:
    """Why choosing `member` breaks the rotation rule, or None when it keeps it."""
    if member.organisation_id in _recent_organisation_ids(starts_on):
        return _(
            "%(organisation)s held one of the last %(count)d terms: the rotation suggests another "
            "organisation.",
            organisation=member.organisation.display_name,
            count=current_app.config["ROTATION_SKIP_RECENT_TERMS"],
        )
    return None


def propose(member: Member, by: Member | None = None) -> tuple[CoordinatorTerm, str | None]:
    """Propose `member` for the next term (`by` proposes); returns the term and a warning when the rotation
    rule is broken."""
    pending = db.session.scalar(
        sa.select(CoordinatorTerm.id).where(
            ~CoordinatorTerm.is_confirmed, CoordinatorTerm.ends_on > clock.today()
        )
    )
    if pending is not None:
        raise GovernanceError(
            _("A successor is already proposed: confirm the proposal, or delete it first."), "member_id"
        )
    defaults = next_term_defaults()
    term = add_term(
        member, defaults.starts_on, defaults.ends_on, defaults.rotation_position, is_confirmed=False
    )
    if by is not None:
        term.proposed_by_id = by.id
        changes: dict[str, list[Any]] = {"proposed_by": [None, by.full_name]}
        if term.is_self_proposed:
            changes["self_proposal"] = [None, True]
        audit.record("proposed", "coordinator_term", term.id, _label(term), changes)
    return term, rotation_warning(member, term.starts_on)


# --- confirming --------------------------------------------------------------------------------------------

#: how many decisions the confirmation offers, newest first
DECISION_CHOICES = 30
#: how many words of a decision its choice shows
DECISION_WORDS = 12


def confirmable_decisions() -> list[Decision]:
    """Decisions of approved minutes, the newest meeting first, each in the order of its minutes: what a
    confirmation can point to. A draft's decision may still change, so it confirms nothing."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .join(Decision.meeting)
            .join(Minutes, Minutes.meeting_id == Meeting.id)
            .where(Minutes.status == MinutesStatus.APPROVED)
            .options(so.joinedload(Decision.meeting))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc(), *minutes_order())
            .limit(DECISION_CHOICES)
        )
    )


def decision_choice(decision: Decision) -> str:
    """A decision as the confirmation lists it: number, day, and its first words."""
    words = decision.text.split()
    opening = " ".join(words[:DECISION_WORDS]) + (" …" if len(words) > DECISION_WORDS else "")
    day = format_date(clock.local(decision.meeting.starts_at).date(), "medium")
    return f"{decision.code} · {day} · {opening}"


def _label(term: CoordinatorTerm) -> str:
    return f"{term.member.full_name}, {term.starts_on.isoformat()} – {last_day(term).isoformat()}"


def confirm(term: CoordinatorTerm, by: Member, decision: Decision | None = None, note: str = "") -> None:
    """Confirm a proposed term by a decision of approved minutes, or with a note by someone other than the
    member proposed."""
    note = note.strip()
    if term.is_confirmed:
        raise GovernanceError(_("This term is already confirmed."))
    if decision is None and not note:
        raise GovernanceError(_("Choose the decision that confirmed the term, or write a note."), "note")
    if decision is not None and decision.id not in {d.id for d in confirmable_decisions()}:
        raise GovernanceError(_("Choose a decision of approved minutes from the list."), "decision_id")
    if decision is None and by.id == term.member_id:
        raise GovernanceError(
            _(
                "You cannot confirm your own term alone: choose the decision of approved minutes that "
                "confirmed it, or ask another member of the coordination team to confirm it."
            ),
            "decision_id",
        )
    term.is_confirmed = True
    term.decision = decision
    term.confirmation_note = note
    term.confirmed_by_id = by.id
    term.confirmed_at = clock.now()
    changes: dict[str, list[Any]] = {"is_confirmed": [False, True], "confirmed_by": [None, by.full_name]}
    if decision is not None:
        changes["decision"] = [None, decision.code]
    if note:
        changes["confirmation_note"] = [None, note]
    if term.is_self_proposed:
        changes["self_proposal"] = [None, True]
    audit.record("confirmed", "coordinator_term", term.id, _label(term), changes)


# --- warnings and the announcement -------------------------------------------------------------------------


@dataclass
class RotationReport:
    warnings: int = 0
    announcements: int = 0

    def __str__(self) -> str:
        return f"{self.warnings} rotation warnings and {self.announcements} announcements enqueued"


def has_confirmed_successor(term: CoordinatorTerm) -> bool:
    return (
        db.session.scalar(
            sa.select(CoordinatorTerm.id).where(
                CoordinatorTerm.is_confirmed, CoordinatorTerm.starts_on == term.ends_on
            )
        )
        is not None
    )


@dataclass(frozen=True)
class SuccessionGap:
    """The current term ends soon and nobody is confirmed to follow."""

    term: CoordinatorTerm
    days_left: int

    @property
    def last_day(self) -> date:
        return last_day(self.term)


def succession_gap(today: date) -> SuccessionGap | None:
    """The current term, when it ends within the longest warning offset without a confirmed successor."""
    term = term_on(today)
    if term is None:
        return None
    days_left = (term.ends_on - today).days
    longest = max(current_app.config["ROTATION_WARNING_DAYS"], default=0)
    if days_left > longest or has_confirmed_successor(term):
        return None
    return SuccessionGap(term, days_left)


def term_starting(day: date) -> CoordinatorTerm | None:
    """The term, confirmed or only proposed, that starts on `day`."""
    return db.session.scalar(sa.select(CoordinatorTerm).where(CoordinatorTerm.starts_on == day))


def announcement_readers(day: date) -> int:
    """How many members a term starting on `day` is announced to: those current that day."""
    return len(_current_members(day))


def _closest_due(offsets: list[int], days_left: int) -> int | None:
    """The smallest offset already reached: after an outage only the most specific warning goes out."""
    due = [days for days in offsets if days_left <= days]
    return min(due) if due else None


def _current_members(today: date, *clauses: sa.ColumnElement[bool]) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.current_clause(today), *clauses).order_by(Member.id)
        )
    )


def _base_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def _warnings(today: date) -> list[tuple[str, str, dict[str, Any]]]:
    gap = succession_gap(today)
    if gap is None:
        return []
    offset = _closest_due(current_app.config["ROTATION_WARNING_DAYS"], gap.days_left)
    if offset is None:
        return []
    readers = {m.id: m for m in _current_members(today, Member.is_coordination_team)}
    if gap.term.member.left_on is None or gap.term.member.left_on > today:
        readers.setdefault(gap.term.member_id, gap.term.member)
    base = _base_url()
    return [
        (
            f"{WARNING_PURPOSE}:{gap.term.id}:{offset}d:{member.id}",
            member.email,
            {
                "to_name": member.full_name,
                "language": str(member.language),
                "subject": _l("The coordinator term ends without a confirmed successor"),
                "template": WARNING_PURPOSE,
                "member": member,
                "holder": gap.term.member.full_name,
                "last_day": last_day(gap.term),
                "coordinators_link": f"{base}/coordinators",
            },
        )
        for member in readers.values()
    ]


def _announcements(today: date) -> list[tuple[str, str, dict[str, Any]]]:
    term = term_on(today)
    if term is None or today - term.starts_on >= ANNOUNCE_WITHIN:
        return []
    base = _base_url()
    return [
        (
            f"{ANNOUNCEMENT_PURPOSE}:{term.id}:{member.id}",
            member.email,
            {
                "to_name": member.full_name,
                "language": str(member.language),
                "subject": _l("%(name)s is the new coordinator", name=term.member.full_name),
                "template": ANNOUNCEMENT_PURPOSE,
                "member": member,
                "holder": term.member.full_name,
                "organisation": term.member.organisation.display_name,
                "first_day": term.starts_on,
                "last_day": last_day(term),
                "coordinators_link": f"{base}/coordinators",
            },
        )
        for member in _current_members(today)
    ]


def warn_rotation(now: datetime | None = None) -> RotationReport:
    """Enqueue the rotation warnings and the new coordinator's announcement that are due, each once."""
    today = clock.local(now or clock.now()).date()
    report = RotationReport()
    report.warnings = len(queue_mails(WARNING_PURPOSE, _warnings(today)))
    report.announcements = len(queue_mails(ANNOUNCEMENT_PURPOSE, _announcements(today)))
    return report


# --- the handover page -------------------------------------------------------------------------------------

#: how far ahead the handover page lists meetings
HANDOVER_MEETINGS_AHEAD = timedelta(days=92)
#: how many failed deliveries the handover page lists
HANDOVER_FAILED_DELIVERIES = 20


@dataclass
class Handover:
    current: CoordinatorTerm | None
    #: the term after the current one (or the next one when the rotation lapsed), confirmed or proposed
    next: CoordinatorTerm | None
    open_actions: list[ActionItem]
    meetings: list[Meeting]
    failed_deliveries: list[OutboundMessage]
    failed_total: int


def handover(now: datetime | None = None) -> Handover:
    """What the outgoing coordinator hands over and the incoming one takes up."""
    now = now or clock.now()
    today = clock.local(now).date()
    current = term_on(today)
    after = current.ends_on if current else today
    following = db.session.scalar(
        sa.select(CoordinatorTerm)
        .options(so.joinedload(CoordinatorTerm.member))
        .where(CoordinatorTerm.starts_on >= after)
        .order_by(CoordinatorTerm.starts_on)
        .limit(1)
    )
    meetings = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.status.in_([MeetingStatus.DRAFT, MeetingStatus.CONFIRMED]),
                Meeting.starts_at >= now,
                Meeting.starts_at < now + HANDOVER_MEETINGS_AHEAD,
            )
            .options(so.joinedload(Meeting.type))
            .order_by(Meeting.starts_at)
        )
    )
    failed = deliveries(DeliveryStatus.FAILED, 1)
    return Handover(
        current=current,
        next=following,
        open_actions=list(db.session.scalars(action_register(ActionFilter(status="open"), today))),
        meetings=meetings,
        failed_deliveries=list(failed.items[:HANDOVER_FAILED_DELIVERIES]),
        failed_total=failed.total or 0,
    )
