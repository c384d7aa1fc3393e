"""The decisions register: each decision numbered within its meeting's year (2026/07), kept with the
minutes section it was recorded in. Decisions are recorded and removed while the minutes are not
approved; afterwards they are part of the record. Until then a decision is provisional
(`Decision.stands`), and every list shows decisions in the order they stand in the minutes
(`minutes_order`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from .. import audit, clock
from ..errors import lock_row
from ..extensions import db
from ..models import AgendaItem, Decision, Invitation, Meeting, MeetingType, Minutes, MinutesStatus
from ..permissions import Role
from . import access, search, sections
from .writing import MinutesError

TEXT_MAX = Decision.__table__.c.text.type.length
PER_PAGE = 50


@dataclass(frozen=True)
class DecisionFilter:
    q: str = ""
    year: int | None = None
    type_code: str | None = None
    working_group_id: int | None = None

    def args(self) -> dict[str, Any]:
        found = {
            "q": self.q,
            "year": self.year,
            "type": self.type_code,
            "working_group": self.working_group_id,
        }
        return {key: value for key, value in found.items() if value}


def _check_open(minutes: Minutes | None) -> None:
    if minutes is not None and minutes.status is MinutesStatus.APPROVED:
        raise MinutesError(_l("These minutes are approved; their decisions are part of the record."))


def record(meeting: Meeting, minutes: Minutes | None, section: str, text: str, by_id: int | None) -> Decision:
    """Number the decision next in the meeting's year and keep it with its section."""
    _check_open(minutes)
    text = (text or "").strip()
    if not text:
        raise MinutesError(_l("Write what was decided."), "text")
    if len(text) > TEXT_MAX:
        raise MinutesError(_l("A decision is limited to %(max)d characters.", max=TEXT_MAX), "text")
    if section not in sections.keys(meeting, minutes.sections if minutes else {}):
        raise MinutesError(_l("Choose a section of these minutes."), "section")
    year = clock.local(meeting.starts_at).year
    # Numbers are given under the meeting row's lock; the unique (year, number) catches the rest.
    lock_row(Meeting, meeting.id)
    number = (
        db.session.scalar(sa.select(sa.func.max(Decision.number)).where(Decision.year == year)) or 0
    ) + 1
    decision = Decision(
        year=year, number=number, meeting_id=meeting.id, section=section, text=text, recorded_by_id=by_id
    )
    decision.search_text = search.fold_all(decision.code, text, meeting.title)
    db.session.add(decision)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise MinutesError(_l("Another decision took this number a moment ago; record it again.")) from exc
    audit.record("created", "decision", decision.id, f"{decision.code} {text}", {"text": [None, text]})
    db.session.commit()
    return decision


def decision_of(meeting: Meeting, decision_id: int) -> Decision | None:
    return db.session.scalar(
        sa.select(Decision).where(Decision.id == decision_id, Decision.meeting_id == meeting.id)
    )


def remove(minutes: Minutes | None, decision: Decision) -> None:
    _check_open(minutes)
    audit.record(
        "deleted",
        "decision",
        decision.id,
        f"{decision.code} {decision.text}",
        {"text": [decision.text, None]},
    )
    db.session.delete(decision)
    db.session.commit()


def minutes_order() -> tuple[sa.ColumnElement, ...]:
    """As ORDER BY terms, the order a meeting's decisions stand in its minutes (`sections.layout`): the
    opening, the agenda items in the agenda's order, any other business, then items since removed; within
    a section, the order they were recorded in. Lists of several meetings order by meeting first."""
    item_key = sa.literal(sections.ITEM_PREFIX) + sa.cast(AgendaItem.id, sa.String)
    position = (
        sa.select(AgendaItem.position)
        .where(AgendaItem.meeting_id == Decision.meeting_id, item_key == Decision.section)
        .correlate(Decision)
        .scalar_subquery()
    )
    place = sa.case(
        (Decision.section == sections.OPENING, 0),
        (position.is_not(None), 1),
        (Decision.section == sections.OTHER_BUSINESS, 2),
        else_=3,
    )
    return place, position, Decision.section, Decision.number


def of_meeting(meeting_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            sa.select(Decision).where(Decision.meeting_id == meeting_id).order_by(*minutes_order())
        )
    )


def register_query(criteria: DecisionFilter, member_id: int | None, roles: frozenset[Role]) -> sa.Select:
    """The decisions the reader may see that match the criteria: the newest meeting first, each meeting's
    decisions in the order of its minutes."""
    query = (
        sa.select(Decision)
        .join(Decision.meeting)
        .join(Meeting.type)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            access.readable_meetings_clause(member_id, roles),
            search.matches(Decision.search_text, criteria.q),
        )
        .options(so.contains_eager(Decision.meeting).contains_eager(Meeting.type))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc(), *minutes_order())
    )
    if criteria.year:
        query = query.where(Decision.year == criteria.year)
    if criteria.type_code:
        query = query.where(MeetingType.code == criteria.type_code)
    if criteria.working_group_id:
        query = query.where(
            sa.exists().where(
                Invitation.meeting_id == Meeting.id,
                Invitation.via_working_group_id == criteria.working_group_id,
            )
        )
    return query


def register(
    criteria: DecisionFilter, member_id: int | None, roles: frozenset[Role], page: int
) -> Pagination:
    return db.paginate(
        register_query(criteria, member_id, roles), page=page, per_page=PER_PAGE, error_out=False
    )


def years() -> list[int]:
    return list(db.session.scalars(sa.select(Decision.year).distinct().order_by(Decision.year.desc())))
