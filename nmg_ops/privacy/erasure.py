"""A person's data erased where the group no longer needs it, and a pseudonym where the record must stay.

A former member's contact data goes by itself after RETENTION_FORMER_MEMBER_DAYS (`retention`); on a
request for erasure the coordinator erases the rest at once. The record of meetings, minutes and
decisions keeps its shape: invitations, attendance, comments and actions stay, under a pseudonym made from
the member's id ("Former member 17"), which never changes and names nobody. Where others wrote the
person's name (minutes, agendas, decisions, actions, comments, e-news, answers), the pseudonym replaces it
(`names_in_text`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..delivery.outbox import forget_contents
from ..errors import RuleError
from ..extensions import db
from ..models import (
    AuditAction,
    AuditEntry,
    AuditSubject,
    DeliveryStatus,
    Member,
    NewsConsent,
    NewsSubscriber,
    OutboundMessage,
    PasswordResetRequest,
    SignInAttempt,
)
from ..permissions import current_coordinator_id
from .names_in_text import replace_name
from .retention import forget_contact_data


class ErasureError(RuleError):
    pass


def pseudonym(member: Member) -> str:
    """The name the record keeps, in the group's own language."""
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return _("Former member %(number)d", number=member.id)


def erase(member: Member) -> None:
    """Erase a former member on request; refused while the member is in the group or coordinates it."""
    if member.is_current:
        raise ErasureError(_l("Deactivate the member first: only former members are erased."))
    if member.id == current_coordinator_id():
        raise ErasureError(_l("The coordinator in office cannot be erased."))
    email = member.email
    for model in (SignInAttempt, PasswordResetRequest, NewsConsent, NewsSubscriber):
        db.session.execute(sa.delete(model).where(model.email == email))
    forget_contact_data(member)
    mails = sa.update(OutboundMessage).where(OutboundMessage.recipient == email)
    db.session.execute(
        mails.where(OutboundMessage.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.WITHDRAWN, last_error="erased on request")
        .execution_options(synchronize_session=False)
    )
    forget_contents(sa.select(OutboundMessage.id).where(OutboundMessage.recipient == email))
    db.session.execute(mails.values(recipient=member.email).execution_options(synchronize_session=False))
    replace_name(member.full_name, pseudonym(member))
    member.full_name = pseudonym(member)
    member.position = member.gender = member.region = member.expertise = None
    member.working_groups = []
    # The trail keeps that the member's record changed, not what it said.
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.subject_type == AuditSubject.MEMBER, AuditEntry.subject_id == member.id)
        .values(subject_label=member.full_name, changes={})
        .execution_options(synchronize_session=False)
    )
    audit.record(AuditAction.ERASED, AuditSubject.MEMBER, member.id, member.full_name)
    db.session.commit()
