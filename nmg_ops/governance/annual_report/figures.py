"""Every figure of a year's report, the sections they appear in, and the line that dates the files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from ...i18n import format_datetime
from ...models import ActionStatus
from ..charts import BarChart
from ..composition import Composition
from ..self_assessment.definitions import Light, Measure


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


def generated_line(report: AnnualReport) -> str:
    return _("Generated on %(when)s", when=format_datetime(report.generated_at, "medium"))


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
