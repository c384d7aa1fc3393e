"""Personal and public calendar feeds: which meetings they show, their secret addresses, their versions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import clock
from ..extensions import db
from ..meetings import visibility
from ..models import Invitation, Meeting, MeetingStatus, Member
from ..models.types import UTCDateTime

#: cancelled meetings stay in feeds, marked cancelled, so that subscribed calendars remove them
CANCELLED_KEPT = timedelta(days=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(member: Member) -> str:
    """A fresh secret (256 bits) for the member's feed; the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    member.feed_token_hash = _digest(token)
    db.session.commit()
    return token


def _visible(now: datetime) -> sa.ColumnElement[bool]:
    # A calendar carries what its reader has been told of: never a draft, not even an organiser's.
    return sa.and_(
        visibility.announced_clause(),
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
    query = _select(visibility.published_clause(), now).options(so.selectinload(Meeting.agenda_items))
    return list(db.session.scalars(query.order_by(Meeting.starts_at)))


@dataclass(frozen=True)
class FeedState:
    """Who a feed belongs to and which version of it is current, read in one query."""

    member_id: int | None
    alarm_minutes: int | None
    etag: str
    changed: datetime | None


def _aggregates() -> list[sa.ColumnElement]:
    return [
        sa.func.count(Meeting.id),
        sa.func.max(Meeting.updated_at),
        sa.func.coalesce(sa.func.sum(Meeting.id), 0),
        sa.func.coalesce(sa.func.sum(Meeting.sequence), 0),
    ]


_SINCE = sa.bindparam("since", type_=UTCDateTime())
_SHOWN_CLAUSE = sa.and_(
    visibility.announced_clause(),
    sa.or_(Meeting.status != MeetingStatus.CANCELLED, Meeting.updated_at >= _SINCE),
)
# Built once and run on a plain connection, without an ORM session: the conditional request of every
# subscribed calendar app, every hour, runs one of these and nothing else.
_MEMBER_STATE = (
    sa.select(
        Member.id,
        Member.left_on,
        Member.feed_alarm_minutes,
        Member.feed_token_hash,
        *_aggregates(),
    )
    .outerjoin(Invitation, Invitation.member_id == Member.id)
    .outerjoin(Meeting, sa.and_(Meeting.id == Invitation.meeting_id, _SHOWN_CLAUSE))
    .where(Member.feed_token_hash == sa.bindparam("digest"))
    .group_by(Member.id, Member.left_on, Member.feed_alarm_minutes, Member.feed_token_hash)
)
_PUBLIC_STATE = sa.select(*_aggregates()).where(visibility.published_clause(), _SHOWN_CLAUSE)


def _state(member_id: int | None, alarm: int | None, aggregates: tuple, now: datetime) -> FeedState:
    count, changed, ids, sequences = aggregates
    # The day is part of the version: cancelled meetings drop out of the feed thirty days later.
    basis = f"{member_id}:{count}:{changed}:{ids}:{sequences}:{alarm}:{now.date()}"
    return FeedState(member_id, alarm, hashlib.sha256(basis.encode()).hexdigest()[:32], changed)


def member_feed_state(token: str) -> FeedState | None:
    """The state of the feed this secret opens, or None for an unknown, replaced or former member's secret."""
    if not token or len(token) > 100:
        return None
    now = clock.now()
    digest = _digest(token)
    with db.engine.connect() as connection:
        row = connection.execute(
            _MEMBER_STATE, {"digest": digest, "since": now - CANCELLED_KEPT}
        ).one_or_none()
    if row is None or not hmac.compare_digest(row.feed_token_hash, digest):
        return None
    if row.left_on is not None and row.left_on <= clock.today():
        return None
    return _state(row.id, row.feed_alarm_minutes, tuple(row)[4:], now)


def public_feed_state() -> FeedState:
    now = clock.now()
    with db.engine.connect() as connection:
        row = connection.execute(_PUBLIC_STATE, {"since": now - CANCELLED_KEPT}).one()
    return _state(None, None, tuple(row), now)
