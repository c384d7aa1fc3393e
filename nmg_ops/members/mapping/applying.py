"""Writing a planned import: every valid row, with its audit entries, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from ... import audit
from ...extensions import db
from ...models import Member, Organisation, WorkingGroup
from .plan import ImportCounts, ImportPlan, NewOrganisation, NewWorkingGroup, Outcome, PlannedRow


def _write_member(
    row: PlannedRow, organisation: Organisation, groups: list[WorkingGroup]
) -> tuple[Member, bool]:
    """Create or update the row's member; True when it is new."""
    if row.member is None:
        member = Member(
            email=row.email,
            full_name=row.full_name,
            role=row.role,
            organisation=organisation,
            position=row.position,
            gender=row.gender,
            region=row.region,
            working_groups=groups,
        )
        db.session.add(member)
        return member, True
    member = row.member
    member.full_name, member.role, member.organisation = row.full_name, row.role, organisation
    member.position, member.gender, member.region = row.position, row.gender, row.region
    # Assigning an equal collection would still delete and re-insert every link row.
    if "working_groups" in row.changes:
        member.working_groups = groups
    return member, False


def apply_import(plan: ImportPlan, progress: Callable[[], None] | None = None) -> ImportCounts:
    """Write the plan's valid rows in one transaction with their audit entries: all of them or nothing."""
    try:
        organisations = {
            new: Organisation(name=new.name, stakeholder_type=new.stakeholder_type)
            for new in plan.new_organisations
        }
        groups = {new: WorkingGroup(code=new.code, name=new.code) for new in plan.new_working_groups}
        db.session.add_all([*organisations.values(), *groups.values()])
        db.session.flush()
        for org in organisations.values():
            changes = {"name": [None, org.name], "stakeholder_type": [None, org.stakeholder_type.value]}
            audit.record("created", "organisation", org.id, org.name, changes)
        for group in groups.values():
            audit.record("created", "working_group", group.id, group.code, {"code": [None, group.code]})

        written: list[tuple[PlannedRow, Member, bool]] = []
        for row in plan.rows:
            if row.outcome is not Outcome.UNCHANGED:
                organisation = (
                    organisations[row.organisation]
                    if isinstance(row.organisation, NewOrganisation)
                    else row.organisation
                )
                member_groups = [
                    groups[group] if isinstance(group, NewWorkingGroup) else group
                    for group in row.working_groups
                ]
                written.append((row, *_write_member(row, organisation, member_groups)))
            if progress is not None:
                progress()
        db.session.flush()
        for row, member, is_new in written:
            if is_new:
                changes = audit.diff({}, {"email": row.email, **row.snapshot()})
                audit.record("created", "member", member.id, member.full_name, changes)
            else:
                audit.record("updated", "member", member.id, member.full_name, row.changes)
        db.session.commit()
    except BaseException:
        # Including an interrupted command: a half-imported file is worse than none.
        db.session.rollback()
        raise
    return plan.counts
