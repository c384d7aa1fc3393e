"""Planning an import: every row checked against the registered organisations, working groups and members,
and what importing it would do, without writing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ... import audit, clock
from ...extensions import db
from ...models import Gender, Member, MemberRole, Organisation, StakeholderType, WorkingGroup
from ...permissions import term_on
from ...text import is_single_line, rearm_formula
from .columns import COORDINATOR, GENDER_NAMES, Column
from .plan import ImportPlan, NewOrganisation, NewWorkingGroup, PlannedRow
from .reading import MappingFileError, csv_records, read_header

_GENDER_SPELLINGS = {
    **{spelling: gender for gender, name in GENDER_NAMES.items() for spelling in (name, gender.value)},
    "f": Gender.FEMALE,
    "m": Gender.MALE,
}
_STAKEHOLDER_SPELLINGS = {
    **{kind.b1mg_name.casefold(): kind for kind in StakeholderType},
    **{kind.value: kind for kind in StakeholderType},
}

_FULL_NAME_MAX = Member.__table__.c.full_name.type.length
_POSITION_MAX = Member.__table__.c.position.type.length
_REGION_MAX = Member.__table__.c.region.type.length
_EMAIL_MAX = Member.__table__.c.email.type.length
_INSTITUTION_MAX = Organisation.__table__.c.name.type.length
_CODE_MAX = WorkingGroup.__table__.c.code.type.length


def _index(items: Sequence[Any], key: Callable[[Any], str | None]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for item in items:
        value = key(item)
        if value:
            found.setdefault(value.casefold(), []).append(item)
    return found


def _role_names() -> dict[str, MemberRole | None]:
    """Spellings of the Role cell: each role's value, English and local label; coordinator maps to None."""
    names: dict[str, MemberRole | None] = {COORDINATOR: None}
    for role in MemberRole:
        names[role.value] = role
        names[role.value.replace("_", " ")] = role
        names[role.label.casefold()] = role
    return names


def _member_snapshot(member: Member, organisations: dict[int, Organisation]) -> dict[str, Any]:
    return {
        "full_name": member.full_name,
        "role": member.role.value,
        "organisation": organisations[member.organisation_id].name,
        "position": member.position,
        "gender": member.gender.value if member.gender else None,
        "region": member.region,
        "working_groups": sorted(group.code for group in member.working_groups),
    }


class _Planner:
    """Reads the rows against the registered organisations, working groups and members, loaded once."""

    def __init__(self, columns: dict[Column, int], header_width: int, plan: ImportPlan) -> None:
        self.columns = columns
        self.header_width = header_width
        self.plan = plan
        organisations = db.session.scalars(sa.select(Organisation)).all()
        self.organisations_by_id = {org.id: org for org in organisations}
        self.organisations_by_name = _index(organisations, lambda org: org.name)
        self.organisations_by_acronym = _index(organisations, lambda org: org.acronym)
        groups = db.session.scalars(sa.select(WorkingGroup)).all()
        self.groups_by_code = _index(groups, lambda group: group.code)
        self.groups_by_name = _index(groups, lambda group: group.name)
        members = db.session.scalars(sa.select(Member).options(so.selectinload(Member.working_groups)))
        self.members = {member.email: member for member in members}
        term = term_on(clock.today())
        self.coordinator_id = term.member_id if term else None
        self.role_names = _role_names()
        self.new_organisations: dict[str, NewOrganisation] = {}
        self.new_groups: dict[str, NewWorkingGroup] = {}
        self.first_line_of_email: dict[str, int] = {}

    def cell(self, cells: list[str], column: Column) -> str | None:
        """The cleaned value of a column, None when the file has no such column."""
        index = self.columns.get(column)
        if index is None:
            return None
        return rearm_formula(cells[index]).strip() if index < len(cells) else ""

    def plan_row(self, line: int, cells: list[str]) -> PlannedRow | None:
        errors: list[str] = []
        if any(cell.strip() for cell in cells[self.header_width :]):
            errors.append(
                _(
                    "The row has %(cells)d cells but the header has %(columns)d; "
                    "put values that contain the delimiter in double quotes.",
                    cells=len(cells),
                    columns=self.header_width,
                )
            )
        full_name = self.text(cells, Column.NAME, _FULL_NAME_MAX, errors, required=True)
        email = self.email(line, cells, errors)
        member = self.members.get(email) if email else None
        if member is not None and not member.is_current:
            errors.append(
                _(
                    "%(name)s (%(email)s) has left the group; "
                    "reactivate the member before importing this row.",
                    name=member.full_name,
                    email=email,
                )
            )
        role = self.role(line, cells, member, full_name, errors)
        organisation = self.organisation(line, cells, errors)
        position = self.text(cells, Column.POSITION, _POSITION_MAX, errors)
        region = self.text(cells, Column.REGION, _REGION_MAX, errors)
        gender = self.gender(cells, errors)
        groups = self.working_groups(cells, errors)
        if errors or email is None or full_name is None or role is None or organisation is None:
            self.plan.errors.extend((line, message) for message in errors)
            return None
        # A column the file leaves out keeps what is stored.
        if Column.POSITION not in self.columns:
            position = member.position if member else None
        if Column.REGION not in self.columns:
            region = member.region if member else None
        if Column.GENDER not in self.columns:
            gender = member.gender if member else None
        if groups is None:
            groups = list(member.working_groups) if member else []
        row = PlannedRow(
            line=line,
            email=email,
            full_name=full_name,
            role=role,
            organisation=organisation,
            position=position,
            gender=gender,
            region=region,
            working_groups=groups,
            member=member,
            changes={},
        )
        if member is not None:
            row.changes = audit.diff(_member_snapshot(member, self.organisations_by_id), row.snapshot())
        return row

    def text(
        self, cells: list[str], column: Column, max_length: int, errors: list[str], required: bool = False
    ) -> str | None:
        value = self.cell(cells, column)
        if not value:
            if required:
                errors.append(_("%(column)s is missing.", column=column.value))
            return None
        if len(value) > max_length:
            errors.append(
                _("%(column)s is longer than %(max)d characters.", column=column.value, max=max_length)
            )
        if not is_single_line(value):
            errors.append(
                _("%(column)s must be a single line, without control characters.", column=column.value)
            )
        return value

    def email(self, line: int, cells: list[str], errors: list[str]) -> str | None:
        value = self.cell(cells, Column.CONTACT)
        if not value:
            errors.append(_("Contact (the e-mail address) is missing."))
            return None
        try:
            email = validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.append(_("“%(value)s” is not a valid e-mail address.", value=value))
            return None
        if len(email) > _EMAIL_MAX:
            errors.append(
                _(
                    "%(column)s is longer than %(max)d characters.",
                    column=Column.CONTACT.value,
                    max=_EMAIL_MAX,
                )
            )
            return None
        first = self.first_line_of_email.setdefault(email, line)
        if first != line:
            errors.append(_("The e-mail %(email)s is already on line %(line)d.", email=email, line=first))
            return None
        return email

    def role(
        self, line: int, cells: list[str], member: Member | None, full_name: str | None, errors: list[str]
    ) -> MemberRole | None:
        """The role to store: an empty cell keeps the member's role, and a new member is an expert."""
        value = self.cell(cells, Column.ROLE) or ""
        if not value:
            return member.role if member else MemberRole.EXPERT
        if value.casefold() not in self.role_names:
            others = ", ".join(
                role.value.replace("_", " ") for role in MemberRole if role is not MemberRole.EXPERT
            )
            errors.append(
                _(
                    "Unknown role “%(value)s”; use coordinator or expert (or %(others)s).",
                    value=value,
                    others=others,
                )
            )
            return None
        role = self.role_names[value.casefold()]
        if role is not None:
            return role
        # Coordinator rights come from the coordinator term, so the file cannot hand them out: the holder
        # keeps the role stored for them, and a new member is an expert.
        if member is None or member.id != self.coordinator_id:
            self.plan.warnings.append(
                (
                    line,
                    _(
                        "%(name)s does not hold the current coordinator term; coordinator rights follow "
                        "the coordinator terms, not this file.",
                        name=full_name or value,
                    ),
                )
            )
        return member.role if member else MemberRole.EXPERT

    def stakeholder_type(self, cells: list[str], errors: list[str]) -> StakeholderType | None:
        value = self.cell(cells, Column.STAKEHOLDER_TYPE) or ""
        kind = _STAKEHOLDER_SPELLINGS.get(value.casefold())
        if kind is None:
            allowed = ", ".join(kind.b1mg_name for kind in StakeholderType)
            if value:
                errors.append(
                    _(
                        "Unknown stakeholder type “%(value)s”; use one of: %(allowed)s.",
                        value=value,
                        allowed=allowed,
                    )
                )
            else:
                errors.append(_("Stakeholder type is missing; use one of: %(allowed)s.", allowed=allowed))
        return kind

    def organisation(
        self, line: int, cells: list[str], errors: list[str]
    ) -> Organisation | NewOrganisation | None:
        kind = self.stakeholder_type(cells, errors)
        name = self.text(cells, Column.INSTITUTION, _INSTITUTION_MAX, errors, required=True)
        if name is None or len(name) > _INSTITUTION_MAX:
            return None
        key = name.casefold()
        matches = self.organisations_by_name.get(key) or self.organisations_by_acronym.get(key) or []
        if len(matches) > 1:
            errors.append(
                _(
                    "Institution “%(value)s” matches several organisations (%(matches)s); "
                    "write the full name.",
                    value=name,
                    matches="; ".join(org.name for org in matches),
                )
            )
            return None
        if kind is None:
            return None
        if matches:
            org = matches[0]
            if org.stakeholder_type is not kind:
                errors.append(
                    _(
                        "%(institution)s is registered as %(registered)s; the row says %(given)s.",
                        institution=name,
                        registered=org.stakeholder_type.b1mg_name,
                        given=kind.b1mg_name,
                    )
                )
                return None
            return org
        new = self.new_organisations.setdefault(key, NewOrganisation(name, kind, line))
        if new.stakeholder_type is not kind:
            errors.append(
                _(
                    "%(institution)s is given as %(first)s on line %(line)d; the row says %(given)s.",
                    institution=name,
                    first=new.stakeholder_type.b1mg_name,
                    line=new.line,
                    given=kind.b1mg_name,
                )
            )
            return None
        return new

    def gender(self, cells: list[str], errors: list[str]) -> Gender | None:
        value = self.cell(cells, Column.GENDER)
        if not value:
            return None
        gender = _GENDER_SPELLINGS.get(value.casefold())
        if gender is None:
            errors.append(
                _(
                    "Unknown gender “%(value)s”; leave it blank or write female, male, non-binary or "
                    "prefer not to say.",
                    value=value,
                )
            )
        return gender

    def working_groups(
        self, cells: list[str], errors: list[str]
    ) -> list[WorkingGroup | NewWorkingGroup] | None:
        """The groups a row names, separated by ";"; None when the file has no such column."""
        value = self.cell(cells, Column.WORKING_GROUP)
        if value is None:
            return None
        found: list[WorkingGroup | NewWorkingGroup] = []
        for text in (part.strip() for part in value.split(";")):
            group = self.working_group(text, errors) if text else None
            if group is not None and group not in found:
                found.append(group)
        return found

    def working_group(self, text: str, errors: list[str]) -> WorkingGroup | NewWorkingGroup | None:
        key = text.casefold()
        matches = self.groups_by_code.get(key) or self.groups_by_name.get(key) or []
        if len(matches) == 1:
            return matches[0]
        if matches:
            errors.append(
                _(
                    "Working group “%(value)s” matches several working groups (%(matches)s); write its code.",
                    value=text,
                    matches=", ".join(group.code for group in matches),
                )
            )
            return None
        if len(text) > _CODE_MAX:
            errors.append(
                _(
                    "Working group “%(value)s” is not registered, and the code of a new working group has "
                    "at most %(max)d characters.",
                    value=text,
                    max=_CODE_MAX,
                )
            )
            return None
        return self.new_groups.setdefault(key, NewWorkingGroup(text))


def plan_import(text: str) -> ImportPlan:
    """Check every row of a mapping file and work out what importing it would do, without writing."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise MappingFileError(_("The file is empty."))
    if "\x00" in text:
        raise MappingFileError(
            _(
                "This is not a CSV file. "
                "Save the sheet as CSV (comma- or semicolon-separated) and upload that."
            )
        )
    records = csv_records(text)
    if not records:
        raise MappingFileError(_("The file is empty."))
    (header_line, header), rows = records[0], records[1:]
    columns, warnings = read_header(header, header_line)
    plan = ImportPlan(warnings=warnings)
    planner = _Planner(columns, len(header), plan)
    for line, cells in rows:
        row = planner.plan_row(line, cells)
        if row is not None:
            plan.rows.append(row)
    # Only what a valid row needs is created: a misspelt institution on a skipped row leaves no trace.
    used_organisations = {row.organisation for row in plan.rows}
    used_groups = {group for row in plan.rows for group in row.working_groups}
    plan.new_organisations = [org for org in planner.new_organisations.values() if org in used_organisations]
    plan.new_working_groups = [group for group in planner.new_groups.values() if group in used_groups]
    plan.errors.sort(key=lambda error: error[0])
    plan.warnings.sort(key=lambda warning: warning[0])
    return plan
