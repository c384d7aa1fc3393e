"""What the data knows of each year assessed, read together for all of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ... import clock
from ...extensions import db
from ...meetings.queries import year_range
from ...meetings.types import meeting_types
from ...models import (
    AnsweredMeasure,
    Attendance,
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingStatus,
    NewsIssue,
    NewsIssueStatus,
    SelfAssessmentAnswer,
    WorkingGroup,
    member_working_group,
)
from ...models.documents import Document, DocumentKind, DocumentVersion
from ..composition import Composition, composition_on


@dataclass
class Period:
    """A year as the assessment sees it: up to its end, or up to now for the current year; and from the day
    the NMG began (its first member joined), if that was during the year, so that a group founded in
    November owes no meetings or e-news for January."""

    year: int
    #: the day the composition is read on
    as_of: date
    start: datetime
    #: the instant the year is read up to (exclusive)
    cutoff: datetime
    is_current: bool
    #: the day the first member joined, if any
    began: date | None

    @property
    def elapsed(self) -> float:
        """Share of the year the NMG existed in, up to the cutoff."""
        end = year_range(self.year)[1]
        since = self.start
        if self.began is not None and self.began.year == self.year:
            since = clock.from_local(self.began, time(0))
        return max(0.0, min(1.0, (self.cutoff - since) / (end - self.start)))

    @property
    def due_months(self) -> list[date]:
        """The months whose e-news should be out: those that have ended and began once the NMG existed."""
        last = 12 if not self.is_current else self.as_of.month - 1
        months = [date(self.year, month, 1) for month in range(1, last + 1)]
        return [m for m in months if self.began is not None and m >= self.began]


def year_period(year: int, now: datetime, began: date | None) -> Period:
    start, end = year_range(year)
    today = clock.local(now).date()
    if today.year == year:
        return Period(year, today, start, now, True, began)
    return Period(year, date(year, 12, 31), start, end, False, began)


def _bucket(column: sa.ColumnElement, periods: list[Period]) -> sa.ColumnElement:
    """The year of each period a UTC instant falls in (up to the period's cutoff), else NULL."""
    return sa.case(
        *((sa.and_(column >= p.start, column < p.cutoff), p.year) for p in periods), else_=sa.null()
    )


@dataclass
class _MeetingYear:
    agreed: int = 0
    held: int = 0
    planned: int = 0
    held_by_type: dict[str, int] | None = None


@dataclass
class Facts:
    composition: dict[int, Composition]
    coordinator: dict[int, CoordinatorTerm | None]
    meetings: dict[int, _MeetingYear]
    #: (present, recorded) of working-group followers at held meetings, per year and group code
    group_attendance: dict[int, dict[str, tuple[int, int]]]
    enews_months: set[date]
    tor_approved: dict[int, datetime | None]
    answers: dict[tuple[int, AnsweredMeasure], SelfAssessmentAnswer]


def read_facts(periods: list[Period]) -> Facts:
    years = [p.year for p in periods]
    compositions = {p.year: composition_on(p.as_of) for p in periods}

    terms = db.session.scalars(
        sa.select(CoordinatorTerm)
        .where(CoordinatorTerm.is_confirmed)
        .options(so.joinedload(CoordinatorTerm.member))
    ).all()
    coordinator = {p.year: next((t for t in terms if t.covers(p.as_of)), None) for p in periods}

    kinds = meeting_types(include_inactive=True)
    by_id = {kind.id: kind for kind in kinds}
    agreed = sum(kind.target_per_year or 0 for kind in kinds if kind.is_active)
    meetings = {p.year: _MeetingYear(agreed=agreed, held_by_type={}) for p in periods}
    meeting_year = _bucket(Meeting.starts_at, periods).label("year")
    rows = db.session.execute(
        sa.select(meeting_year, Meeting.type_id, Meeting.status, sa.func.count())
        .where(meeting_year.is_not(None), Meeting.status != MeetingStatus.CANCELLED)
        .group_by(meeting_year, Meeting.type_id, Meeting.status)
    )
    for year, type_id, status, count in rows:
        entry = meetings[year]
        entry.planned += count
        if status is MeetingStatus.HELD:
            entry.held += count
            label = by_id[type_id].label
            entry.held_by_type[label] = entry.held_by_type.get(label, 0) + count

    # Members who follow a group, at the meetings held that year: the group's link made visible.
    held_year = _bucket(Meeting.starts_at, periods).label("year")
    attendance: dict[int, dict[str, tuple[int, int]]] = {year: {} for year in years}
    rows = db.session.execute(
        sa.select(held_year, WorkingGroup.code, Invitation.attendance, sa.func.count())
        .select_from(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(member_working_group, member_working_group.c.member_id == Invitation.member_id)
        .join(WorkingGroup, WorkingGroup.id == member_working_group.c.working_group_id)
        .where(
            held_year.is_not(None),
            Meeting.status == MeetingStatus.HELD,
            Invitation.attendance.is_not(None),
            WorkingGroup.is_active,
        )
        .group_by(held_year, WorkingGroup.code, Invitation.attendance)
    )
    for year, code, mark, count in rows:
        present, recorded = attendance[year].get(code, (0, 0))
        attendance[year][code] = (present + count * (mark is Attendance.PRESENT), recorded + count)

    first_month, last_month = date(min(years), 1, 1), date(max(years), 12, 1)
    enews_months = set(
        db.session.scalars(
            sa.select(NewsIssue.month)
            .where(
                NewsIssue.status == NewsIssueStatus.SENT,
                NewsIssue.month >= first_month,
                NewsIssue.month <= last_month,
            )
            .group_by(NewsIssue.month)
        )
    )

    # A version approved once and superseded since still shows the group had terms of reference then.
    approved = DocumentVersion.approved_at
    latest = db.session.execute(
        sa.select(
            *(sa.func.max(sa.case((approved < p.cutoff, approved))).label(f"y{p.year}") for p in periods)
        )
        .select_from(DocumentVersion)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Document.kind == DocumentKind.TERMS_OF_REFERENCE, approved.is_not(None))
    ).one()
    tor_approved = dict(zip(years, latest, strict=True))

    answers = {
        (answer.year, answer.measure): answer
        for answer in db.session.scalars(
            sa.select(SelfAssessmentAnswer)
            .where(SelfAssessmentAnswer.year.in_(years))
            .options(so.joinedload(SelfAssessmentAnswer.answered_by))
        )
    }
    return Facts(compositions, coordinator, meetings, attendance, enews_months, tor_approved, answers)
