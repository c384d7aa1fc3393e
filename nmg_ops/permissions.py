"""Who may do what: the one place that turns governance (terms, flags) into rights."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from . import clock
from .extensions import db, login_manager
from .models import CoordinatorTerm, Member


class Role(StrEnum):
    PUBLIC = "public"
    MEMBER = "member"
    COORDINATION_TEAM = "coordination_team"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Right(StrEnum):
    VIEW_DIRECTORY = "view_directory"
    VIEW_COMPOSITION = "view_composition"
    VIEW_SELF_ASSESSMENT = "view_self_assessment"
    VIEW_ANNUAL_REPORT = "view_annual_report"
    VIEW_PARTNERSHIP = "view_partnership"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_GOVERNANCE = "manage_governance"
    CONFIRM_COORDINATOR = "confirm_coordinator"
    VIEW_AUDIT = "view_audit"
    VIEW_MEETINGS = "view_meetings"
    VIEW_ALL_MEETINGS = "view_all_meetings"
    MANAGE_MEETINGS = "manage_meetings"
    EDIT_AGENDA = "edit_agenda"
    RECORD_ATTENDANCE = "record_attendance"
    VIEW_CADENCE = "view_cadence"
    VIEW_DELIVERIES = "view_deliveries"
    VIEW_RECORDS = "view_records"
    WRITE_MINUTES = "write_minutes"
    APPROVE_MINUTES = "approve_minutes"
    MANAGE_ACTIONS = "manage_actions"
    VIEW_HANDOVER = "view_handover"
    ANSWER_CONSULTATIONS = "answer_consultations"
    MANAGE_CONSULTATIONS = "manage_consultations"
    VIEW_CONSULTATION_RESULTS = "view_consultation_results"
    MANAGE_NEWS = "manage_news"
    APPROVE_NEWS = "approve_news"
    VIEW_DOCUMENTS = "view_documents"
    MANAGE_DOCUMENTS = "manage_documents"
    APPROVE_DOCUMENTS = "approve_documents"
    EXPORT_MEMBER_DATA = "export_member_data"
    VIEW_RETENTION = "view_retention"
    ERASE_MEMBER_DATA = "erase_member_data"


_SIGNED_IN = frozenset({Role.MEMBER, Role.COORDINATION_TEAM, Role.COORDINATOR, Role.ADMIN})
_LEADERSHIP = frozenset({Role.COORDINATOR, Role.ADMIN})
_TEAM_AND_LEADERSHIP = frozenset({Role.COORDINATION_TEAM, Role.COORDINATOR, Role.ADMIN})

GRANTS: dict[Right, frozenset[Role]] = {
    Right.VIEW_DIRECTORY: _SIGNED_IN,
    Right.VIEW_COMPOSITION: _SIGNED_IN,
    # Every member sees how the NMG measures up; the coordinator answers what the data cannot tell.
    Right.VIEW_SELF_ASSESSMENT: _SIGNED_IN,
    # The partnership's NMGs side by side, where the setting turns the view on: what they publish anyway.
    Right.VIEW_PARTNERSHIP: _SIGNED_IN,
    # The annual report before it is published: the team and the leaders read and download it; the
    # coordinator publishes it as a document version (MANAGE_GOVERNANCE), which then reads as documents do.
    Right.VIEW_ANNUAL_REPORT: _TEAM_AND_LEADERSHIP,
    Right.MANAGE_MEMBERS: _LEADERSHIP,
    Right.MANAGE_GOVERNANCE: _LEADERSHIP,
    # The next coordinator term is confirmed by the team, not by the coordinator alone (governance.rotation
    # refuses a confirmation of one's own term without a decision of approved minutes).
    Right.CONFIRM_COORDINATOR: _TEAM_AND_LEADERSHIP,
    Right.VIEW_AUDIT: _TEAM_AND_LEADERSHIP,
    Right.VIEW_MEETINGS: _SIGNED_IN,
    Right.VIEW_ALL_MEETINGS: _TEAM_AND_LEADERSHIP,
    Right.MANAGE_MEETINGS: _LEADERSHIP,
    Right.EDIT_AGENDA: _TEAM_AND_LEADERSHIP,
    Right.RECORD_ATTENDANCE: _TEAM_AND_LEADERSHIP,
    Right.VIEW_CADENCE: _TEAM_AND_LEADERSHIP,
    Right.VIEW_DELIVERIES: _LEADERSHIP,
    # Decisions, my actions and the search over the record; each list then shows what the minutes'
    # rule (minutes.access) lets the reader see.
    Right.VIEW_RECORDS: _SIGNED_IN,
    Right.WRITE_MINUTES: _TEAM_AND_LEADERSHIP,
    Right.APPROVE_MINUTES: _LEADERSHIP,
    Right.MANAGE_ACTIONS: _TEAM_AND_LEADERSHIP,
    # The coordinator's handover page: the outgoing and incoming coordinators, and the team beside them.
    Right.VIEW_HANDOVER: _TEAM_AND_LEADERSHIP,
    # Members answer the surveys addressed to them; results are aggregates, for the team and the leaders
    # (nobody reads another member's named answers on a page).
    Right.ANSWER_CONSULTATIONS: _SIGNED_IN,
    Right.MANAGE_CONSULTATIONS: _LEADERSHIP,
    Right.VIEW_CONSULTATION_RESULTS: _TEAM_AND_LEADERSHIP,
    # The e-news: the team composes and sends it and manages its subscribers; the coordinator approves
    # an issue where the NMG asks for that (NEWS_APPROVAL_REQUIRED). Nobody else.
    Right.MANAGE_NEWS: _TEAM_AND_LEADERSHIP,
    Right.APPROVE_NEWS: _LEADERSHIP,
    # The documents' pages are open to anyone: documents.library.readable_versions decides what each
    # reader sees (public documents signed out, members' documents signed in, drafts for the team).
    Right.VIEW_DOCUMENTS: _SIGNED_IN,
    Right.MANAGE_DOCUMENTS: _TEAM_AND_LEADERSHIP,
    Right.APPROVE_DOCUMENTS: _LEADERSHIP,
    # A member downloads their own data from the profile; any member's, for a request received by mail,
    # only the coordinator (and the administrator).
    Right.EXPORT_MEMBER_DATA: _LEADERSHIP,
    # How long each kind of personal data is kept: the operations page of those who run the installation.
    Right.VIEW_RETENTION: _LEADERSHIP,
    # Erasure on a former member's request: the coordinator, who answers such requests.
    Right.ERASE_MEMBER_DATA: _LEADERSHIP,
}


def term_on(day: date) -> CoordinatorTerm | None:
    """The confirmed term that covers `day`: a term only proposed gives nobody any right."""
    return db.session.scalar(
        sa.select(CoordinatorTerm).where(CoordinatorTerm.covering(day), CoordinatorTerm.is_confirmed)
    )


def current_coordinator_id() -> int | None:
    """The id of today's coordinator, looked up once per request."""
    if "nmg_coordinator_id" not in g:
        term = term_on(clock.today())
        g.nmg_coordinator_id = term.member_id if term else None
    return g.nmg_coordinator_id


def roles_of(member: Member | None) -> frozenset[Role]:
    """The member's roles today; the coordinator role follows the current coordinator term."""
    if member is None or not member.is_authenticated or not member.is_active:
        return frozenset({Role.PUBLIC})
    roles = {Role.MEMBER}
    if member.is_coordination_team:
        roles.add(Role.COORDINATION_TEAM)
    if member.is_admin:
        roles.add(Role.ADMIN)
    if current_coordinator_id() == member.id:
        roles.add(Role.COORDINATOR)
    return frozenset(roles)


def current_roles() -> frozenset[Role]:
    if "nmg_roles" not in g:
        g.nmg_roles = roles_of(current_user if current_user.is_authenticated else None)
    return g.nmg_roles


def can(right: Right, member: Member | None = None) -> bool:
    roles = current_roles() if member is None else roles_of(member)
    return bool(roles & GRANTS[right])


F = TypeVar("F", bound=Callable[..., Any])


def require(right: Right) -> Callable[[F], F]:
    """Send anonymous visitors to sign in and refuse signed-in members who lack the right."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(right):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_right = right  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
