"""Governance rules: the coordinator rotation, working groups, the audit trail and the group's composition
against the B1MG guidance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from .. import audit, clock
from ..extensions import db
from ..models import (
    AuditEntry,
    CoordinatorTerm,
    Gender,
    Member,
    MemberRole,
    Organisation,
    StakeholderType,
    WorkingGroup,
    member_working_group,
)

#: roles that count as experts for the B1MG size recommendation
EXPERT_ROLES = frozenset(
    {MemberRole.EXPERT, MemberRole.SCIENTIFIC_COORDINATOR, MemberRole.NATIONAL_CONTACT_POINT}
)
AUDIT_PER_PAGE = 50


def term_on(day: date) -> CoordinatorTerm | None:
    return db.session.scalar(
        sa.select(CoordinatorTerm).where(CoordinatorTerm.starts_on <= day, CoordinatorTerm.ends_on > day)
    )


def current_coordinator_id() -> int | None:
    """The id of today's coordinator, looked up once per request."""
    if "nmg_coordinator_id" not in g:
        term = term_on(clock.today())
        g.nmg_coordinator_id = term.member_id if term else None
    return g.nmg_coordinator_id


# --- composition ------------------------------------------------------------------------------------------


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """One B1MG recommendation, whether the group meets it, and why in plain words."""

    key: str
    title: str
    status: CheckStatus
    explanation: str


@dataclass(frozen=True)
class GroupCount:
    code: str
    name: str
    count: int

    @property
    def display_name(self) -> str:
        return f"{self.code} – {self.name}" if self.name and self.name != self.code else self.code


@dataclass(frozen=True)
class OrganisationCount:
    name: str
    count: int


@dataclass
class Composition:
    """Who the group's current members are on a given day, and how that compares with the B1MG guidance."""

    on: date
    total: int
    #: every stakeholder type, in the B1MG order, including those with no member
    by_stakeholder_type: dict[StakeholderType, int]
    #: every gender answer, plus None for members who gave none
    by_gender: dict[Gender | None, int]
    #: region -> members, most members first; None is the national bucket
    by_region: list[tuple[str | None, int]]
    #: active working groups, with the current members who follow each
    by_working_group: list[GroupCount]
    by_organisation: list[OrganisationCount]
    by_role: dict[MemberRole, int]
    #: today's coordinator, if a term covers the day
    coordinator: Member | None
    min_experts: int
    min_gender_share: float
    min_regions: int

    @property
    def missing_stakeholder_types(self) -> list[StakeholderType]:
        return [t for t, n in self.by_stakeholder_type.items() if n == 0]

    @property
    def experts(self) -> int:
        return sum(n for role, n in self.by_role.items() if role in EXPERT_ROLES)

    @property
    def regions(self) -> int:
        return sum(1 for region, _n in self.by_region if region is not None)

    def gender_share(self) -> float | None:
        """The smaller of the female and male shares among members who declared either, if two did."""
        female = self.by_gender.get(Gender.FEMALE, 0)
        male = self.by_gender.get(Gender.MALE, 0)
        if female + male < 2:
            return None
        return min(female, male) / (female + male)

    def checklist(self) -> list[Check]:
        """The B1MG recommendations, each with a pass or fail mark and an explanation."""
        return [
            self._coordinator_check(),
            self._experts_check(),
            self._contact_point_check(),
            self._stakeholder_types_check(),
            self._type_present_check(
                "patients",
                _("Patient organisations are represented"),
                StakeholderType.PATIENT,
            ),
            self._type_present_check(
                "industry",
                _("Industry and the private sector are represented"),
                StakeholderType.INDUSTRY,
            ),
            self._gender_check(),
            self._regions_check(),
        ]

    def _coordinator_check(self) -> Check:
        title = _("A coordinator is assigned")
        if self.coordinator is None:
            return Check(
                "coordinator",
                title,
                CheckStatus.FAIL,
                _("No coordinator term covers today. Add a term on the coordinators page."),
            )
        return Check(
            "coordinator",
            title,
            CheckStatus.PASS,
            _("%(name)s holds the current coordinator term.", name=self.coordinator.full_name),
        )

    def _experts_check(self) -> Check:
        ok = self.experts >= self.min_experts
        return Check(
            "experts",
            _("At least %(min)d experts", min=self.min_experts),
            CheckStatus.PASS if ok else CheckStatus.FAIL,
            ngettext(
                "The group has %(num)d expert, counting scientific coordinators and national "
                "contact points; B1MG recommends 10 to 20 or more.",
                "The group has %(num)d experts, counting scientific coordinators and national "
                "contact points; B1MG recommends 10 to 20 or more.",
                self.experts,
            ),
        )

    def _contact_point_check(self) -> Check:
        n = self.by_role.get(MemberRole.NATIONAL_CONTACT_POINT, 0)
        return Check(
            "contact_point",
            _("A national contact point is designated"),
            CheckStatus.PASS if n else CheckStatus.FAIL,
            ngettext(
                "%(num)d current member has the role national contact point.",
                "%(num)d current members have the role national contact point.",
                n,
            )
            if n
            else _("No current member has the role national contact point."),
        )

    def _stakeholder_types_check(self) -> Check:
        missing = self.missing_stakeholder_types
        title = _("All ten stakeholder types are represented")
        if not missing:
            return Check(
                "stakeholder_types",
                title,
                CheckStatus.PASS,
                _("Every B1MG stakeholder type has at least one member."),
            )
        return Check(
            "stakeholder_types",
            title,
            CheckStatus.FAIL,
            _(
                "Missing: %(types)s.",
                types="; ".join(t.label for t in missing),
            ),
        )

    def _type_present_check(self, key: str, title: str, stakeholder_type: StakeholderType) -> Check:
        n = self.by_stakeholder_type[stakeholder_type]
        return Check(
            key,
            title,
            CheckStatus.PASS if n else CheckStatus.FAIL,
            ngettext(
                "%(num)d member represents %(type)s.",
                "%(num)d members represent %(type)s.",
                n,
                type=stakeholder_type.label,
            )
            if n
            else _("No member represents %(type)s.", type=stakeholder_type.label),
        )

    def _gender_check(self) -> Check:
        title = _("Gender balance")
        share = self.gender_share()
        if share is None:
            return Check(
                "gender",
                title,
                CheckStatus.UNKNOWN,
                _("Cannot tell: fewer than two members declared female or male."),
            )
        female = self.by_gender.get(Gender.FEMALE, 0)
        male = self.by_gender.get(Gender.MALE, 0)
        return Check(
            "gender",
            title,
            CheckStatus.PASS if share >= self.min_gender_share else CheckStatus.FAIL,
            _(
                "Female: %(female)d, male: %(male)d. The smaller share is %(share)d%%; "
                "the target is at least %(target)d%%.",
                female=female,
                male=male,
                share=round(share * 100),
                target=round(self.min_gender_share * 100),
            ),
        )

    def _regions_check(self) -> Check:
        ok = self.regions >= self.min_regions
        return Check(
            "regions",
            _("Wide geographic representation"),
            CheckStatus.PASS if ok else CheckStatus.FAIL,
            ngettext(
                "Members come from %(num)d region; the target is at least %(min)d.",
                "Members come from %(num)d regions; the target is at least %(min)d.",
                self.regions,
                min=self.min_regions,
            ),
        )


def composition(on: date | None = None) -> Composition:
    """Count the current members in a fixed number of grouped queries, however large the group."""
    on = on or clock.today()
    current = Member.current_clause(on)
    count = sa.func.count(Member.id)

    by_type = dict.fromkeys(StakeholderType, 0)
    for stakeholder_type, n in db.session.execute(
        sa.select(Organisation.stakeholder_type, count)
        .join(Member.organisation)
        .where(current)
        .group_by(Organisation.stakeholder_type)
    ):
        by_type[stakeholder_type] = n

    by_gender: dict[Gender | None, int] = dict.fromkeys([*Gender, None], 0)
    by_gender.update(
        db.session.execute(sa.select(Member.gender, count).where(current).group_by(Member.gender)).all()
    )

    by_role = dict.fromkeys(MemberRole, 0)
    by_role.update(
        db.session.execute(sa.select(Member.role, count).where(current).group_by(Member.role)).all()
    )

    # A member who gives no region of their own works where their organisation is.
    region = sa.func.coalesce(
        sa.func.nullif(sa.func.trim(Member.region), ""), sa.func.nullif(sa.func.trim(Organisation.region), "")
    ).label("region")
    region_rows = db.session.execute(
        sa.select(region, count).join(Member.organisation).where(current).group_by(region)
    ).all()
    by_region = sorted(
        ((name, n) for name, n in region_rows), key=lambda row: (row[0] is None, -row[1], row[0] or "")
    )

    # The current-member condition sits in the join so that groups nobody follows still appear with 0.
    group_rows = db.session.execute(
        sa.select(WorkingGroup.code, WorkingGroup.name, count)
        .outerjoin(member_working_group, member_working_group.c.working_group_id == WorkingGroup.id)
        .outerjoin(Member, sa.and_(Member.id == member_working_group.c.member_id, current))
        .where(WorkingGroup.is_active)
        .group_by(WorkingGroup.id, WorkingGroup.code, WorkingGroup.name)
        .order_by(WorkingGroup.code)
    )
    by_group = [GroupCount(code, name, n) for code, name, n in group_rows]

    org_rows = db.session.execute(
        sa.select(Organisation.name, Organisation.acronym, count)
        .join(Member.organisation)
        .where(current)
        .group_by(Organisation.id, Organisation.name, Organisation.acronym)
        .order_by(count.desc(), Organisation.name)
    )
    by_org = [
        OrganisationCount(f"{acronym} – {name}" if acronym and acronym != name else name, n)
        for name, acronym, n in org_rows
    ]

    coordinator = db.session.scalar(
        sa.select(Member)
        .join(CoordinatorTerm, CoordinatorTerm.member_id == Member.id)
        .where(CoordinatorTerm.starts_on <= on, CoordinatorTerm.ends_on > on)
    )
    config = current_app.config
    return Composition(
        on=on,
        total=sum(by_role.values()),
        by_stakeholder_type=by_type,
        by_gender=by_gender,
        by_region=by_region,
        by_working_group=by_group,
        by_organisation=by_org,
        by_role=by_role,
        coordinator=coordinator,
        min_experts=int(config["COMPOSITION_MIN_EXPERTS"]),
        min_gender_share=float(config["COMPOSITION_MIN_GENDER_SHARE"]),
        min_regions=int(config["COMPOSITION_MIN_REGIONS"]),
    )


# --- coordinator terms ------------------------------------------------------------------------------------


class TermStatus(StrEnum):
    PAST = "past"
    CURRENT = "current"
    PLANNED = "planned"


class GovernanceError(ValueError):
    """A rule refused the change; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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


def current_members() -> list[Member]:
    """Members who may hold a term, by name."""
    return list(
        db.session.scalars(
            sa.select(Member)
            .options(so.joinedload(Member.organisation))
            .where(Member.current_clause(clock.today()))
            .order_by(Member.full_name, Member.id)
        )
    )


def _term_label(term: CoordinatorTerm) -> str:
    return f"{term.member.full_name}, {term.starts_on.isoformat()} – {last_day(term).isoformat()}"


_TERM_FIELDS = ["member_id", "starts_on", "ends_on", "rotation_position"]


def add_term(
    member: Member, starts_on: date, ends_on: date | None = None, rotation_position: int | None = None
) -> CoordinatorTerm:
    """Plan or record a term; `ends_on` is the day after the last day, one year after the start by default."""
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
        member=member, starts_on=starts_on, ends_on=ends_on, rotation_position=rotation_position
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


def end_term_today(term: CoordinatorTerm) -> None:
    """Hand over: the current term ends at the end of today, so that the next one can start tomorrow."""
    today = clock.today()
    if term_status(term, today) is not TermStatus.CURRENT:
        raise GovernanceError(_("Only the current term can be ended."))
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


# --- audit trail ------------------------------------------------------------------------------------------

#: the actor filter's value for changes made from the command line or by the scheduler
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditFilter:
    subject_type: str | None = None
    #: a member id, SYSTEM_ACTOR, or None for everyone
    actor: int | str | None = None

    @classmethod
    def from_args(cls, subject_type: str | None, actor: str | None) -> AuditFilter:
        """Read the filter from query parameters, ignoring values that cannot be meant."""
        subject_type = (subject_type or "").strip()[:40] or None
        if actor == SYSTEM_ACTOR:
            return cls(subject_type, SYSTEM_ACTOR)
        return cls(subject_type, int(actor) if actor and actor.isdigit() else None)

    def as_args(self) -> dict[str, str]:
        """The filter as query parameters, for links to other pages of the same view."""
        args = {"type": self.subject_type, "actor": str(self.actor) if self.actor is not None else None}
        return {name: value for name, value in args.items() if value}


def audit_entries(page: int, criteria: AuditFilter) -> Pagination:
    """One page of the trail, newest first, with the actors loaded in the same query."""
    query = sa.select(AuditEntry).options(so.joinedload(AuditEntry.actor))
    if criteria.subject_type:
        query = query.where(AuditEntry.subject_type == criteria.subject_type)
    if criteria.actor == SYSTEM_ACTOR:
        query = query.where(AuditEntry.actor_id.is_(None))
    elif criteria.actor is not None:
        query = query.where(AuditEntry.actor_id == criteria.actor)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=AUDIT_PER_PAGE, error_out=False)


def audit_subject_types() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEntry.subject_type).distinct().order_by(AuditEntry.subject_type))
    )


def audit_actors() -> list[Member]:
    """Members who appear in the trail as actors, by name."""
    actor_ids = sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.id.in_(actor_ids)).order_by(Member.full_name, Member.id)
        )
    )
