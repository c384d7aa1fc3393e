"""Cadence compliance: per year and meeting type, what was agreed against what is planned and held;
and who attends.

A meeting counts for the year it starts in, in the NMG's zone. Planned means scheduled and not cancelled
(draft, confirmed or held); onsite means people meet in a room, so hybrid meetings count as onsite too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

from .. import clock
from ..extensions import db
from ..models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingStatus,
    MeetingType,
    Member,
    Organisation,
    StakeholderType,
)
from .queries import year_options, year_range
from .types import meeting_types


@dataclass
class TypeYear:
    """One meeting type in one year."""

    kind: MeetingType
    year: int
    planned: int = 0
    held: int = 0
    cancelled: int = 0
    onsite: int = 0
    #: confirmed meetings that have ended but whose attendance nobody recorded yet
    awaiting_record: int = 0

    @property
    def target(self) -> int | None:
        return self.kind.target_per_year

    @property
    def min_onsite(self) -> int:
        return self.kind.min_onsite_per_year

    @property
    def meets_target(self) -> bool:
        return self.target is None or self.planned >= self.target

    @property
    def meets_onsite(self) -> bool:
        return self.onsite >= self.min_onsite


@dataclass
class YearCadence:
    year: int
    rows: list[TypeYear]
    warnings: list[str] = field(default_factory=list)


def cadence(years: list[int], now: datetime) -> list[YearCadence]:
    """The cadence of each year, newest first, read in one query."""
    kinds = meeting_types(include_inactive=True)
    table = {(kind.id, year): TypeYear(kind, year) for kind in kinds for year in years}
    if years:
        # Counted by the database: a year at ten times a real group has hundreds of meetings.
        year = sa.case(
            *(
                (sa.and_(Meeting.starts_at >= start, Meeting.starts_at < end), y)
                for y in years
                for start, end in [year_range(y)]
            ),
            else_=sa.null(),
        ).label("year")
        ended = (Meeting.ends_at <= now).label("ended")
        rows = db.session.execute(
            sa.select(Meeting.type_id, year, Meeting.status, Meeting.mode, ended, sa.func.count())
            .where(
                Meeting.starts_at >= year_range(min(years))[0], Meeting.starts_at < year_range(max(years))[1]
            )
            .group_by(Meeting.type_id, year, Meeting.status, Meeting.mode, ended)
        )
        for type_id, in_year, status, mode, has_ended, count in rows:
            entry = table.get((type_id, in_year))
            if entry is None:
                continue
            if status is MeetingStatus.CANCELLED:
                entry.cancelled += count
                continue
            entry.planned += count
            entry.onsite += count * mode.needs_venue
            entry.held += count * (status is MeetingStatus.HELD)
            entry.awaiting_record += count * (status is MeetingStatus.CONFIRMED and bool(has_ended))
    this_year = clock.local(now).year
    result = []
    for year in sorted(years, reverse=True):
        # Types no longer used only show where they still have meetings that year.
        rows_of_year = [
            table[(kind.id, year)]
            for kind in kinds
            if kind.is_active or table[(kind.id, year)].planned or table[(kind.id, year)].cancelled
        ]
        result.append(YearCadence(year, rows_of_year, _warnings(rows_of_year, year < this_year)))
    return result


def _warnings(rows: list[TypeYear], past: bool) -> list[str]:
    """Plain sentences on what falls short of the agreed cadence; a past year is judged on what was held."""
    warnings = []
    for row in rows:
        about = {"year": row.year, "type": row.kind.label}
        if past and row.target and row.held < row.target:
            warnings.append(
                _nl(
                    "%(year)d – %(type)s: only %(num)d held of %(target)d agreed.",
                    "%(year)d – %(type)s: only %(num)d held of %(target)d agreed.",
                    row.held,
                    target=row.target,
                    **about,
                )
                if row.held
                else _l("%(year)d – %(type)s: none held of %(target)d agreed.", target=row.target, **about)
            )
        elif not past and not row.meets_target:
            warnings.append(
                _l(
                    "%(year)d – %(type)s: only %(count)d planned, %(target)d agreed.",
                    count=row.planned,
                    target=row.target,
                    **about,
                )
            )
        if not row.meets_onsite:
            warnings.append(
                _l(
                    "%(year)d – %(type)s: only %(count)d onsite planned, %(minimum)d agreed.",
                    count=row.onsite,
                    minimum=row.min_onsite,
                    **about,
                )
            )
        if row.awaiting_record:
            warnings.append(
                _l(
                    "%(year)d – %(type)s: %(count)d past meetings still await their attendance record.",
                    count=row.awaiting_record,
                    **about,
                )
            )
    return [str(warning) for warning in warnings]


def cadence_years(now: datetime) -> list[int]:
    """Every year with meetings, this year, and the next, which the coordinator plans."""
    return sorted({*year_options(now), clock.local(now).year + 1})


# --- attendance ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    present: int = 0
    excused: int = 0
    absent: int = 0

    def add(self, attendance: Attendance, count: int = 1) -> None:
        setattr(self, attendance.value, getattr(self, attendance.value) + count)

    @property
    def recorded(self) -> int:
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> float | None:
        """Share of the recorded meetings the person (or group) was present at."""
        return self.present / self.recorded if self.recorded else None


@dataclass
class MemberAttendance:
    member_id: int
    name: str
    stakeholder_type: StakeholderType
    tally: Tally


@dataclass
class AttendanceReport:
    year: int
    meetings_held: int
    members: list[MemberAttendance]
    by_stakeholder_type: list[tuple[StakeholderType, Tally]]
    overall: Tally


def attendance(year: int) -> AttendanceReport:
    """Attendance at the year's held meetings, by member and by stakeholder type, in two queries."""
    start, end = year_range(year)
    held = sa.and_(Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= start, Meeting.starts_at < end)
    meetings_held = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(held))
    rows = db.session.execute(
        sa.select(
            Member.id, Member.full_name, Organisation.stakeholder_type, Invitation.attendance, sa.func.count()
        )
        .join(Invitation, Invitation.member_id == Member.id)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Organisation, Organisation.id == Member.organisation_id)
        .where(held, Invitation.attendance.is_not(None))
        .group_by(Member.id, Member.full_name, Organisation.stakeholder_type, Invitation.attendance)
    )
    members: dict[int, MemberAttendance] = {}
    by_type: dict[StakeholderType, Tally] = defaultdict(Tally)
    overall = Tally()
    for member_id, name, stakeholder_type, mark, count in rows:
        entry = members.setdefault(member_id, MemberAttendance(member_id, name, stakeholder_type, Tally()))
        entry.tally.add(mark, count)
        overall.add(mark, count)
        by_type[stakeholder_type].add(mark, count)
    return AttendanceReport(
        year=year,
        meetings_held=meetings_held,
        members=sorted(members.values(), key=lambda m: (m.name.casefold(), m.member_id)),
        by_stakeholder_type=[(kind, by_type[kind]) for kind in StakeholderType if kind in by_type],
        overall=overall,
    )
