"""How long each kind of personal data is kept, and the daily job that removes what is past its time.

The periods are settings (`RETENTION_*`, and the e-news' own `NEWS_PURGE_UNCONFIRMED_DAYS`), so that the
group's records of processing (docs/privacy.md), the privacy notice and the operations page all say what
the job does. Each kind is handled on its own and committed on its own: one that fails is logged and the
others still go.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .. import clock
from ..delivery.outbox import forget_contents
from ..extensions import db
from ..governance.public_answers import purge_unconfirmed_answers
from ..models import (
    ApiToken,
    AuditEntry,
    CalendarReply,
    DeliveryStatus,
    Invitation,
    Meeting,
    Member,
    OutboundMessage,
    OutboundMessageContent,
    PasswordResetRequest,
    SignInAttempt,
    SignInSession,
)

log = logging.getLogger(__name__)

_FINISHED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.WITHDRAWN)


def _finished_before(cutoff: datetime) -> sa.ColumnElement[bool]:
    """Outbox rows that will never be sent again, whose last news is older than `cutoff`."""
    return sa.and_(
        OutboundMessage.status.in_(_FINISHED),
        sa.func.coalesce(OutboundMessage.sent_at, OutboundMessage.next_attempt_at) < cutoff,
    )


def _empty_mail_bodies(cutoff: datetime) -> int:
    return forget_contents(sa.select(OutboundMessage.id).where(_finished_before(cutoff)))


def _delete_outbox_rows(cutoff: datetime) -> int:
    # Their bytes first: SQLite, without its foreign-key checks, does not cascade the delete.
    db.session.execute(
        sa.delete(OutboundMessageContent).where(
            OutboundMessageContent.message_id.in_(
                sa.select(OutboundMessage.id).where(_finished_before(cutoff))
            )
        )
    )
    return db.session.execute(
        sa.delete(OutboundMessage)
        .where(_finished_before(cutoff))
        .execution_options(synchronize_session=False)
    ).rowcount


def _delete_sign_in_records(cutoff: datetime) -> int:
    attempts = db.session.execute(sa.delete(SignInAttempt).where(SignInAttempt.at < cutoff)).rowcount
    resets = db.session.execute(
        sa.delete(PasswordResetRequest).where(PasswordResetRequest.at < cutoff)
    ).rowcount
    return attempts + resets


def _delete_audit_entries(cutoff: datetime) -> int:
    return db.session.execute(sa.delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount


def _delete_calendar_replies(cutoff: datetime) -> int:
    return db.session.execute(sa.delete(CalendarReply).where(CalendarReply.received_at < cutoff)).rowcount


#: the domain of the address a former member's is replaced with: reserved, so it reaches nobody
FORMER_DOMAIN = "former.invalid"


def forget_contact_data(member: Member) -> None:
    """The member can no longer be reached nor sign in: address, password, calendar feed, sessions and API
    tokens go."""
    member.email = f"member-{member.id}@{FORMER_DOMAIN}"
    member.password_hash = None
    member.feed_token_hash = None
    member.session_token = secrets.token_hex(16)
    member.invited_at = None
    member.last_sign_in_at = None
    db.session.execute(sa.delete(SignInSession).where(SignInSession.member_id == member.id))
    db.session.execute(sa.delete(ApiToken).where(ApiToken.member_id == member.id))


def _forget_former_members(cutoff: datetime) -> int:
    """Former members who left before `cutoff` keep their name in the record of meetings; their address,
    password, calendar feed and sessions go."""
    former = db.session.scalars(
        sa.select(Member).where(
            Member.left_on < clock.local(cutoff).date(), sa.not_(Member.email.endswith(f"@{FORMER_DOMAIN}"))
        )
    ).all()
    for member in former:
        forget_contact_data(member)
    return len(former)


def _forget_guest_addresses(cutoff: datetime) -> int:
    """Guests of meetings that ended before `cutoff` keep their name in the record of who attended; the
    address they were invited at becomes a reserved one, as a former member's does, since nothing is sent
    to them about a meeting that long past and the address is what tells a guest's invitation apart."""
    ended = sa.select(Meeting.id).where(Meeting.ends_at < cutoff)
    return db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.member_id.is_(None),
            sa.not_(Invitation.guest_email.endswith(f"@{FORMER_DOMAIN}")),
            Invitation.meeting_id.in_(ended),
        )
        .values(guest_email=sa.literal("guest-") + sa.cast(Invitation.id, sa.String) + f"@{FORMER_DOMAIN}")
        .execution_options(synchronize_session=False)
    ).rowcount


@dataclass(frozen=True)
class Period:
    """One kind of personal data, how long it is kept, and what happens to it then."""

    #: the setting that holds the number of days
    setting: str
    what: LazyString
    then: LazyString
    #: what the daily job does with a cutoff instant; None where another job does it
    apply: Callable[[datetime], int] | None

    @property
    def days(self) -> int:
        return int(current_app.config[self.setting])


PERIODS: tuple[Period, ...] = (
    Period(
        "RETENTION_MAIL_BODY_DAYS",
        _l("Text of the mails sent"),
        _l("emptied: the outbox keeps the recipient, subject and outcome"),
        _empty_mail_bodies,
    ),
    Period(
        "RETENTION_OUTBOX_DAYS",
        _l("Outbox records of mails sent, failed or withdrawn"),
        _l("deleted"),
        _delete_outbox_rows,
    ),
    Period(
        "RETENTION_SIGN_IN_DAYS",
        _l("Sign-in attempts and password reset requests, with their network addresses"),
        _l("deleted"),
        _delete_sign_in_records,
    ),
    Period("RETENTION_AUDIT_DAYS", _l("Audit trail entries"), _l("deleted"), _delete_audit_entries),
    Period(
        "RETENTION_CALENDAR_REPLY_DAYS",
        _l("Calendar answers read from the mailbox"),
        _l("deleted"),
        _delete_calendar_replies,
    ),
    Period(
        "RETENTION_FORMER_MEMBER_DAYS",
        _l("Contact data of former members, from the day they left"),
        _l("address, password, calendar feed and sessions removed; the name stays in the record"),
        _forget_former_members,
    ),
    Period(
        "RETENTION_GUEST_DAYS",
        _l("Addresses of guests invited to a meeting, from the end of the meeting"),
        _l("address removed; the name stays in the record"),
        _forget_guest_addresses,
    ),
    Period(
        "RETENTION_UNCONFIRMED_ANSWER_DAYS",
        _l("Public answers to consultations never confirmed, with the address they were sent from"),
        _l("deleted"),
        purge_unconfirmed_answers,
    ),
    Period(
        "NEWS_PURGE_UNCONFIRMED_DAYS",
        _l("E-news subscriptions never confirmed, from the last confirmation mail"),
        _l("deleted (every six hours, by the e-news' own job)"),
        None,
    ),
)


def apply_retention(now: datetime) -> str:
    """Remove or pseudonymise what is past its period, kind by kind."""
    done = []
    for period in PERIODS:
        if period.apply is None:
            continue
        try:
            count = period.apply(now - timedelta(days=period.days))
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("retention of %s failed", period.setting)
            done.append(f"{period.setting}: failed")
        else:
            done.append(f"{period.setting}: {count}")
    return ", ".join(done)
