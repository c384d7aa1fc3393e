"""Reading the year: every figure of the report from an aggregate or a single list query."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from ... import clock
from ...extensions import db
from ...i18n import format_date
from ...meetings import cadence
from ...meetings.queries import year_range
from ...minutes import decisions
from ...models import (
    ActionItem,
    ActionStatus,
    Attendance,
    CoordinatorTerm,
    Decision,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    NewsIssue,
    NewsIssueStatus,
    NewsSubscriber,
    Organisation,
    Survey,
    SurveyResponse,
)
from ..charts import BarChart, Row, bar_chart
from ..composition import composition_on
from ..self_assessment.definitions import Light
from ..self_assessment.trend import assessed_years, trend
from .figures import (
    AnnualReport,
    ConsultationLine,
    DecisionLine,
    HeldMeeting,
    MeasureChange,
    MeetingTypeLine,
    MemberChange,
    ReportYearError,
    SentIssue,
    StakeholderAttendance,
)


def report_years() -> list[int]:
    """The years a report can be made for: those the self-assessment covers, from the first member on."""
    return assessed_years()


def _local_day(instant: datetime) -> date:
    return clock.local(instant).date()


def _member_changes(start_day: date, end_day: date) -> tuple[int, list[MemberChange], list[MemberChange]]:
    """Members when the year began, and who joined and who left during it, in one query."""
    rows = db.session.execute(
        sa.select(Member.full_name, Organisation.name, Member.joined_on, Member.left_on)
        .join(Member.organisation)
        .where(
            sa.or_(
                sa.and_(Member.joined_on >= start_day, Member.joined_on <= end_day),
                sa.and_(Member.left_on >= start_day, Member.left_on <= end_day),
                sa.and_(
                    Member.joined_on < start_day,
                    sa.or_(Member.left_on.is_(None), Member.left_on >= start_day),
                ),
            )
        )
        .order_by(Member.full_name, Member.id)
    ).all()
    at_start = sum(
        1 for _n, _o, joined, left in rows if joined < start_day and (left is None or left >= start_day)
    )
    joined = [MemberChange(n, o, j) for n, o, j, _l in rows if start_day <= j <= end_day]
    left = [MemberChange(n, o, lo) for n, o, _j, lo in rows if lo is not None and start_day <= lo <= end_day]
    return at_start, sorted(joined, key=lambda c: c.day), sorted(left, key=lambda c: c.day)


def _coordinators(start_day: date, end_day: date) -> list[str]:
    rows = db.session.execute(
        sa.select(Member.full_name, CoordinatorTerm.starts_on, CoordinatorTerm.ends_on)
        .join(CoordinatorTerm, CoordinatorTerm.member_id == Member.id)
        .where(
            CoordinatorTerm.is_confirmed,
            CoordinatorTerm.starts_on <= end_day,
            CoordinatorTerm.ends_on >= start_day,
        )
        .order_by(CoordinatorTerm.starts_on)
    )
    return [
        _(
            "%(name)s (%(start)s – %(end)s)",
            name=name,
            start=format_date(starts_on, "medium"),
            end=format_date(ends_on, "medium"),
        )
        for name, starts_on, ends_on in rows
    ]


def _held_meetings(start: datetime, cutoff: datetime) -> list[HeldMeeting]:
    counts = (
        sa.select(
            Invitation.meeting_id,
            sa.func.count(sa.case((Invitation.attendance == Attendance.PRESENT, 1))).label("present"),
            sa.func.count(Invitation.attendance).label("recorded"),
        )
        .group_by(Invitation.meeting_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Meeting, sa.func.coalesce(counts.c.present, 0), sa.func.coalesce(counts.c.recorded, 0))
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .where(Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= start, Meeting.starts_at < cutoff)
        .order_by(Meeting.starts_at, Meeting.id)
        .options(so.selectinload(Meeting.type))
    ).all()
    return [
        HeldMeeting(_local_day(meeting.starts_at), meeting.title, meeting.type.label, present, recorded)
        for meeting, present, recorded in rows
    ]


def _decisions(year: int, cutoff: datetime) -> list[DecisionLine]:
    """The decisions that stand: the report goes to every member, who reads approved minutes only."""
    rows = db.session.execute(
        sa.select(Decision, Meeting.title, Meeting.starts_at)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.year == year, Meeting.starts_at < cutoff, Decision.stands)
        .order_by(Meeting.starts_at, Meeting.id, *decisions.minutes_order())
    )
    return [
        DecisionLine(decision.code, _local_day(starts_at), title, decision.text)
        for decision, title, starts_at in rows
    ]


def _actions(start: datetime, cutoff: datetime, as_of: date) -> tuple[dict[ActionStatus, int], int]:
    """Actions agreed in the year (at a meeting that year, or recorded that year outside a meeting), by
    where they stand now, and how many of the open ones are past due."""
    agreed_at = sa.func.coalesce(Meeting.starts_at, ActionItem.created_at)
    overdue = sa.func.count(
        sa.case(
            (
                sa.and_(
                    ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                    ActionItem.due_on < as_of,
                ),
                1,
            )
        )
    )
    rows = db.session.execute(
        sa.select(ActionItem.status, sa.func.count(), overdue)
        .outerjoin(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(agreed_at >= start, agreed_at < cutoff)
        .group_by(ActionItem.status)
    )
    by_status = dict.fromkeys(ActionStatus, 0)
    late = 0
    for status, count, n_overdue in rows:
        by_status[status] = count
        late += n_overdue
    return by_status, late


def _enews(start: datetime, cutoff: datetime) -> tuple[list[SentIssue], int, int, int]:
    issues = [
        SentIssue(issue.title, issue.month, _local_day(issue.sent_at), issue.recipient_count)
        for issue in db.session.scalars(
            sa.select(NewsIssue)
            .where(
                NewsIssue.status == NewsIssueStatus.SENT,
                NewsIssue.sent_at >= start,
                NewsIssue.sent_at < cutoff,
            )
            .order_by(NewsIssue.month)
        )
    ]
    confirmed, left = NewsSubscriber.confirmed_at, NewsSubscriber.unsubscribed_at
    at_end, new, gone = db.session.execute(
        sa.select(
            sa.func.count(sa.case((sa.and_(confirmed < cutoff, sa.or_(left.is_(None), left >= cutoff)), 1))),
            sa.func.count(sa.case((sa.and_(confirmed >= start, confirmed < cutoff), 1))),
            sa.func.count(sa.case((sa.and_(left >= start, left < cutoff), 1))),
        ).where(confirmed.is_not(None))
    ).one()
    return issues, at_end, new, gone


def _consultations(start: datetime, cutoff: datetime) -> list[ConsultationLine]:
    responses = (
        sa.select(SurveyResponse.survey_id, sa.func.count().label("n"))
        .group_by(SurveyResponse.survey_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Survey.title, Survey.opened_at, Survey.deadline_at, sa.func.coalesce(responses.c.n, 0))
        .outerjoin(responses, responses.c.survey_id == Survey.id)
        .where(Survey.opened_at >= start, Survey.opened_at < cutoff)
        .order_by(Survey.opened_at, Survey.id)
    )
    return [
        ConsultationLine(title, _local_day(opened), _local_day(deadline), n)
        for title, opened, deadline, n in rows
    ]


def _attendance(year: int) -> tuple[list[StakeholderAttendance], StakeholderAttendance]:
    result = cadence.attendance(year)
    rows = [
        StakeholderAttendance(kind.label, tally.present, tally.excused, tally.absent)
        for kind, tally in result.by_stakeholder_type
    ]
    overall = result.overall
    return rows, StakeholderAttendance(_("All members"), overall.present, overall.excused, overall.absent)


def _charts(report: AnnualReport) -> dict[str, BarChart]:
    comp = report.composition
    return {
        "members": bar_chart(
            _("Members by stakeholder type on %(day)s", day=format_date(report.as_of, "medium")),
            (Row(kind.label, n, n == 0) for kind, n in comp.by_stakeholder_type.items()),
        ),
        "meetings": bar_chart(
            _("Meetings held by type"),
            (Row(line.type_name, line.held) for line in report.meeting_types),
        ),
        "attendance": bar_chart(
            _("Attendance by stakeholder type (% present)"),
            (Row(line.label, line.rate or 0) for line in report.attendance),
        ),
        "actions": bar_chart(
            _("Actions agreed in the year, by status"),
            (Row(status.label, n) for status, n in report.actions_by_status.items()),
        ),
        "assessment": bar_chart(
            _("Self-assessment: measures that meet the recommendation"),
            (Row(str(year), n) for year, n in report.assessment_greens.items()),
        ),
    }


def report_for(year: int, now: datetime | None = None) -> AnnualReport:
    """The year's report, as the data stood at its end (now, for the current year)."""
    now = now or clock.now()
    years = assessed_years(now)
    if year not in years:
        raise ReportYearError(year)
    start, end = year_range(year)
    this_year = clock.local(now).year
    is_current = year == this_year
    cutoff = now if is_current else end
    as_of = clock.local(now).date() if is_current else date(year, 12, 31)
    start_day = date(year, 1, 1)

    members_at_start, joined, left = _member_changes(start_day, as_of)
    (year_cadence,) = cadence.cadence([year], now)
    attendance, overall = _attendance(year)
    actions_by_status, overdue = _actions(start, cutoff, as_of)
    issues, subscribers, new, gone = _enews(start, cutoff)

    assessed = [y for y in (year - 1, year) if y in years]
    table = trend(assessed, now)
    previous = {m.key: m for m in table.get(year - 1, [])}
    report = AnnualReport(
        year=year,
        nmg_name=current_app.config["NMG_NAME"],
        generated_at=now,
        as_of=as_of,
        is_current_year=is_current,
        composition=composition_on(as_of),
        members_at_start=members_at_start,
        joined=joined,
        left=left,
        coordinators=_coordinators(start_day, as_of),
        meeting_types=[
            MeetingTypeLine(row.kind.label, row.target, row.planned, row.held, row.onsite, row.cancelled)
            for row in year_cadence.rows
        ],
        held_meetings=_held_meetings(start, cutoff),
        attendance=attendance,
        attendance_overall=overall,
        decisions=_decisions(year, cutoff),
        actions_by_status=actions_by_status,
        actions_overdue=overdue,
        issues_sent=issues,
        subscribers_at_end=subscribers,
        subscribers_new=new,
        subscribers_left=gone,
        consultations=_consultations(start, cutoff),
        assessment=[MeasureChange(m, previous.get(m.key)) for m in table[year]],
        assessment_greens={y: sum(m.light is Light.GREEN for m in table[y]) for y in assessed},
    )
    report.charts = _charts(report)
    return report
