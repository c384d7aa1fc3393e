"""The models, split by domain; importing this package registers every table on the metadata."""

from .audit import AuditEntry
from .governance import CoordinatorTerm
from .people import Member, Organisation, WorkingGroup, member_working_group
from .security import SignInAttempt
from .vocab import Gender, Language, MemberRole, StakeholderType

__all__ = [
    "AuditEntry",
    "CoordinatorTerm",
    "Gender",
    "Language",
    "Member",
    "MemberRole",
    "Organisation",
    "SignInAttempt",
    "StakeholderType",
    "WorkingGroup",
    "member_working_group",
]
