"""Governance rules: the coordinator rotation and the working groups the NMG follows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from .. import audit, clock
from ..errors import RuleError
from ..extensions import db
from ..i18n import format_date
from ..models import (
    CoordinatorTerm,
    Member,
    WorkingGroup,
    member_working_group,
)


class TermStatus(StrEnum):
    PAST = "past"
    CURRENT = "current"
    PLANNED = "planned"


class GovernanceError(RuleError):
    """A rule on coordinator terms, working groups or the composition refused the change."""


def last_day(term: CoordinatorTerm) -> date:
    """The last day of the term; the model stores the day after it."""
    return term.ends_on - timedelta(days=1)


def term_status(term: CoordinatorTerm, today: date) -> TermStatus:
    if term.ends_on <= today:
        return TermStatus.PAST
    if term.starts_on > today:
        return TermStatus.PLANNED
    return TermStatus.CURRENT


def one_year_after(day: date) -> date:
    """The same day next year; a term starting on 29 February runs to the end of February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def terms() -> list[CoordinatorTerm]:
    """The whole rotation, first term first, with holders and their organisations loaded."""
    return list(
        db.session.scalars(
            sa.select(CoordinatorTerm)
            .options(so.joinedload(CoordinatorTerm.member).joinedload(Member.organisation))
            .order_by(CoordinatorTerm.starts_on)
        )
    )


@dataclass(frozen=True)
class TermDefaults:
    starts_on: date
    ends_on: date
    rotation_position: int


def next_term_defaults(today: date | None = None) -> TermDefaults:
    """What the next term most likely is: it follows the last one, or starts today if the rotation lapsed."""
    today = today or clock.today()
    last_end, last_position = db.session.execute(
        sa.select(sa.func.max(CoordinatorTerm.ends_on), sa.func.max(CoordinatorTerm.rotation_position))
    ).one()
    starts_on = max(last_end, today) if last_end else today
    return TermDefaults(starts_on, one_year_after(starts_on), (last_position or 0) + 1)


def _term_label(term: CoordinatorTerm) -> str:
    return f"{term.member.full_name}, {term.starts_on.isoformat()} – {last_day(term).isoformat()}"


_TERM_FIELDS = ["member_id", "starts_on", "ends_on", "rotation_position"]


def add_term(
    member: Member,
    starts_on: date,
    ends_on: date | None = None,
    rotation_position: int | None = None,
    *,
    is_confirmed: bool = True,
) -> CoordinatorTerm:
    """Plan or record a term; `ends_on` is the day after the last day, one year after the start by default.

    A proposed term (`is_confirmed=False`) holds its place in the rotation but gives no rights until it is
    confirmed (`rotation.confirm`)."""
    ends_on = ends_on or one_year_after(starts_on)
    if not member.is_current:
        raise GovernanceError(_("%(name)s has left the group.", name=member.full_name), "member_id")
    if ends_on <= starts_on:
        raise GovernanceError(_("The last day cannot be before the first day."), "ends_on")
    if rotation_position is not None and rotation_position < 1:
        raise GovernanceError(_("The rotation position starts at 1."), "rotation_position")
    clash = db.session.scalar(
        sa.select(CoordinatorTerm)
        .options(so.joinedload(CoordinatorTerm.member))
        .where(CoordinatorTerm.starts_on < ends_on, CoordinatorTerm.ends_on > starts_on)
        .order_by(CoordinatorTerm.starts_on)
        .limit(1)
    )
    if clash is not None:
        raise GovernanceError(
            _(
                "This term overlaps the term of %(name)s from %(first)s to %(last)s.",
                name=clash.member.full_name,
                first=format_date(clash.starts_on),
                last=format_date(last_day(clash)),
            ),
            "starts_on",
        )
    if rotation_position is None:
        rotation_position = next_term_defaults().rotation_position
    term = CoordinatorTerm(
        member=member,
        starts_on=starts_on,
        ends_on=ends_on,
        rotation_position=rotation_position,
        is_confirmed=is_confirmed,
    )
    db.session.add(term)
    db.session.flush()
    audit.record(
        "created",
        "coordinator_term",
        term.id,
        _term_label(term),
        audit.diff({}, audit.snapshot(term, _TERM_FIELDS)),
    )
    return term


def check_ending(term: CoordinatorTerm) -> None:
    if term_status(term, clock.today()) is not TermStatus.CURRENT:
        raise GovernanceError(_("Only the current term can be ended."))


def end_term_today(term: CoordinatorTerm) -> None:
    """Hand over: the current term ends at the end of today, so that the next one can start tomorrow."""
    check_ending(term)
    today = clock.today()
    before = audit.snapshot(term, ["ends_on"])
    term.ends_on = today + timedelta(days=1)
    if before["ends_on"] != term.ends_on.isoformat():
        audit.record(
            "ended",
            "coordinator_term",
            term.id,
            _term_label(term),
            audit.diff(before, audit.snapshot(term, ["ends_on"])),
        )


def delete_term(term: CoordinatorTerm) -> None:
    """Remove a planned term; terms that have started are the group's history and stay."""
    if term_status(term, clock.today()) is not TermStatus.PLANNED:
        raise GovernanceError(
            _("Only planned terms can be deleted; past and current terms are kept as history.")
        )
    removed = {name: [value, None] for name, value in audit.snapshot(term, _TERM_FIELDS).items()}
    audit.record("deleted", "coordinator_term", term.id, _term_label(term), removed)
    db.session.delete(term)


# --- working groups ---------------------------------------------------------------------------------------


def working_groups() -> list[tuple[WorkingGroup, int]]:
    """Every working group, active ones first, with the number of current members following it."""
    current_followers = (
        sa.select(sa.func.count(Member.id))
        .join(member_working_group, member_working_group.c.member_id == Member.id)
        .where(
            member_working_group.c.working_group_id == WorkingGroup.id, Member.current_clause(clock.today())
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(WorkingGroup, current_followers).order_by(WorkingGroup.is_active.desc(), WorkingGroup.code)
    )
    return [(group, n) for group, n in rows]


def _check_code_free(code: str, group: WorkingGroup | None = None) -> None:
    query = sa.select(WorkingGroup.id).where(sa.func.lower(WorkingGroup.code) == code.lower())
    if group is not None:
        query = query.where(WorkingGroup.id != group.id)
    if db.session.scalar(query) is not None:
        raise GovernanceError(_("Another working group already has the code %(code)s.", code=code), "code")


_GROUP_FIELDS = ["code", "name", "is_active"]


def add_working_group(code: str, name: str) -> WorkingGroup:
    code, name = code.strip(), name.strip()
    _check_code_free(code)
    group = WorkingGroup(code=code, name=name, is_active=True)
    db.session.add(group)
    db.session.flush()
    audit.record(
        "created",
        "working_group",
        group.id,
        group.display_name,
        audit.diff({}, audit.snapshot(group, _GROUP_FIELDS)),
    )
    return group


def rename_working_group(group: WorkingGroup, code: str, name: str) -> None:
    code, name = code.strip(), name.strip()
    _check_code_free(code, group)
    before = audit.snapshot(group, _GROUP_FIELDS)
    group.code, group.name = code, name
    changes = audit.diff(before, audit.snapshot(group, _GROUP_FIELDS))
    if changes:
        audit.record("updated", "working_group", group.id, group.display_name, changes)


def set_working_group_active(group: WorkingGroup, is_active: bool) -> None:
    """Deactivated groups stay for history but no longer count in the composition."""
    if group.is_active == is_active:
        return
    group.is_active = is_active
    audit.record(
        "reactivated" if is_active else "deactivated",
        "working_group",
        group.id,
        group.display_name,
        {"is_active": [not is_active, is_active]},
    )
