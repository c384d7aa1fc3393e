"""Members and organisations: the directory, and every change to them, each recorded in the audit trail."""

from __future__ import annotations

import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from .. import audit, clock
from ..auth.services import end_every_session, send_invitation, set_password, tell_old_address
from ..errors import RuleError, flush_or_refuse
from ..extensions import db
from ..mail import MailDeliveryError
from ..models import (
    AuditEntry,
    Gender,
    Language,
    Member,
    MemberRole,
    Organisation,
    StakeholderType,
    WorkingGroup,
)

#: the member's own columns that an audit entry compares; organisation and working groups are added by name
MEMBER_FIELDS = [
    "full_name",
    "email",
    "position",
    "gender",
    "region",
    "expertise",
    "role",
    "is_coordination_team",
    "is_admin",
    "joined_on",
    "language",
    "timezone",
]
ORGANISATION_FIELDS = ["name", "acronym", "stakeholder_type", "region", "website"]
PREFERENCE_FIELDS = ["language", "timezone"]


class MemberError(RuleError):
    """A change to members or organisations that the NMG's rules refuse."""


class DuplicateEmail(MemberError):
    def __init__(self) -> None:
        super().__init__(_l("A member with this e-mail already exists."), "email")


class DuplicateOrganisation(MemberError):
    def __init__(self) -> None:
        super().__init__(_l("An organisation with this name already exists."), "name")


class Status(StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    ALL = "all"


@dataclass(frozen=True)
class DirectoryFilter:
    stakeholder_type: StakeholderType | None = None
    organisation_id: int | None = None
    working_group_id: int | None = None
    region: str | None = None
    status: Status = Status.ACTIVE
    search: str = ""


@dataclass(frozen=True)
class DirectoryOptions:
    """What the directory's filters offer, each list loaded with one query."""

    organisations: list[Organisation]
    working_groups: list[WorkingGroup]
    regions: list[str]


@dataclass
class MemberData:
    full_name: str
    email: str
    organisation_id: int
    position: str | None = None
    gender: Gender | None = None
    region: str | None = None
    expertise: str | None = None
    role: MemberRole = MemberRole.EXPERT
    working_group_ids: list[int] = field(default_factory=list)
    is_coordination_team: bool = False
    is_admin: bool = False
    joined_on: date | None = None
    language: Language = Language.IT
    timezone: str = "Europe/Rome"


@dataclass
class OrganisationData:
    name: str
    stakeholder_type: StakeholderType
    acronym: str | None = None
    region: str | None = None
    website: str | None = None


# --- the directory ---------------------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def directory_select(filters: DirectoryFilter, today: date) -> sa.Select[tuple[Member]]:
    """Members matching the filters, ordered by name, with organisation and working groups loaded eagerly."""
    query = (
        sa.select(Member)
        .join(Member.organisation)
        .options(so.contains_eager(Member.organisation), so.selectinload(Member.working_groups))
        .order_by(sa.func.lower(Member.full_name), Member.id)
    )
    if filters.status is Status.ACTIVE:
        query = query.where(Member.current_clause(today))
    elif filters.status is Status.LEFT:
        query = query.where(sa.not_(Member.current_clause(today)))
    if filters.stakeholder_type is not None:
        query = query.where(Organisation.stakeholder_type == filters.stakeholder_type)
    if filters.organisation_id is not None:
        query = query.where(Member.organisation_id == filters.organisation_id)
    if filters.working_group_id is not None:
        query = query.where(Member.working_groups.any(WorkingGroup.id == filters.working_group_id))
    if filters.region:
        query = query.where(Member.region == filters.region)
    searched = (
        Member.full_name,
        Member.email,
        Member.position,
        Member.expertise,
        Organisation.name,
        Organisation.acronym,
    )
    # Every word must appear somewhere, so "rossi agenas" finds Rossi of AGENAS.
    for word in filters.search.split():
        pattern = _like(word)
        query = query.where(sa.or_(*(column.ilike(pattern, escape="\\") for column in searched)))
    return query


def directory_options() -> DirectoryOptions:
    organisations = db.session.scalars(sa.select(Organisation).order_by(sa.func.lower(Organisation.name)))
    working_groups = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.code))
    regions = db.session.scalars(
        sa.select(Member.region).where(Member.region.is_not(None), Member.region != "").distinct()
    )
    return DirectoryOptions(
        organisations=list(organisations),
        working_groups=list(working_groups),
        regions=sorted(regions, key=str.casefold),
    )


def get_member(member_id: int) -> Member | None:
    return db.session.scalar(
        sa.select(Member)
        .where(Member.id == member_id)
        .options(so.joinedload(Member.organisation), so.selectinload(Member.working_groups))
    )


def member_history(member: Member) -> list[AuditEntry]:
    """The member's audit entries, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == "member", AuditEntry.subject_id == member.id)
            .options(so.joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )


# --- creating and changing members -----------------------------------------------------------------------


def active_organisations(keep: Organisation | None = None) -> list[Organisation]:
    """Organisations a member may be assigned to; `keep` is the member's own, offered even if deactivated."""
    clause = Organisation.is_active.is_(True)
    if keep is not None:
        clause = sa.or_(clause, Organisation.id == keep.id)
    return list(
        db.session.scalars(sa.select(Organisation).where(clause).order_by(sa.func.lower(Organisation.name)))
    )


def active_working_groups(keep: list[WorkingGroup] | None = None) -> list[WorkingGroup]:
    """Groups a member may follow; those in `keep` stay offered so that saving does not drop them silently."""
    clause = WorkingGroup.is_active.is_(True)
    if keep:
        clause = sa.or_(clause, WorkingGroup.id.in_([group.id for group in keep]))
    return list(db.session.scalars(sa.select(WorkingGroup).where(clause).order_by(WorkingGroup.code)))


def _member_state(member: Member) -> dict[str, Any]:
    """What an audit entry compares; organisation and groups by name, so that the entry reads on its own."""
    state = audit.snapshot(member, MEMBER_FIELDS)
    state["organisation"] = member.organisation.name if member.organisation else None
    state["working_groups"] = sorted(group.code for group in member.working_groups)
    return state


def _email_taken(email: str, member_id: int | None) -> bool:
    query = sa.select(Member.id).where(Member.email == email)
    if member_id is not None:
        query = query.where(Member.id != member_id)
    return db.session.scalar(query.limit(1)) is not None


def _apply_member(member: Member, data: MemberData, *, may_set_admin: bool) -> None:
    organisation = db.session.get(Organisation, data.organisation_id)
    if organisation is None:
        raise MemberError(_l("Choose an organisation."), "organisation_id")
    email = data.email.strip().lower()
    # The address is where reset links go: whoever may change an administrator's address could take
    # over the account. Only administrators may.
    if member.is_admin and member.email and email != member.email and not may_set_admin:
        raise MemberError(_l("Only an administrator can change an administrator's e-mail."), "email")
    wanted = set(data.working_group_ids)
    groups = (
        list(db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.id.in_(wanted)))) if wanted else []
    )
    member.full_name = data.full_name.strip()
    member.email = email
    member.organisation = organisation
    member.position = data.position or None
    member.gender = data.gender
    member.region = data.region or None
    member.expertise = data.expertise or None
    member.role = data.role
    member.is_coordination_team = data.is_coordination_team
    # Only administrators hand out administration; anyone else leaves the flag as it was.
    if may_set_admin:
        member.is_admin = data.is_admin
    member.joined_on = data.joined_on or clock.today()
    member.language = data.language
    member.timezone = data.timezone
    member.working_groups = groups


def create_member(data: MemberData, *, may_set_admin: bool) -> Member:
    if _email_taken(data.email.strip().lower(), None):
        raise DuplicateEmail()
    member = Member(is_admin=False)
    _apply_member(member, data, may_set_admin=may_set_admin)
    db.session.add(member)
    flush_or_refuse(DuplicateEmail())
    audit.record("created", "member", member.id, member.full_name, _member_state(member))
    db.session.commit()
    return member


def update_member(member: Member, data: MemberData, *, may_set_admin: bool) -> bool:
    """Apply the changes; returns whether anything changed (an unchanged save records nothing)."""
    if _email_taken(data.email.strip().lower(), member.id):
        raise DuplicateEmail()
    before = _member_state(member)
    old_email = member.email
    _apply_member(member, data, may_set_admin=may_set_admin)
    flush_or_refuse(DuplicateEmail())
    changes = audit.diff(before, _member_state(member))
    if changes:
        audit.record("updated", "member", member.id, member.full_name, changes)
    moved = member.email != old_email
    if moved:
        # Links already mailed are void (they are bound to the address), and so is the personal calendar
        # address; the old address hears of it, so that a takeover cannot pass unnoticed.
        end_every_session(member)
        member.feed_token_hash = None
    db.session.commit()
    if moved:
        with suppress(MailDeliveryError):
            tell_old_address(member, old_email)
    return bool(changes)


def deactivate_member(member: Member, *, actor_id: int | None) -> None:
    """The member leaves today: sign-in stops and open sessions end, but the record and its history stay."""
    if member.id == actor_id:
        raise MemberError(_l("You cannot deactivate yourself."))
    if not member.is_current:
        return
    before = audit.snapshot(member, ["left_on"])
    member.left_on = clock.today()
    member.session_token = secrets.token_hex(16)
    changes = audit.diff(before, audit.snapshot(member, ["left_on"]))
    audit.record("deactivated", "member", member.id, member.full_name, changes)
    db.session.commit()


def reactivate_member(member: Member) -> None:
    if member.left_on is None:
        return
    before = audit.snapshot(member, ["left_on"])
    member.left_on = None
    changes = audit.diff(before, audit.snapshot(member, ["left_on"]))
    audit.record("reactivated", "member", member.id, member.full_name, changes)
    db.session.commit()


def invite_member(member: Member) -> None:
    """Mail the member a link to choose a password; people who left get no invitation."""
    if not member.is_current:
        raise MemberError(_l("This member has left the group and cannot be invited."))
    try:
        send_invitation(member)
    except MailDeliveryError as exc:
        raise MemberError(_l("The invitation could not be sent: %(reason)s", reason=str(exc))) from exc


# --- the member's own profile ----------------------------------------------------------------------------


def update_preferences(member: Member, language: Language, timezone: str) -> None:
    before = audit.snapshot(member, PREFERENCE_FIELDS)
    member.language = language
    member.timezone = timezone
    changes = audit.diff(before, audit.snapshot(member, PREFERENCE_FIELDS))
    if changes:
        audit.record("updated", "member", member.id, member.full_name, changes)
    db.session.commit()


def change_password(member: Member, current: str, new: str) -> bool:
    """Set the new password if `current` is right; other sessions end because the session token changes."""
    if member.password_hash is None or not check_password_hash(member.password_hash, current):
        return False
    set_password(member, new)
    audit.record("password_changed", "member", member.id, member.full_name)
    db.session.commit()
    return True


# --- organisations ---------------------------------------------------------------------------------------


def organisations_with_counts(today: date) -> list[tuple[Organisation, int]]:
    """Every organisation with its number of current members, in one query."""
    counts = (
        sa.select(Member.organisation_id, sa.func.count(Member.id).label("members"))
        .where(Member.current_clause(today))
        .group_by(Member.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Organisation, sa.func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.is_active.desc(), sa.func.lower(Organisation.name))
    )
    return [(org, count) for org, count in rows]


def _name_taken(name: str, organisation_id: int | None) -> bool:
    """Compared in Python: SQLite's lower() folds only ASCII, and names like "Università" must clash too."""
    wanted = name.strip().casefold()
    rows = db.session.execute(sa.select(Organisation.id, Organisation.name))
    return any(other.casefold() == wanted and org_id != organisation_id for org_id, other in rows)


def _apply_organisation(org: Organisation, data: OrganisationData) -> None:
    org.name = data.name.strip()
    org.acronym = (data.acronym or "").strip() or None
    org.stakeholder_type = data.stakeholder_type
    org.region = (data.region or "").strip() or None
    org.website = (data.website or "").strip() or None


def create_organisation(data: OrganisationData) -> Organisation:
    if _name_taken(data.name, None):
        raise DuplicateOrganisation()
    org = Organisation(is_active=True)
    _apply_organisation(org, data)
    db.session.add(org)
    flush_or_refuse(DuplicateOrganisation())
    audit.record("created", "organisation", org.id, org.name, audit.snapshot(org, ORGANISATION_FIELDS))
    db.session.commit()
    return org


def update_organisation(org: Organisation, data: OrganisationData) -> bool:
    """Apply the changes; returns whether anything changed (an unchanged save records nothing)."""
    if _name_taken(data.name, org.id):
        raise DuplicateOrganisation()
    before = audit.snapshot(org, ORGANISATION_FIELDS)
    _apply_organisation(org, data)
    flush_or_refuse(DuplicateOrganisation())
    changes = audit.diff(before, audit.snapshot(org, ORGANISATION_FIELDS))
    if changes:
        audit.record("updated", "organisation", org.id, org.name, changes)
    db.session.commit()
    return bool(changes)


def set_organisation_active(org: Organisation, active: bool) -> None:
    """Deactivated organisations keep their members and history but are no longer offered for new members."""
    if org.is_active == active:
        return
    org.is_active = active
    action = "reactivated" if active else "deactivated"
    audit.record(action, "organisation", org.id, org.name, {"is_active": [not active, active]})
    db.session.commit()
