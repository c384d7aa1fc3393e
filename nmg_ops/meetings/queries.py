"""Reading meetings: the list with its counts, one meeting's page, my invitations, overlaps and years.

Who sees which meeting is decided in `meetings.visibility`; these queries apply it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from .. import clock
from ..extensions import db
from ..models import (
    Invitation,
    Meeting,
    MeetingStatus,
    MeetingType,
    Member,
    Rsvp,
)
from ..permissions import Role
from . import visibility


class When(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


@dataclass(frozen=True)
class MeetingFilter:
    when: When = When.UPCOMING
    year: int | None = None
    type_code: str | None = None

    def narrowing(self) -> dict[str, str]:
        """The year and type as query-string arguments, leaving out those not chosen."""
        args = {"year": str(self.year) if self.year else "", "type": self.type_code or ""}
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class MeetingRow:
    """One line of the meeting list, with its counts read in the same query."""

    meeting: Meeting
    invited: int
    answered_yes: int
    is_invited: bool
    my_rsvp: Rsvp | None


# --- reading meetings ------------------------------------------------------------------------------------


def get_meeting(meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        sa.select(Meeting).where(Meeting.id == meeting_id).options(so.joinedload(Meeting.type))
    )


def meeting_for_detail(meeting_id: int) -> Meeting | None:
    """The meeting with everything its page shows, in three statements whatever the number of invitees."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            so.joinedload(Meeting.type),
            so.joinedload(Meeting.organiser),
            so.selectinload(Meeting.invitations).options(
                so.joinedload(Invitation.member).joinedload(Member.organisation),
                so.joinedload(Invitation.via_working_group),
            ),
            so.selectinload(Meeting.agenda_items),
        )
    )


def invitation_of(meeting: Meeting, member_id: int) -> Invitation | None:
    """The member's own invitation, found among those already loaded."""
    return next((i for i in meeting.invitations if i.member_id == member_id), None)


def overlapping_meetings(meeting: Meeting) -> list[Meeting]:
    """Other meetings, not cancelled, whose time overlaps this one's (meeting back to back do not)."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.id != meeting.id,
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.starts_at < meeting.ends_at,
                Meeting.ends_at > meeting.starts_at,
            )
            .options(so.joinedload(Meeting.type))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def year_range(year: int) -> tuple[datetime, datetime]:
    """The year as the NMG lives it: from midnight on 1 January in its zone to the next."""
    return clock.from_local(date(year, 1, 1), time(0)), clock.from_local(date(year + 1, 1, 1), time(0))


def _rows_select(viewer_id: int, roles: Iterable[Role], criteria: MeetingFilter, now: datetime) -> sa.Select:
    # Counted for the rows shown only: grouping every invitation of the record first cost more than the page.
    invited = sa.select(sa.func.count(Invitation.id)).where(Invitation.meeting_id == Meeting.id)
    mine = so.aliased(Invitation)
    query = (
        sa.select(
            Meeting,
            invited.scalar_subquery(),
            invited.where(Invitation.rsvp == Rsvp.YES).scalar_subquery(),
            mine.id,
            mine.rsvp,
        )
        # The meeting's type comes from the types the page holds already (a many-to-one by key is looked
        # up in the session first): joined to each row, its JSON names were decoded once per row.
        .join(Meeting.type)
        .outerjoin(mine, sa.and_(mine.meeting_id == Meeting.id, mine.member_id == viewer_id))
    )
    query = query.where(visibility.seen_clause(roles, mine.id.is_not(None)))
    if criteria.when is When.PAST:
        query = query.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        query = query.where(Meeting.ends_at > now).order_by(Meeting.starts_at, Meeting.id)
    if criteria.year is not None:
        first, after = year_range(criteria.year)
        query = query.where(Meeting.starts_at >= first, Meeting.starts_at < after)
    if criteria.type_code:
        query = query.where(MeetingType.code == criteria.type_code)
    return query


def _rows(result: Iterable[Any]) -> list[MeetingRow]:
    return [
        MeetingRow(meeting, invited, yes, invitation_id is not None, rsvp)
        for meeting, invited, yes, invitation_id, rsvp in result
    ]


class MeetingRowsPage(Pagination):
    """A page of the meeting list (Flask-SQLAlchemy's pagination, for rows that carry their counts):
    the past grows every year, the page does not."""

    def _query_items(self) -> list[MeetingRow]:
        query = self._query_args["select"]
        return _rows(db.session.execute(query.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        query = self._query_args["select"]
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(
                query.with_only_columns(Meeting.id).order_by(None).subquery()
            )
        )


def meeting_rows_page(
    viewer_id: int, roles: Iterable[Role], criteria: MeetingFilter, now: datetime, page: int, per_page: int
) -> MeetingRowsPage:
    """One page of the meetings the viewer may see, with invitation counts and the viewer's answer, in two
    statements whatever the number of meetings, once the meeting types are loaded (the page's filter
    loads them)."""
    query = _rows_select(viewer_id, roles, criteria, now)
    return MeetingRowsPage(page=page, per_page=per_page, max_per_page=per_page, error_out=False, select=query)


def year_options(now: datetime) -> list[int]:
    """The years that have meetings, and this one, newest first."""
    first, last = db.session.execute(
        sa.select(sa.func.min(Meeting.starts_at), sa.func.max(Meeting.starts_at))
    ).one()
    years = {clock.local(now).year}
    if first is not None:
        years.update(range(clock.local(first).year, clock.local(last).year + 1))
    return sorted(years, reverse=True)


def my_invitations(
    member_id: int, roles: Iterable[Role], now: datetime
) -> tuple[list[Invitation], list[Invitation]]:
    """The member's invitations to meetings they may see, upcoming (soonest first) and past (latest first),
    meetings loaded."""
    invitations = db.session.scalars(
        sa.select(Invitation)
        .join(Invitation.meeting)
        .where(Invitation.member_id == member_id, visibility.seen_clause(roles, sa.true()))
        .options(so.contains_eager(Invitation.meeting).joinedload(Meeting.type))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    upcoming = [i for i in invitations if i.meeting.ends_at > now]
    past = [i for i in invitations if i.meeting.ends_at <= now]
    return upcoming, past[::-1]
