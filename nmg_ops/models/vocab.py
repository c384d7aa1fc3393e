"""The fixed vocabularies of an NMG: B1MG stakeholder types, gender, member roles, languages, and what
the audit trail records."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class StakeholderType(StrEnum):
    MINISTRY = "ministry"
    RESEARCH = "research"
    CLINICAL = "clinical"
    IT_DATA = "it_data"
    SCIENTIFIC = "scientific"
    POLICY_ADVISORY = "policy_advisory"
    INDUSTRY = "industry"
    ELSI = "elsi"
    FUNDING = "funding"
    PATIENT = "patient"

    @property
    def b1mg_name(self) -> str:
        """The name the B1MG expert mapping file uses, which imports and exports keep in English."""
        return B1MG_STAKEHOLDER_NAMES[self]

    @property
    def label(self) -> str:
        return str(_STAKEHOLDER_LABELS[self])


B1MG_STAKEHOLDER_NAMES = {
    StakeholderType.MINISTRY: "Ministry/Agency/Executive/Policy Maker",
    StakeholderType.RESEARCH: "Research/University",
    StakeholderType.CLINICAL: "Clinical communities",
    StakeholderType.IT_DATA: "IT/Data communities",
    StakeholderType.SCIENTIFIC: "Scientific communities",
    StakeholderType.POLICY_ADVISORY: "Policy advisory groups",
    StakeholderType.INDUSTRY: "Industry/Private sector",
    StakeholderType.ELSI: "ELSI",
    StakeholderType.FUNDING: "Funding Agencies",
    StakeholderType.PATIENT: "Patient organisations",
}

_STAKEHOLDER_LABELS = {
    StakeholderType.MINISTRY: _l("Ministry/Agency/Executive/Policy Maker"),
    StakeholderType.RESEARCH: _l("Research/University"),
    StakeholderType.CLINICAL: _l("Clinical communities"),
    StakeholderType.IT_DATA: _l("IT/Data communities"),
    StakeholderType.SCIENTIFIC: _l("Scientific communities"),
    StakeholderType.POLICY_ADVISORY: _l("Policy advisory groups"),
    StakeholderType.INDUSTRY: _l("Industry/Private sector"),
    StakeholderType.ELSI: _l("ELSI (ethical, legal and social issues)"),
    StakeholderType.FUNDING: _l("Funding agencies"),
    StakeholderType.PATIENT: _l("Patient organisations"),
}


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    UNDISCLOSED = "undisclosed"

    @property
    def label(self) -> str:
        return str(_GENDER_LABELS[self])


_GENDER_LABELS = {
    Gender.FEMALE: _l("Female"),
    Gender.MALE: _l("Male"),
    Gender.NON_BINARY: _l("Non-binary"),
    Gender.UNDISCLOSED: _l("Prefer not to say"),
}


class PublicCapacity(StrEnum):
    """In which capacity a member of the public answers a consultation open to the public."""

    CITIZEN = "citizen"
    PATIENT_CARER = "patient_carer"
    HEALTH_PROFESSIONAL = "health_professional"
    RESEARCHER = "researcher"
    INDUSTRY = "industry"
    PUBLIC_BODY = "public_body"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(_CAPACITY_LABELS[self])


_CAPACITY_LABELS = {
    PublicCapacity.CITIZEN: _l("Citizen"),
    PublicCapacity.PATIENT_CARER: _l("Patient or carer"),
    PublicCapacity.HEALTH_PROFESSIONAL: _l("Health professional"),
    PublicCapacity.RESEARCHER: _l("Researcher"),
    PublicCapacity.INDUSTRY: _l("Industry"),
    PublicCapacity.PUBLIC_BODY: _l("Public body"),
    PublicCapacity.OTHER: _l("Other"),
}

#: the Italian regions and autonomous provinces' region, as people write them
ITALIAN_REGIONS = (
    "Abruzzo",
    "Basilicata",
    "Calabria",
    "Campania",
    "Emilia-Romagna",
    "Friuli-Venezia Giulia",
    "Lazio",
    "Liguria",
    "Lombardia",
    "Marche",
    "Molise",
    "Piemonte",
    "Puglia",
    "Sardegna",
    "Sicilia",
    "Toscana",
    "Trentino-Alto Adige",
    "Umbria",
    "Valle d'Aosta",
    "Veneto",
)


class MemberRole(StrEnum):
    """What a member is in the group; coordinator rights come from the coordinator term, not from here."""

    EXPERT = "expert"
    NATIONAL_CONTACT_POINT = "national_contact_point"
    SCIENTIFIC_COORDINATOR = "scientific_coordinator"
    OBSERVER = "observer"
    SECRETARIAT = "secretariat"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {
    MemberRole.EXPERT: _l("Expert"),
    MemberRole.NATIONAL_CONTACT_POINT: _l("National contact point"),
    MemberRole.SCIENTIFIC_COORDINATOR: _l("Scientific coordinator"),
    MemberRole.OBSERVER: _l("Observer"),
    MemberRole.SECRETARIAT: _l("Secretariat"),
}


class Language(StrEnum):
    IT = "it"
    EN = "en"

    @property
    def label(self) -> str:
        return {Language.IT: "Italiano", Language.EN: "English"}[self]


class AuditAction(StrEnum):
    """What happened to a subject of the audit trail; `audit.record` takes nothing else."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    ENDED = "ended"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    INVITED = "invited"
    IMPORTED = "imported"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    CORRECTED = "corrected"
    PASSWORD_CHANGED = "password_changed"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    CIRCULATED = "circulated"
    APPROVED = "approved"
    RESTORED = "restored"
    ERRATUM = "erratum"
    UPLOADED = "uploaded"
    SCHEDULED = "scheduled"
    UNSCHEDULED = "unscheduled"
    SENDING_STARTED = "sending_started"
    WRITTEN_PROCEDURE = "written_procedure"
    OBJECTED = "objected"
    ERASED = "erased"
    PROPOSED = "proposed"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        return str(_AUDIT_ACTION_LABELS[self])


_AUDIT_ACTION_LABELS = {
    AuditAction.CREATED: _l("Created"),
    AuditAction.UPDATED: _l("Updated"),
    AuditAction.DELETED: _l("Deleted"),
    AuditAction.ENDED: _l("Ended"),
    AuditAction.DEACTIVATED: _l("Deactivated"),
    AuditAction.REACTIVATED: _l("Reactivated"),
    AuditAction.INVITED: _l("Invitation sent"),
    AuditAction.IMPORTED: _l("Imported"),
    AuditAction.CONFIRMED: _l("Confirmed"),
    AuditAction.CANCELLED: _l("Cancelled"),
    AuditAction.CORRECTED: _l("Corrected"),
    AuditAction.PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.SIGNED_OUT_EVERYWHERE: _l("Signed out everywhere"),
    AuditAction.CIRCULATED: _l("Circulated"),
    AuditAction.APPROVED: _l("Approved"),
    AuditAction.RESTORED: _l("Restored"),
    AuditAction.ERRATUM: _l("Erratum"),
    AuditAction.UPLOADED: _l("Version uploaded"),
    AuditAction.SCHEDULED: _l("Scheduled"),
    AuditAction.UNSCHEDULED: _l("Unscheduled"),
    AuditAction.SENDING_STARTED: _l("Sending started"),
    AuditAction.WRITTEN_PROCEDURE: _l("Written procedure started"),
    AuditAction.OBJECTED: _l("Objection in written procedure"),
    AuditAction.ERASED: _l("Erased on request"),
    AuditAction.PROPOSED: _l("Proposed"),
    AuditAction.PUBLISHED: _l("Published"),
    AuditAction.UNPUBLISHED: _l("Unpublished"),
}


class AuditSubject(StrEnum):
    """The kinds of thing the audit trail records changes to."""

    MEMBER = "member"
    ORGANISATION = "organisation"
    WORKING_GROUP = "working_group"
    COORDINATOR_TERM = "coordinator_term"
    MEETING = "meeting"
    AGENDA_ITEM = "agenda_item"
    MEETING_TYPE = "meeting_type"
    MINUTES = "minutes"
    DECISION = "decision"
    ACTION_ITEM = "action_item"
    DOCUMENT = "document"
    SELF_ASSESSMENT_ANSWER = "self_assessment_answer"
    PUBLISHED_SELF_ASSESSMENT = "published_self_assessment"
    NEWS_ISSUE = "news_issue"
    CONSULTATION = "consultation"

    @property
    def label(self) -> str:
        return str(_AUDIT_SUBJECT_LABELS[self])


_AUDIT_SUBJECT_LABELS = {
    AuditSubject.MEMBER: _l("Member"),
    AuditSubject.ORGANISATION: _l("Organisation"),
    AuditSubject.WORKING_GROUP: _l("Working group"),
    AuditSubject.COORDINATOR_TERM: _l("Coordinator term"),
    AuditSubject.MEETING: _l("Meeting"),
    AuditSubject.AGENDA_ITEM: _l("Agenda item"),
    AuditSubject.MEETING_TYPE: _l("Meeting type"),
    AuditSubject.MINUTES: _l("Minutes"),
    AuditSubject.DECISION: _l("Decision"),
    AuditSubject.ACTION_ITEM: _l("Action"),
    AuditSubject.DOCUMENT: _l("Document"),
    AuditSubject.SELF_ASSESSMENT_ANSWER: _l("Self-assessment answer"),
    AuditSubject.PUBLISHED_SELF_ASSESSMENT: _l("Published self-assessment"),
    AuditSubject.NEWS_ISSUE: _l("E-news issue"),
    AuditSubject.CONSULTATION: _l("Consultation"),
}
