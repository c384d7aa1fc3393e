"""The group's composition on a given day, and how it compares with the B1MG recommendations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import clock
from ..extensions import db
from ..models import (
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


def composition_on(on: date | None = None) -> Composition:
    """Count the current members in a fixed number of grouped queries, however large the group."""
    on = on or clock.today()
    # A past day (the self-assessment of an earlier year) leaves out those who joined after it.
    current = sa.and_(Member.current_clause(on), Member.joined_on <= on)
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
        .where(CoordinatorTerm.covering(on))
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
