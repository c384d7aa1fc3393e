"""The models, split by domain; importing this package registers every table on the metadata."""

from .audit import AuditEntry
from .governance import CoordinatorTerm
from .meetings import (
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Rsvp,
)
from .outbox import DeliveryStatus, OutboundMessage, SchedulerLease
from .people import Member, Organisation, WorkingGroup, member_working_group
from .security import SignInAttempt
from .vocab import Gender, Language, MemberRole, StakeholderType

__all__ = [
    "AgendaItem",
    "Attendance",
    "AuditEntry",
    "CoordinatorTerm",
    "DeliveryStatus",
    "Gender",
    "Invitation",
    "Language",
    "Meeting",
    "MeetingMode",
    "MeetingStatus",
    "MeetingType",
    "Member",
    "MemberRole",
    "Organisation",
    "OutboundMessage",
    "Rsvp",
    "SchedulerLease",
    "SignInAttempt",
    "StakeholderType",
    "WorkingGroup",
    "member_working_group",
]
