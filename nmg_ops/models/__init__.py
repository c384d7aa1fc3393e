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
from .outbox import Announcement, DeliveryStatus, OutboundMessage, SchedulerLease
from .people import Member, Organisation, WorkingGroup, member_working_group
from .security import PasswordResetRequest, SignInAttempt, SignInSession
from .vocab import AuditAction, AuditSubject, Gender, Language, MemberRole, StakeholderType

__all__ = [
    "AgendaItem",
    "Announcement",
    "Attendance",
    "AuditAction",
    "AuditEntry",
    "AuditSubject",
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
    "PasswordResetRequest",
    "Rsvp",
    "SchedulerLease",
    "SignInAttempt",
    "SignInSession",
    "StakeholderType",
    "WorkingGroup",
    "member_working_group",
]
