"""Everything the group holds about one member (GDPR Art. 15 and 20), gathered once for the JSON file and
the printable page alike.

Anonymous consultation answers are left out because nothing links them to anyone (that is their design);
only the fact that the member took part is theirs. Audit entries are those about the member, not those
the member made about others, whose data is not the member's to receive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..models import (
    ActionItem,
    ApiToken,
    AuditEntry,
    AuditSubject,
    CoordinatorTerm,
    Invitation,
    Meeting,
    Member,
    Minutes,
    MinutesComment,
    NewsConsent,
    NewsSubscriber,
    OutboundMessage,
    ProcedureAnswer,
    SignInAttempt,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    WrittenProcedure,
)
from ..models.minutes import action_owner


@dataclass(frozen=True)
class Category:
    """One kind of data: its key in the JSON file, its heading on the page, its columns and rows."""

    key: str
    title: LazyString
    #: (key in each row, heading of the column)
    columns: tuple[tuple[str, LazyString], ...]
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class MemberData:
    member: Member
    made_at: datetime
    categories: list[Category]


def _profile(member: Member) -> list[dict[str, Any]]:
    return [
        {
            "full_name": member.full_name,
            "email": member.email,
            "organisation": member.organisation.display_name,
            "stakeholder_type": member.organisation.stakeholder_type,
            "position": member.position,
            "gender": member.gender,
            "region": member.region,
            "expertise": member.expertise,
            "role": member.role,
            "coordination_team": member.is_coordination_team,
            "joined_on": member.joined_on,
            "left_on": member.left_on,
            "language": member.language,
            "timezone": member.timezone,
            "members_news": not member.news_opt_out,
            "invited_at": member.invited_at,
            "last_sign_in_at": member.last_sign_in_at,
            "created_at": member.created_at,
        }
    ]


def _terms(member: Member) -> list[dict[str, Any]]:
    terms = db.session.scalars(
        sa.select(CoordinatorTerm)
        .where(CoordinatorTerm.member_id == member.id)
        .order_by(CoordinatorTerm.starts_on)
    )
    return [
        {
            "starts_on": t.starts_on,
            "ends_on": t.ends_on,
            "confirmed": t.is_confirmed,
            "note": t.confirmation_note,
        }
        for t in terms
    ]


def _answers(member: Member) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Survey.title, SurveyQuestion.text, SurveyAnswer.value)
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyResponse.member_id == member.id)
        .order_by(Survey.created_at, SurveyQuestion.position)
    )
    return [{"consultation": title, "question": text, "answer": value} for title, text, value in rows]


def _participations(member: Member) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Survey.title, Survey.is_anonymous)
        .join(SurveyParticipation, SurveyParticipation.survey_id == Survey.id)
        .where(SurveyParticipation.member_id == member.id)
        .order_by(Survey.created_at)
    )
    return [{"consultation": title, "anonymous": anonymous} for title, anonymous in rows]


def _invitations(member: Member) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Meeting.title, Meeting.starts_at, Invitation)
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Invitation.member_id == member.id)
        .order_by(Meeting.starts_at)
    )
    return [
        {
            "meeting": title,
            "starts_at": starts_at,
            "invited_at": invitation.invited_at,
            "answer": invitation.rsvp,
            "answered_at": invitation.rsvp_at,
            "attendance": invitation.attendance,
        }
        for title, starts_at, invitation in rows
    ]


def _actions(member: Member) -> list[dict[str, Any]]:
    actions = db.session.scalars(
        sa.select(ActionItem)
        .join(action_owner, action_owner.c.action_id == ActionItem.id)
        .where(action_owner.c.member_id == member.id)
        .order_by(ActionItem.created_at)
    )
    return [
        {
            "action": a.title,
            "status": a.status,
            "due_on": a.due_on,
            "notes": a.notes,
            "created_at": a.created_at,
        }
        for a in actions
    ]


def _comments(member: Member) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Meeting.title, MinutesComment)
        .join(Minutes, Minutes.id == MinutesComment.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(MinutesComment.author_id == member.id)
        .order_by(MinutesComment.created_at)
    )
    return [
        {"meeting": title, "comment": c.body, "written_at": c.created_at, "resolved_at": c.resolved_at}
        for title, c in rows
    ]


def _procedure_answers(member: Member) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Meeting.title, ProcedureAnswer)
        .join(WrittenProcedure, WrittenProcedure.id == ProcedureAnswer.procedure_id)
        .join(Minutes, Minutes.id == WrittenProcedure.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(ProcedureAnswer.member_id == member.id, ProcedureAnswer.answered_at.is_not(None))
        .order_by(ProcedureAnswer.answered_at)
    )
    return [
        {"meeting": title, "objection": a.is_objection, "reason": a.reason, "answered_at": a.answered_at}
        for title, a in rows
    ]


def _subscriptions(member: Member) -> list[dict[str, Any]]:
    subscribers = db.session.scalars(sa.select(NewsSubscriber).where(NewsSubscriber.email == member.email))
    return [
        {
            "email": s.email,
            "name": s.name,
            "status": s.status,
            "confirmed_at": s.confirmed_at,
            "unsubscribed_at": s.unsubscribed_at,
            "created_at": s.created_at,
        }
        for s in subscribers
    ]


def _consents(member: Member) -> list[dict[str, Any]]:
    consents = db.session.scalars(
        sa.select(NewsConsent).where(NewsConsent.email == member.email).order_by(NewsConsent.at)
    )
    return [
        {"at": c.at, "edition": c.edition, "event": c.event, "wording": c.wording, "source": c.source}
        for c in consents
    ]


def _sign_ins(member: Member) -> list[dict[str, Any]]:
    attempts = db.session.scalars(
        sa.select(SignInAttempt).where(SignInAttempt.email == member.email).order_by(SignInAttempt.at)
    )
    return [{"at": a.at, "success": a.is_success, "network_address": a.remote_addr} for a in attempts]


def _api_tokens(member: Member) -> list[dict[str, Any]]:
    query = sa.select(ApiToken).where(ApiToken.member_id == member.id).order_by(ApiToken.created_at)
    fields = ("name", "created_at", "last_used_at", "revoked_at")
    return [{field: getattr(token, field) for field in fields} for token in db.session.scalars(query)]


def _mails(member: Member) -> list[dict[str, Any]]:
    messages = db.session.scalars(
        sa.select(OutboundMessage)
        .where(OutboundMessage.recipient == member.email)
        .order_by(OutboundMessage.created_at)
    )
    return [{"subject": m.subject, "status": m.status, "sent_at": m.sent_at} for m in messages]


def _audit(member: Member) -> list[dict[str, Any]]:
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == AuditSubject.MEMBER, AuditEntry.subject_id == member.id)
        .order_by(AuditEntry.at)
    )
    return [
        {
            "at": e.at,
            "action": e.action_name,
            "by": e.actor.full_name if e.actor else "",
            "changes": json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
        }
        for e in entries
    ]


def gather(member: Member) -> MemberData:
    """All the member's data, category by category, in a fixed order."""
    c = Category
    categories = [
        c(
            "profile",
            _l("Profile"),
            (
                ("full_name", _l("Name")),
                ("email", _l("E-mail")),
                ("organisation", _l("Organisation")),
                ("stakeholder_type", _l("Stakeholder type")),
                ("position", _l("Position")),
                ("gender", _l("Gender")),
                ("region", _l("Region")),
                ("expertise", _l("Expertise")),
                ("role", _l("Role in the group")),
                ("coordination_team", _l("Coordination team")),
                ("joined_on", _l("Joined on")),
                ("left_on", _l("Left on")),
                ("language", _l("Language")),
                ("timezone", _l("Time zone")),
                ("members_news", _l("Members' e-news")),
                ("invited_at", _l("Invited")),
                ("last_sign_in_at", _l("Last sign-in")),
                ("created_at", _l("Recorded")),
            ),
            _profile(member),
        ),
        c(
            "working_groups",
            _l("Working groups"),
            (("code", _l("Code")), ("name", _l("Name"))),
            [{"code": g.code, "name": g.name} for g in member.working_groups],
        ),
        c(
            "coordinator_terms",
            _l("Coordinator terms"),
            (
                ("starts_on", _l("From")),
                ("ends_on", _l("Until")),
                ("confirmed", _l("Confirmed")),
                ("note", _l("Note")),
            ),
            _terms(member),
        ),
        c(
            "consultation_answers",
            _l("Consultation answers (named consultations)"),
            (("consultation", _l("Consultation")), ("question", _l("Question")), ("answer", _l("Answer"))),
            _answers(member),
        ),
        c(
            "consultations_answered",
            _l("Consultations answered"),
            (("consultation", _l("Consultation")), ("anonymous", _l("Anonymous"))),
            _participations(member),
        ),
        c(
            "meetings",
            _l("Invitations, answers and attendance"),
            (
                ("meeting", _l("Meeting")),
                ("starts_at", _l("Starts")),
                ("invited_at", _l("Invited")),
                ("answer", _l("Answer")),
                ("answered_at", _l("Answered")),
                ("attendance", _l("Attendance")),
            ),
            _invitations(member),
        ),
        c(
            "actions",
            _l("Actions owned"),
            (
                ("action", _l("Action")),
                ("status", _l("Status")),
                ("due_on", _l("Due")),
                ("notes", _l("Notes")),
                ("created_at", _l("Recorded")),
            ),
            _actions(member),
        ),
        c(
            "minutes_comments",
            _l("Comments on minutes"),
            (
                ("meeting", _l("Meeting")),
                ("comment", _l("Comment")),
                ("written_at", _l("Written")),
                ("resolved_at", _l("Resolved")),
            ),
            _comments(member),
        ),
        c(
            "written_procedure_answers",
            _l("Answers to approvals by written procedure"),
            (
                ("meeting", _l("Meeting")),
                ("objection", _l("Objection")),
                ("reason", _l("Reason")),
                ("answered_at", _l("Answered")),
            ),
            _procedure_answers(member),
        ),
        c(
            "news_subscriptions",
            _l("E-news subscriptions"),
            (
                ("email", _l("E-mail")),
                ("name", _l("Name")),
                ("status", _l("Status")),
                ("confirmed_at", _l("Confirmed")),
                ("unsubscribed_at", _l("Unsubscribed")),
                ("created_at", _l("Recorded")),
            ),
            _subscriptions(member),
        ),
        c(
            "news_consents",
            _l("E-news consent records"),
            (
                ("at", _l("When")),
                ("edition", _l("Edition")),
                ("event", _l("Event")),
                ("wording", _l("Wording shown")),
                ("source", _l("Where")),
            ),
            _consents(member),
        ),
        c(
            "sign_ins",
            _l("Sign-in records"),
            (("at", _l("When")), ("success", _l("Succeeded")), ("network_address", _l("Network address"))),
            _sign_ins(member),
        ),
        c(
            "api_tokens",
            _l("API tokens"),
            (
                ("name", _l("Name")),
                ("created_at", _l("Created")),
                ("last_used_at", _l("Last used")),
                ("revoked_at", _l("Revoked")),
            ),
            _api_tokens(member),
        ),
        c(
            "mails",
            _l("Mails sent to you"),
            (("subject", _l("Subject")), ("status", _l("Status")), ("sent_at", _l("Sent"))),
            _mails(member),
        ),
        c(
            "audit_entries",
            _l("Audit entries about you"),
            (("at", _l("When")), ("action", _l("Action")), ("by", _l("By")), ("changes", _l("Changes"))),
            _audit(member),
        ),
    ]
    return MemberData(member, clock.now(), categories)


def plain(value: Any) -> Any:
    """A value as the JSON file writes it: codes for choices, ISO dates, instants in the group's zone."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return clock.local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_json(data: MemberData) -> str:
    document = {
        "member_id": data.member.id,
        "made_at": plain(data.made_at),
        **{c.key: [{k: plain(v) for k, v in row.items()} for row in c.rows] for c in data.categories},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
