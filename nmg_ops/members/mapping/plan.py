"""What importing a mapping file would do: the valid rows, the records to create, and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ...models import Gender, Member, MemberRole, Organisation, StakeholderType, WorkingGroup


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(eq=False)
class NewOrganisation:
    """An institution the file names that is not registered yet; created when a valid row needs it."""

    name: str
    stakeholder_type: StakeholderType
    #: the line that first named it, which decides its stakeholder type
    line: int


@dataclass(eq=False)
class NewWorkingGroup:
    """A working group the file names that is not registered yet; its code and name are the text given."""

    code: str


@dataclass
class PlannedRow:
    """A valid row and what importing it would do to the member it names."""

    line: int
    email: str
    full_name: str
    role: MemberRole
    organisation: Organisation | NewOrganisation
    position: str | None
    gender: Gender | None
    region: str | None
    working_groups: list[WorkingGroup | NewWorkingGroup]
    #: the existing member with this e-mail, None for a new one
    member: Member | None
    #: field -> [old, new], in the audit trail's terms
    changes: dict[str, list[Any]]

    @property
    def outcome(self) -> Outcome:
        if self.member is None:
            return Outcome.NEW
        return Outcome.UPDATED if self.changes else Outcome.UNCHANGED

    def snapshot(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name,
            "role": self.role.value,
            "organisation": self.organisation.name,
            "position": self.position,
            "gender": self.gender.value if self.gender else None,
            "region": self.region,
            "working_groups": sorted(group.code for group in self.working_groups),
        }


@dataclass(frozen=True)
class ImportCounts:
    new: int
    updated: int
    unchanged: int
    organisations: int
    working_groups: int


@dataclass
class ImportPlan:
    """What importing a file would do: the valid rows, the records to create, and what is wrong."""

    rows: list[PlannedRow] = field(default_factory=list)
    new_organisations: list[NewOrganisation] = field(default_factory=list)
    new_working_groups: list[NewWorkingGroup] = field(default_factory=list)
    #: (line, message), in file order; a row may have several
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: (line, message) for what is imported but deserves a look
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def counts(self) -> ImportCounts:
        outcomes = [row.outcome for row in self.rows]
        return ImportCounts(
            new=outcomes.count(Outcome.NEW),
            updated=outcomes.count(Outcome.UPDATED),
            unchanged=outcomes.count(Outcome.UNCHANGED),
            organisations=len(self.new_organisations),
            working_groups=len(self.new_working_groups),
        )

    @property
    def invalid_row_count(self) -> int:
        return len({line for line, _message in self.errors})

    @property
    def changes_anything(self) -> bool:
        counts = self.counts
        return bool(counts.new or counts.updated or counts.organisations or counts.working_groups)
