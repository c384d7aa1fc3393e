"""The NMG's self-assessment against the B1MG measures (D6.7, §4.1.4–4.1.6 and §6.3), one year at a time.

Each measure carries the NMG's answer, the B1MG recommendation beside it, and a traffic light decided by the
rule written next to it (docs/decisions/0019-self-assessment.md). What the data knows is read from the data
as it stood at the end of the year (today, for the current year); what it cannot know (organisational
model, nomination process, funding) the coordinator answers, once per year.

The statements run do not depend on how many members, meetings or issues there are: every read is an
aggregate, and the years of a trend are read together where the question allows (meetings, attendance,
e-news, terms of reference, terms, answers); the composition is read once per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..errors import RuleError, flush_or_refuse
from ..extensions import db
from ..meetings.queries import year_range
from ..meetings.types import meeting_types
from ..models import (
    AnsweredMeasure,
    Attendance,
    AuditAction,
    AuditSubject,
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    MemberRole,
    NewsIssue,
    NewsIssueStatus,
    SelfAssessmentAnswer,
    WorkingGroup,
    member_working_group,
)
from ..models.documents import Document, DocumentKind, DocumentVersion
from .composition import CheckStatus, Composition, composition_on

#: share of recorded attendances at which the working groups' followers count as taking part
ATTENDANCE_TARGET = 0.5
#: how many of the ten stakeholder types may be missing before the light turns red rather than amber
STAKEHOLDER_TYPES_AMBER_MISSING = 3


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNANSWERED = "unanswered"

    @property
    def label(self) -> str:
        return str(
            {
                Light.GREEN: _l("Met"),
                Light.AMBER: _l("Partly met"),
                Light.RED: _l("Not met"),
                Light.UNANSWERED: _l("Not answered"),
            }[self]
        )

    @property
    def icon(self) -> str:
        return {Light.GREEN: "✓", Light.AMBER: "!", Light.RED: "✗", Light.UNANSWERED: "?"}[self]


class Source(StrEnum):
    DATA = "data"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return str(
            {Source.DATA: _l("From the data"), Source.COORDINATOR: _l("Answered by the coordinator")}[self]
        )


@dataclass(frozen=True)
class Measure:
    """One B1MG measure for one year: the NMG's answer, the recommendation, and the light."""

    key: str
    label: str
    #: the B1MG recommendation, short
    recommendation: str
    #: the answer in a few words ("14 experts", "Approved on 3 March 2025")
    value: str
    #: why, in a sentence
    explanation: str
    source: Source
    light: Light
    #: how the light is decided, shown beside it
    rule: str
    #: the coordinator's stored answer, for the measures the coordinator answers
    answer: SelfAssessmentAnswer | None = None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    light: Light


@dataclass(frozen=True)
class Question:
    """A measure the data cannot tell: the coordinator picks one of fixed choices and may add a note."""

    measure: AnsweredMeasure
    label: str
    recommendation: str
    rule: str
    choices: tuple[Choice, ...]
    #: the choice that needs the note to be green
    explained_by_note: str | None = None

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


QUESTIONS: dict[AnsweredMeasure, Question] = {
    AnsweredMeasure.ORGANISATIONAL_MODEL: Question(
        AnsweredMeasure.ORGANISATIONAL_MODEL,
        _l("Organisational model"),
        _l(
            "Look at the B1MG models and choose the one that works best for the country; “starting to set "
            "up” is normally an intermediate stage towards a fully functional NMG."
        ),
        _l(
            "Green for an established model, or another model explained in the note; amber for the "
            "intermediate model or another model left unexplained."
        ),
        (
            Choice(
                "small_country",
                _l(
                    "“Small countries with National Genomics Strategy”: a core group, an operational group "
                    "and an open forum"
                ),
                Light.GREEN,
            ),
            Choice(
                "big_country",
                _l("“Big countries with National Health Service System”: a group for each working group"),
                Light.GREEN,
            ),
            Choice(
                "starting",
                _l("“Countries starting to set up their NMGs”: one group of national representatives"),
                Light.AMBER,
            ),
            Choice("other", _l("Another model (explain it in the note)"), Light.GREEN),
        ),
        explained_by_note="other",
    ),
    AnsweredMeasure.NOMINATION_PROCESS: Question(
        AnsweredMeasure.NOMINATION_PROCESS,
        _l("Expert nomination process"),
        _l(
            "Develop a way to add experts chosen for knowledge and experience, and for their motivation and "
            "availability; a ministry appoints them, or the coordinators nominate and the contact point "
            "approves."
        ),
        _l("Green for a defined process; amber for joining on invitation only; red for none."),
        (
            Choice("ministry", _l("A ministry appoints the experts"), Light.GREEN),
            Choice(
                "coordinators",
                _l("The coordinators nominate experts and the national contact point approves them"),
                Light.GREEN,
            ),
            Choice("invitation", _l("Experts join on invitation, with no written process"), Light.AMBER),
            Choice("none", _l("No nomination process yet"), Light.RED),
        ),
    ),
    AnsweredMeasure.FUNDING: Question(
        AnsweredMeasure.FUNDING,
        _l("Financial support"),
        _l(
            "Seek continuous funding of the NMG's work by the country: staff in charge of its management, "
            "or incentives that increase the experts' engagement."
        ),
        _l("Green for dedicated funding; amber for in-kind contributions only; red for none."),
        (
            Choice("dedicated", _l("Dedicated funding (management staff or incentives)"), Light.GREEN),
            Choice("in_kind", _l("In-kind contributions only (the members' own time)"), Light.AMBER),
            Choice("none", _l("No financial support"), Light.RED),
        ),
    ),
}


class SelfAssessmentError(RuleError):
    """An answer the self-assessment cannot take."""


# --- reading the data ---------------------------------------------------------------------------------------


@dataclass
class _Period:
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


def _period(year: int, now: datetime, began: date | None) -> _Period:
    start, end = year_range(year)
    today = clock.local(now).date()
    if today.year == year:
        return _Period(year, today, start, now, True, began)
    return _Period(year, date(year, 12, 31), start, end, False, began)


def _bucket(column: sa.ColumnElement, periods: list[_Period]) -> sa.ColumnElement:
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
class _Facts:
    composition: dict[int, Composition]
    coordinator: dict[int, CoordinatorTerm | None]
    meetings: dict[int, _MeetingYear]
    #: (present, recorded) of working-group followers at held meetings, per year and group code
    group_attendance: dict[int, dict[str, tuple[int, int]]]
    enews_months: set[date]
    tor_approved: dict[int, datetime | None]
    answers: dict[tuple[int, AnsweredMeasure], SelfAssessmentAnswer]


def _read(periods: list[_Period]) -> _Facts:
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
    return _Facts(compositions, coordinator, meetings, attendance, enews_months, tor_approved, answers)


# --- the measures -------------------------------------------------------------------------------------------


def _data(key: str, label, recommendation, value: str, explanation: str, light: Light, rule) -> Measure:
    return Measure(key, str(label), str(recommendation), value, explanation, Source.DATA, light, str(rule))


def _by_share(have: float, want: float) -> Light:
    if have >= want:
        return Light.GREEN
    return Light.AMBER if have * 2 >= want else Light.RED


def _due_meetings(period: _Period, agreed: int) -> int:
    return int(agreed * period.elapsed)


def _meetings_light(period: _Period, facts: _Facts) -> Light:
    entry = facts.meetings[period.year]
    return _by_share(entry.held, _due_meetings(period, entry.agreed))


def _stage(period: _Period, facts: _Facts) -> Measure:
    comp = facts.composition[period.year]
    has_governance = facts.coordinator[period.year] is not None
    on_cadence = _meetings_light(period, facts) is not Light.RED
    if comp.experts == 0:
        value, light = _("No tangible activities yet"), Light.RED
        why = _("No expert has been nominated yet.")
    elif comp.experts < comp.min_experts:
        value, light = _("Planning / preparing"), Light.RED
        why = _(
            "Nominations have begun: %(num)d of at least %(min)d experts.",
            num=comp.experts,
            min=comp.min_experts,
        )
    elif not (has_governance and on_cadence):
        value, light = _("Constructing / starting up"), Light.AMBER
        why = _(
            "Enough experts are nominated, but %(missing)s.",
            missing=_("no confirmed coordinator term covers the day")
            if not has_governance
            else _("fewer than half the meetings agreed so far were held"),
        )
    else:
        value, light = _("Operational"), Light.GREEN
        why = _("Enough nominated experts, a coordinator, and the meetings held as agreed.")
    return _data(
        "stage",
        _l("Stage in establishing the NMG"),
        _l(
            "Operational: the NMG is filled with nominated experts and has an operational governance "
            "structure. A group that calls itself operational should check its governance, nomination "
            "process and communication are really in place."
        ),
        value,
        why,
        light,
        _l(
            "Operational (green): at least the minimum of experts, a confirmed coordinator, and at least "
            "half the meetings agreed so far held. Constructing (amber): experts but not the rest. "
            "Planning or no activity (red): fewer experts than the minimum."
        ),
    )


def _size(period: _Period, facts: _Facts) -> Measure:
    comp = facts.composition[period.year]
    return _data(
        "composition",
        _l("Composition: number of experts"),
        _l("The most common composition is 10 to 20 experts, depending on the national configuration."),
        ngettext("%(num)d expert", "%(num)d experts", comp.experts),
        _(
            "%(experts)d experts among %(total)d members on %(day)s, counting scientific coordinators and "
            "national contact points.",
            experts=comp.experts,
            total=comp.total,
            day=format_date(period.as_of),
        ),
        _by_share(comp.experts, comp.min_experts),
        _l("Green from the configured minimum of experts; amber from half of it; red below."),
    )


def _gender(period: _Period, facts: _Facts) -> Measure:
    comp = facts.composition[period.year]
    check = next(c for c in comp.checklist() if c.key == "gender")
    share = comp.gender_share()
    if check.status is CheckStatus.UNKNOWN or share is None:
        light, value = Light.AMBER, _("Cannot tell")
    else:
        light = _by_share(share, comp.min_gender_share)
        value = _("Smaller share %(share)d%%", share=round(share * 100))
    return _data(
        "gender",
        _l("Composition: gender balance"),
        _l("Adequate gender balance."),
        value,
        check.explanation,
        light,
        _l(
            "Green when the smaller of the female and male shares reaches the configured target; amber from "
            "half of it, or when too few members declared a gender to tell; red below."
        ),
    )


def _regions(period: _Period, facts: _Facts) -> Measure:
    comp = facts.composition[period.year]
    check = next(c for c in comp.checklist() if c.key == "regions")
    return _data(
        "regions",
        _l("Composition: geographic representation"),
        _l("A wide geographical representation in the country."),
        ngettext("%(num)d region", "%(num)d regions", comp.regions),
        check.explanation,
        _by_share(comp.regions, comp.min_regions),
        _l("Green from the configured number of regions; amber from half of it; red below."),
    )


def _stakeholders(period: _Period, facts: _Facts) -> Measure:
    comp = facts.composition[period.year]
    missing = comp.missing_stakeholder_types
    present = len(comp.by_stakeholder_type) - len(missing)
    if not missing:
        light = Light.GREEN
    elif len(missing) <= STAKEHOLDER_TYPES_AMBER_MISSING:
        light = Light.AMBER
    else:
        light = Light.RED
    return _data(
        "stakeholders",
        _l("Composition: stakeholder types"),
        _l(
            "Representatives of all ten stakeholder types; include patient organisations and industry, and "
            "balance scientific and clinical communities."
        ),
        _("%(present)d of %(total)d types", present=present, total=len(comp.by_stakeholder_type)),
        _("Missing: %(types)s.", types="; ".join(t.label for t in missing))
        if missing
        else _("Every stakeholder type has at least one member."),
        light,
        _l("Green with all ten types; amber with up to three missing; red with more missing."),
    )


def _coordinator(period: _Period, facts: _Facts) -> Measure:
    term = facts.coordinator[period.year]
    return _data(
        "coordinator",
        _l("Coordinator"),
        _l(
            "A coordinator leads the NMG, in clear coordination with the country's representative in the "
            "partnership; profiles and contacts are defined and made known."
        ),
        term.member.full_name if term else _("None"),
        _("A confirmed coordinator term covers %(day)s.", day=format_date(period.as_of))
        if term
        else _("No confirmed coordinator term covers %(day)s.", day=format_date(period.as_of)),
        Light.GREEN if term else Light.RED,
        _l("Green when a confirmed coordinator term covers the day; red otherwise."),
    )


def _contact_point(period: _Period, facts: _Facts) -> Measure:
    n = facts.composition[period.year].by_role.get(MemberRole.NATIONAL_CONTACT_POINT, 0)
    return _data(
        "contact_point",
        _l("National contact point"),
        _l(
            "A national contact point assists the coordinator as the first contact for the national "
            "experts and other stakeholders."
        ),
        ngettext("%(num)d contact point", "%(num)d contact points", n),
        _("Members with the role national contact point on %(day)s.", day=format_date(period.as_of)),
        Light.GREEN if n else Light.RED,
        _l("Green when a current member has the role national contact point; red otherwise."),
    )


def _terms_of_reference(period: _Period, facts: _Facts) -> Measure:
    approved_at = facts.tor_approved[period.year]
    day = format_date(clock.local(approved_at).date()) if approved_at else None
    return _data(
        "terms_of_reference",
        _l("Terms of reference"),
        _l(
            "Terms of reference secure the NMG's mandate: objectives, tasks, and procedures for nomination, "
            "governance, communication and funding."
        ),
        _("Approved on %(day)s", day=day) if day else _("Not approved"),
        _("The latest approval of the terms of reference by then.")
        if day
        else _("No version of the terms of reference had been approved by then."),
        Light.GREEN if day else Light.RED,
        _l("Green when a version of the terms of reference was approved by then; red otherwise."),
    )


def _enews(period: _Period, facts: _Facts) -> Measure:
    due = period.due_months
    sent = [month for month in due if month in facts.enews_months]
    missing = [month for month in due if month not in facts.enews_months]
    if not due:
        explanation = _("No e-news was due yet.")
    elif missing:
        explanation = _(
            "No e-news was sent for: %(months)s.", months=", ".join(f"{m:%Y-%m}" for m in missing)
        )
    else:
        explanation = _("An e-news was sent for every month.")
    return _data(
        "communication_enews",
        _l("Communication: monthly e-news"),
        _l(
            "Have a communication strategy that reaches members and national stakeholders, such as a "
            "national newsletter; the NMG agreed a monthly e-news."
        ),
        _("%(sent)d of %(due)d months", sent=len(sent), due=len(due)),
        explanation,
        _by_share(len(sent), len(due)),
        _l(
            "Green when every month that has ended since the NMG began has a sent issue; amber when at "
            "least half do; red below. The current month is not due yet."
        ),
    )


def _meetings(period: _Period, facts: _Facts) -> Measure:
    entry = facts.meetings[period.year]
    due = _due_meetings(period, entry.agreed)
    return _data(
        "communication_meetings",
        _l("Communication: meetings held against those agreed"),
        _l(
            "Meetings of the NMG itself, apart from the European working groups' meetings, keep the group "
            "active and feeding back to the partnership."
        ),
        _("%(held)d held of %(due)d due", held=entry.held, due=due),
        _(
            "%(agreed)d meetings a year are agreed; %(due)d were due by then; %(planned)d were planned or "
            "held in %(year)d.",
            agreed=entry.agreed,
            due=due,
            planned=entry.planned,
            year=period.year,
        ),
        _by_share(entry.held, due),
        _l(
            "Meetings agreed per year, counted in proportion to the part of the year gone by since the NMG "
            "began. Green when as many were held; amber from half; red below."
        ),
    )


def _national_activities(period: _Period, facts: _Facts) -> Measure:
    entry = facts.meetings[period.year]
    if entry.held:
        light = Light.GREEN
    elif period.is_current and entry.planned:
        light = Light.AMBER
    else:
        light = Light.RED
    details = "; ".join(f"{label}: {n}" for label, n in sorted((entry.held_by_type or {}).items()))
    return _data(
        "national_activities",
        _l("Activities at national level"),
        _l("Organise activities with the NMG at national level, such as meetings, workshops or a symposium."),
        ngettext("%(num)d meeting or event held", "%(num)d meetings or events held", entry.held),
        details or _("Nothing held yet."),
        light,
        _l(
            "Green when the NMG held at least one meeting or event; amber when none is held yet this year "
            "but some are planned; red otherwise."
        ),
    )


def _working_groups(period: _Period, facts: _Facts) -> Measure:
    groups = facts.composition[period.year].by_working_group
    covered = [g for g in groups if g.count]
    attendance = facts.group_attendance[period.year]
    present = sum(p for p, _r in attendance.values())
    recorded = sum(r for _p, r in attendance.values())
    rate = present / recorded if recorded else None
    parts = []
    for group in groups:
        p, r = attendance.get(group.code, (0, 0))
        share = _("%(share)d%% present", share=round(p * 100 / r)) if r else _("no attendance recorded")
        parts.append(
            ngettext(
                "%(group)s: %(num)d member, %(share)s",
                "%(group)s: %(num)d members, %(share)s",
                group.count,
                group=group.code,
                share=share,
            )
        )
    if not groups:
        light = Light.RED
    elif len(covered) == len(groups) and (rate is None or rate >= ATTENDANCE_TARGET):
        light = Light.GREEN
    else:
        light = Light.AMBER if len(covered) * 2 >= len(groups) else Light.RED
    return _data(
        "working_groups",
        _l("Links to the European working groups"),
        _l(
            "Appoint representation in all the working groups, for permanent feedback and coordination "
            "between the groups and the national level."
        ),
        _("%(covered)d of %(total)d groups have members", covered=len(covered), total=len(groups)),
        "; ".join(parts) + "." if parts else _("The NMG follows no active working group."),
        light,
        _l(
            "Green when every active working group has a member and the members following them were "
            "present at least half the time they were recorded; amber with at least half the groups "
            "covered; red below."
        ),
    )


def _question(period: _Period, facts: _Facts, question: Question) -> Measure:
    answer = facts.answers.get((period.year, question.measure))
    choice = question.choice(answer.choice) if answer else None
    if answer is None or choice is None:
        value, light = _("Not answered"), Light.UNANSWERED
        explanation = _("The coordinator has not answered for this year.")
    else:
        value, explanation, light = str(choice.label), answer.note, choice.light
        if choice.value == question.explained_by_note and not answer.note.strip():
            light = Light.AMBER
    return Measure(
        question.measure.value,
        str(question.label),
        str(question.recommendation),
        value,
        explanation,
        Source.COORDINATOR,
        light,
        str(question.rule),
        answer,
    )


_FROM_DATA = (
    _stage,
    _size,
    _gender,
    _regions,
    _stakeholders,
    _coordinator,
    _contact_point,
    _terms_of_reference,
    _enews,
    _meetings,
    _national_activities,
    _working_groups,
)


def _measures(period: _Period, facts: _Facts) -> list[Measure]:
    return [
        *(measure(period, facts) for measure in _FROM_DATA),
        *(_question(period, facts, question) for question in QUESTIONS.values()),
    ]


# --- what pages and the annual report call ------------------------------------------------------------------


def assessment_for(year: int, now: datetime | None = None) -> list[Measure]:
    """Every B1MG measure for the year, as the data stood at its end (now, for the current year)."""
    return trend([year], now)[year]


def trend(years: list[int], now: datetime | None = None) -> dict[int, list[Measure]]:
    """The measures of each year, oldest first; the same rules for every year, read together."""
    now = now or clock.now()
    if not years:
        return {}
    began = db.session.scalar(sa.select(sa.func.min(Member.joined_on)))
    periods = [_period(year, now, began) for year in sorted(set(years))]
    facts = _read(periods)
    return {period.year: _measures(period, facts) for period in periods}


def assessed_years(now: datetime | None = None) -> list[int]:
    """The years the NMG has existed: from the first member's joining (or the first answer) to this year."""
    now = now or clock.now()
    this_year = clock.local(now).year
    first_joined, first_answer = db.session.execute(
        sa.select(
            sa.select(sa.func.min(Member.joined_on)).scalar_subquery(),
            sa.select(sa.func.min(SelfAssessmentAnswer.year)).scalar_subquery(),
        )
    ).one()
    firsts = [first_joined.year if first_joined else None, first_answer]
    first = min((y for y in firsts if y is not None and y <= this_year), default=this_year)
    return list(range(first, this_year + 1))


def answer(year: int, measure: AnsweredMeasure, choice: str, note: str, by: Member) -> SelfAssessmentAnswer:
    """Record (or replace) the coordinator's answer to one question for one year."""
    question = QUESTIONS[measure]
    if question.choice(choice) is None:
        raise SelfAssessmentError(_("Choose one of the answers offered."), "choice")
    if choice == question.explained_by_note and not note.strip():
        raise SelfAssessmentError(_("Describe the model in the note."), "note")
    if year not in assessed_years():
        raise SelfAssessmentError(_("There is no self-assessment for %(year)d.", year=year), "year")
    row = db.session.scalar(
        sa.select(SelfAssessmentAnswer)
        .where(SelfAssessmentAnswer.year == year, SelfAssessmentAnswer.measure == measure)
        .with_for_update()
    )
    before = row.choice if row else None
    if row is None:
        row = SelfAssessmentAnswer(year=year, measure=measure)
        db.session.add(row)
    row.choice = choice
    row.note = note.strip()
    row.answered_by = by
    row.answered_at = clock.now()
    flush_or_refuse(SelfAssessmentError(_("The answer was changed at the same moment; send it again.")))
    audit.record(
        AuditAction.UPDATED,
        AuditSubject.SELF_ASSESSMENT_ANSWER,
        row.id,
        f"{year} – {question.label}",
        {"choice": [before, choice]},
    )
    return row


def previous_answers(year: int) -> dict[AnsweredMeasure, SelfAssessmentAnswer]:
    """The latest answer before `year` to each question, to start this year's answer from."""
    latest = (
        sa.select(SelfAssessmentAnswer.measure, sa.func.max(SelfAssessmentAnswer.year).label("year"))
        .where(SelfAssessmentAnswer.year < year)
        .group_by(SelfAssessmentAnswer.measure)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(SelfAssessmentAnswer).join(
            latest,
            sa.and_(
                SelfAssessmentAnswer.measure == latest.c.measure, SelfAssessmentAnswer.year == latest.c.year
            ),
        )
    )
    return {row.measure: row for row in rows}
