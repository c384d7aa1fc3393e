"""The models, split by domain; importing this package registers every table on the metadata."""

from .audit import AuditEntry
from .calendar import CalendarReply, ReplyOutcome
from .consultations import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from .governance import CoordinatorTerm
from .meetings import (
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    MinutesApproval,
    Rsvp,
)
from .minutes import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    Decision,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesStatus,
    RevisionKind,
    action_owner,
)
from .outbox import Announcement, DeliveryStatus, OutboundMessage, SchedulerLease
from .people import Member, Organisation, WorkingGroup, member_working_group
from .security import PasswordResetRequest, SignInAttempt, SignInSession
from .vocab import AuditAction, AuditSubject, Gender, Language, MemberRole, StakeholderType

__all__ = [
    "ActionEvent",
    "ActionEventKind",
    "ActionItem",
    "ActionStatus",
    "AgendaItem",
    "Announcement",
    "Attendance",
    "AuditAction",
    "AuditEntry",
    "AuditSubject",
    "CalendarReply",
    "CoordinatorTerm",
    "Decision",
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
    "Minutes",
    "MinutesApproval",
    "MinutesComment",
    "MinutesRevision",
    "MinutesStatus",
    "Organisation",
    "OutboundMessage",
    "PasswordResetRequest",
    "QuestionKind",
    "ReplyOutcome",
    "RevisionKind",
    "Rsvp",
    "SchedulerLease",
    "SignInAttempt",
    "SignInSession",
    "StakeholderType",
    "Survey",
    "SurveyAnswer",
    "SurveyAudience",
    "SurveyParticipation",
    "SurveyQuestion",
    "SurveyResponse",
    "WorkingGroup",
    "action_owner",
    "member_working_group",
]
