"""The coordinator's annual report: a year of the NMG in figures, as a PDF, as a DOCX to edit, and as a
version of the document "Annual report <year>" that the group approves like any other document.

The report reads the year as the self-assessment does: up to its end, or up to now for the current year.
Its sections follow the order the NMG asked for: composition and its changes; meetings agreed, held and
attended by stakeholder type; decisions; actions; the e-news and its subscribers; consultations; the
self-assessment and its change since the year before. Every figure comes from an aggregate or a single
list query, so the statements run do not grow with the number of members, meetings or issues.

The PDF draws the charts as the pages do (inline SVG through `_chart.html`); the DOCX carries the same
charts as PNG images, since word processors do not all read SVG.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _

from .. import clock
from ..documents import library
from ..extensions import db
from ..meetings import cadence
from ..meetings.queries import year_range
from ..minutes.exports import html_pdf
from ..models import (
    ActionItem,
    ActionStatus,
    Attendance,
    CoordinatorTerm,
    Decision,
    Document,
    DocumentKind,
    DocumentVersion,
    DocumentVisibility,
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
from .charts import BarChart, Row, bar_chart
from .composition import Composition, composition_on
from .self_assessment.definitions import Light, Measure
from .self_assessment.trend import assessed_years, trend

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportYearError(LookupError):
    """The NMG has no data for the year asked for."""


@dataclass(frozen=True)
class MemberChange:
    name: str
    organisation: str
    day: date


@dataclass(frozen=True)
class HeldMeeting:
    day: date
    title: str
    type_name: str
    present: int
    recorded: int


@dataclass(frozen=True)
class StakeholderAttendance:
    label: str
    present: int
    excused: int
    absent: int

    @property
    def recorded(self) -> int:
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> int | None:
        """Percentage present of the recorded attendances."""
        return round(self.present * 100 / self.recorded) if self.recorded else None


@dataclass(frozen=True)
class MeetingTypeLine:
    type_name: str
    agreed: int | None
    planned: int
    held: int
    onsite: int
    cancelled: int


@dataclass(frozen=True)
class DecisionLine:
    code: str
    day: date
    meeting: str
    text: str


@dataclass(frozen=True)
class SentIssue:
    title: str
    month: date
    sent_on: date
    recipients: int | None


@dataclass(frozen=True)
class ConsultationLine:
    title: str
    opened_on: date
    deadline_on: date
    responses: int


@dataclass(frozen=True)
class MeasureChange:
    """One self-assessment measure this year, beside the same measure the year before."""

    measure: Measure
    previous: Measure | None

    @property
    def change(self) -> str:
        if self.previous is None:
            return "—"
        before, now = _LIGHT_RANK[self.previous.light], _LIGHT_RANK[self.measure.light]
        if now > before:
            return _("better")
        if now < before:
            return _("worse")
        return _("unchanged")


_LIGHT_RANK = {Light.UNANSWERED: 0, Light.RED: 1, Light.AMBER: 2, Light.GREEN: 3}


@dataclass
class AnnualReport:
    """Every figure of the year's report, read once and shared by the page, the PDF and the DOCX."""

    year: int
    nmg_name: str
    generated_at: datetime
    #: the last day the report covers: 31 December, or today for the current year
    as_of: date
    is_current_year: bool
    composition: Composition
    members_at_start: int
    joined: list[MemberChange]
    left: list[MemberChange]
    coordinators: list[str]
    meeting_types: list[MeetingTypeLine]
    held_meetings: list[HeldMeeting]
    attendance: list[StakeholderAttendance]
    attendance_overall: StakeholderAttendance
    decisions: list[DecisionLine]
    actions_by_status: dict[ActionStatus, int]
    actions_overdue: int
    issues_sent: list[SentIssue]
    subscribers_at_end: int
    subscribers_new: int
    subscribers_left: int
    consultations: list[ConsultationLine]
    assessment: list[MeasureChange]
    #: green measures per year, the year before (if assessed) and this one
    assessment_greens: dict[int, int]
    charts: dict[str, BarChart] = field(default_factory=dict)

    @property
    def meetings_agreed(self) -> int:
        return sum(line.agreed or 0 for line in self.meeting_types)

    @property
    def meetings_held(self) -> int:
        return sum(line.held for line in self.meeting_types)

    @property
    def actions_total(self) -> int:
        return sum(self.actions_by_status.values())

    @property
    def actions_open(self) -> int:
        return sum(n for status, n in self.actions_by_status.items() if status.is_open)

    @property
    def actions_done(self) -> int:
        return self.actions_by_status[ActionStatus.DONE]

    @property
    def responses(self) -> int:
        return sum(line.responses for line in self.consultations)

    @property
    def title(self) -> str:
        return _("Annual report %(year)d", year=self.year)


def report_years() -> list[int]:
    """The years a report can be made for: those the self-assessment covers, from the first member on."""
    return assessed_years()


# --- reading the year ---------------------------------------------------------------------------------------


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
    rows = db.session.execute(
        sa.select(Decision, Meeting.title, Meeting.starts_at)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.year == year, Meeting.starts_at < cutoff)
        .order_by(Decision.number)
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


# --- the files ----------------------------------------------------------------------------------------------


def report_html(report: AnnualReport) -> str:
    """The printable page the PDF is made from."""
    return render_template(
        "governance/annual_report.html",
        report=report,
        section_titles=section_titles(),
        generated_line=generated_line(report),
        as_of=format_date(report.as_of, "long"),
    )


def report_pdf(report: AnnualReport) -> bytes:
    """The report as a PDF, charts drawn as vectors."""
    return html_pdf(report_html(report))


def generated_line(report: AnnualReport) -> str:
    return _("Generated on %(when)s", when=format_datetime(report.generated_at, "medium"))


#: fonts with the accented letters of the NMG's languages, tried in turn; Pillow's own font lacks them
CHART_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "Arial.ttf")


def _font(size: int):
    from PIL import ImageFont

    for name in CHART_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _chart_png(chart: BarChart) -> bytes:
    """The chart drawn as a PNG at twice its SVG size, for the DOCX: labels above bars, counts beside."""
    from PIL import Image, ImageDraw

    scale = 2
    width, height = chart.width * scale, max(chart.height, 1) * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font = _font(13 * scale), _font(12 * scale)
    for bar in chart.bars:
        colour = "#b02a37" if bar.is_missing else "#1f4e79"
        draw.text(
            (0, bar.y * scale),
            bar.short_label,
            fill="#b02a37" if bar.is_missing else "#111111",
            font=label_font,
        )
        top = bar.bar_y * scale
        if bar.width:
            draw.rectangle((0, top, bar.width * scale, top + chart.bar_height * scale), fill=colour)
        draw.text((bar.value_x * scale, top - 2 * scale), str(bar.value), fill="#111111", font=value_font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def report_docx(report: AnnualReport) -> bytes:
    """The report as a DOCX for the coordinator to edit: the same sections, tables and charts."""
    from docx import Document as Docx
    from docx.shared import Cm

    doc = Docx()
    doc.core_properties.title = f"{report.nmg_name} – {report.title}"
    doc.add_paragraph(report.nmg_name)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(generated_line(report))

    def table(header: list[str], rows: list[list[object]]) -> None:
        grid = doc.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if value is None else str(value)

    def chart(key: str) -> None:
        picture = report.charts[key]
        if picture.bars:
            doc.add_paragraph(picture.title).runs[0].italic = True
            doc.add_picture(io.BytesIO(_chart_png(picture)), width=Cm(15))

    for heading, fill in _docx_sections(report, table, chart):
        doc.add_heading(heading, level=1)
        fill(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_sections(
    report: AnnualReport,
    table: Callable[[list[str], list[list[object]]], None],
    chart: Callable[[str], None],
) -> list[tuple[str, Callable[[Any], None]]]:
    """Each section's heading and what fills it, in the order of `section_titles`."""
    comp = report.composition

    def composition(doc) -> None:
        doc.add_paragraph(
            _(
                "%(start)d members when the year began, %(end)d on %(day)s: %(joined)d joined and "
                "%(left)d left.",
                start=report.members_at_start,
                end=comp.total,
                day=format_date(report.as_of, "long"),
                joined=len(report.joined),
                left=len(report.left),
            )
        )
        if report.coordinators:
            doc.add_paragraph(_("Coordinators: %(names)s.", names="; ".join(report.coordinators)))
        table(
            [_("Stakeholder type"), _("Members")],
            [[kind.label, n] for kind, n in comp.by_stakeholder_type.items()],
        )
        chart("members")
        changes = [[_("Joined"), c.name, c.organisation, c.day.isoformat()] for c in report.joined]
        changes += [[_("Left"), c.name, c.organisation, c.day.isoformat()] for c in report.left]
        if changes:
            table([_("Change"), _("Name"), _("Organisation"), _("Date")], changes)

    def meetings(doc) -> None:
        doc.add_paragraph(
            _(
                "%(held)d meetings held of %(agreed)d agreed.",
                held=report.meetings_held,
                agreed=report.meetings_agreed,
            )
        )
        table(
            [_("Meeting type"), _("Agreed"), _("Planned"), _("Held"), _("Onsite"), _("Cancelled")],
            [[m.type_name, m.agreed, m.planned, m.held, m.onsite, m.cancelled] for m in report.meeting_types],
        )
        chart("meetings")
        if report.held_meetings:
            table(
                [_("Date"), _("Meeting"), _("Meeting type"), _("Present")],
                [
                    [m.day.isoformat(), m.title, m.type_name, f"{m.present}/{m.recorded}"]
                    for m in report.held_meetings
                ],
            )
        doc.add_heading(_("Attendance by stakeholder type"), level=2)
        rows = [*report.attendance, report.attendance_overall]
        table(
            [_("Stakeholder type"), _("Present"), _("Excused"), _("Absent"), _("Share present")],
            [[a.label, a.present, a.excused, a.absent, "—" if a.rate is None else a.rate] for a in rows],
        )
        chart("attendance")

    def decisions(doc) -> None:
        if not report.decisions:
            doc.add_paragraph(_("No decision was recorded."))
            return
        table(
            [_("Decision"), _("Date"), _("Meeting"), _("Text")],
            [[d.code, d.day.isoformat(), d.meeting, d.text] for d in report.decisions],
        )

    def actions(doc) -> None:
        doc.add_paragraph(
            _(
                "%(total)d actions agreed: %(done)d done, %(open)d open (%(overdue)d past due).",
                total=report.actions_total,
                done=report.actions_done,
                open=report.actions_open,
                overdue=report.actions_overdue,
            )
        )
        table([_("Status"), _("Actions")], [[s.label, n] for s, n in report.actions_by_status.items()])
        chart("actions")

    def enews(doc) -> None:
        doc.add_paragraph(
            _(
                "%(issues)d issues sent. Public subscribers at the end of the period: %(subscribers)d "
                "(%(new)d new, %(gone)d unsubscribed).",
                issues=len(report.issues_sent),
                subscribers=report.subscribers_at_end,
                new=report.subscribers_new,
                gone=report.subscribers_left,
            )
        )
        if report.issues_sent:
            table(
                [_("Issue"), _("Sent on"), _("Recipients")],
                [[i.title, i.sent_on.isoformat(), i.recipients] for i in report.issues_sent],
            )

    def consultations(doc) -> None:
        if not report.consultations:
            doc.add_paragraph(_("No consultation was run."))
            return
        table(
            [_("Consultation"), _("Opened"), _("Deadline"), _("Responses")],
            [
                [c.title, c.opened_on.isoformat(), c.deadline_on.isoformat(), c.responses]
                for c in report.consultations
            ],
        )

    def assessment(doc) -> None:
        table(
            [_("Measure"), str(report.year - 1), str(report.year), _("Change")],
            [
                [
                    line.measure.label,
                    line.previous.light.label if line.previous else "—",
                    f"{line.measure.light.label}: {line.measure.value}",
                    line.change,
                ]
                for line in report.assessment
            ],
        )
        chart("assessment")

    fills = (composition, meetings, decisions, actions, enews, consultations, assessment)
    return list(zip(section_titles(), fills, strict=True))


def section_titles() -> list[str]:
    """The report's sections, in the order the PDF, the DOCX and the page show them."""
    return [
        _("Composition and changes"),
        _("Meetings and attendance"),
        _("Decisions"),
        _("Actions"),
        _("E-news"),
        _("Consultations"),
        _("Self-assessment"),
    ]


# --- publishing ---------------------------------------------------------------------------------------------


def document_title(year: int) -> str:
    """The document's title, in the NMG's own language whoever publishes, so that every version of a
    year's report lands on the same document."""
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return _("Annual report %(year)d", year=year)


def report_document(year: int) -> Document | None:
    return db.session.scalar(
        sa.select(Document)
        .where(Document.kind == DocumentKind.REPORT, Document.title == document_title(year))
        .order_by(Document.id)
        .limit(1)
    )


def publish(year: int, by: Member | None, now: datetime | None = None) -> DocumentVersion:
    """Make the year's report and add it as a new draft version of "Annual report <year>", a report for
    the coordination team until it is approved (and the team opens it wider on the document page)."""
    report = report_for(year, now)
    data = report_pdf(report)
    filename = f"annual-report-{year}.pdf"
    note = generated_line(report)
    document = report_document(year)
    if document is None:
        draft = library.NewDocument(document_title(year), DocumentKind.REPORT, DocumentVisibility.TEAM)
        return library.create_document(draft, data, filename, note, by).versions[-1]
    return library.add_version(document, data, filename, note, by)
