"""Personal and public calendar feeds: which meetings they show, their secret addresses, their versions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import clock
from ..extensions import db
from ..models import Invitation, Meeting, MeetingStatus, Member

#: cancelled meetings stay in feeds, marked cancelled, so that subscribed calendars remove them
CANCELLED_KEPT = timedelta(days=30)
SHOWN = (MeetingStatus.CONFIRMED, MeetingStatus.HELD, MeetingStatus.CANCELLED)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(member: Member) -> str:
    """A fresh secret (256 bits) for the member's feed; the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    member.feed_token_hash = _digest(token)
    db.session.commit()
    return token


def member_for_feed(token: str) -> Member | None:
    """The current member whose feed this secret opens, or None; only its hash is ever compared."""
    if not token or len(token) > 100:
        return None
    digest = _digest(token)
    member = db.session.scalar(sa.select(Member).where(Member.feed_token_hash == digest))
    if (
        member is None
        or not hmac.compare_digest(member.feed_token_hash or "", digest)
        or not member.is_current
    ):
        return None
    return member


def _visible(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Meeting.status.in_(SHOWN),
        sa.or_(Meeting.status != MeetingStatus.CANCELLED, Meeting.updated_at >= now - CANCELLED_KEPT),
    )


def _member_clause(member: Member) -> sa.ColumnElement[bool]:
    return Meeting.invitations.any(Invitation.member_id == member.id)


def _select(clause: sa.ColumnElement[bool], now: datetime) -> sa.Select:
    return sa.select(Meeting).where(clause, _visible(now))


def member_meetings(member: Member) -> list[Meeting]:
    now = clock.now()
    query = _select(_member_clause(member), now).options(so.selectinload(Meeting.agenda_items))
    return list(db.session.scalars(query.order_by(Meeting.starts_at)))


def public_meetings() -> list[Meeting]:
    now = clock.now()
    query = _select(Meeting.is_public, now).options(so.selectinload(Meeting.agenda_items))
    return list(db.session.scalars(query.order_by(Meeting.starts_at)))


def version(member: Member | None) -> tuple[str, datetime | None]:
    """An ETag and the last change of a feed, from one aggregate query: answering 304 builds nothing."""
    now = clock.now()
    clause = _member_clause(member) if member else Meeting.is_public
    count, changed, ids, sequences = db.session.execute(
        sa.select(
            sa.func.count(Meeting.id),
            sa.func.max(Meeting.updated_at),
            sa.func.coalesce(sa.func.sum(Meeting.id), 0),
            sa.func.coalesce(sa.func.sum(Meeting.sequence), 0),
        ).where(clause, _visible(now))
    ).one()
    if isinstance(changed, datetime) and changed.tzinfo is None:
        changed = changed.replace(tzinfo=clock.now().tzinfo)
    alarm = member.feed_alarm_minutes if member else None
    # The day is part of the version: cancelled meetings drop out of the feed thirty days later.
    basis = f"{count}:{changed}:{ids}:{sequences}:{alarm}:{now.date()}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32], changed
