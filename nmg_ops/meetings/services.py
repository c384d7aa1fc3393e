"""Meetings: scheduling, confirming and cancelling, invitees, and who sees which meeting.

Times are entered as wall-clock times in the NMG's zone and stored in UTC; `clock.from_local` decides the
two daylight-saving cases (a skipped time is refused, a repeated time is its first, summer-time occurrence).

The sequence rises on every material change (start, end, mode, venue, video link, status), so that
calendars replace their copy; a new title, description or publication flag moves nobody's calendar.

Who sees what: the coordination team, the coordinator and administrators see every meeting. Other members
see the meetings they are invited to, whatever their status, and public meetings once they are confirmed
(or later cancelled or held): a public draft is still the organiser's working copy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit, clock
from ..calendar import invites
from ..errors import RuleError
from ..extensions import db
from ..models import (
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Member,
    Rsvp,
    WorkingGroup,
    member_working_group,
)
from ..permissions import Role
from ..text import is_single_line
from . import visibility

TITLE_MAX = 200
VENUE_MAX = 300
VIDEO_URL_MAX = 500
DESCRIPTION_MAX = 20_000
GUEST_NAME_MAX = 200
EMAIL_MAX = 320
#: how far from today a meeting may be dated, either way
YEARS_AWAY = 10

#: meeting types that concern the whole group, so the creation form offers to invite everyone by default
WHOLE_GROUP_TYPES = frozenset({"plenary", "thematic"})

#: what an audit entry compares; the type is added by its code
MEETING_FIELDS = [
    "title",
    "description",
    "starts_at",
    "ends_at",
    "mode",
    "venue",
    "video_url",
    "is_public",
    "status",
]
#: changes that make calendars replace their copy of the meeting
MATERIAL_FIELDS = frozenset({"starts_at", "ends_at", "mode", "venue", "video_url", "status"})

#: roles that see every meeting, whether or not they are invited


class MeetingError(RuleError):
    """A rule on scheduling, confirming or inviting refused the change."""


class When(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


@dataclass
class MeetingData:
    """A meeting as the form gives it: wall-clock times in the NMG's zone.

    The end is `end_time` (on `end_day`, or on the same day); without an end time, the start plus
    `duration_minutes`, or plus the type's usual length. An empty mode is the type's usual mode.
    """

    type_id: int
    title: str
    day: date
    start_time: time
    end_time: time | None = None
    end_day: date | None = None
    duration_minutes: int | None = None
    mode: MeetingMode | None = None
    venue: str = ""
    video_url: str = ""
    is_public: bool = False
    description: str = ""


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


# --- rules on a meeting's own data -----------------------------------------------------------------------


def is_https_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme == "https" and bool(host) and not any(c.isspace() for c in value)


def _single_line(value: str, field: str) -> None:
    if not is_single_line(value):
        raise MeetingError(_l("Use a single line."), field)


def _instant(day: date, at: time, field: str) -> datetime:
    try:
        return clock.from_local(day, at)
    except clock.NonexistentLocalTime as exc:
        raise MeetingError(
            _l(
                "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward that night. "
                "Choose another time.",
                time=at.strftime("%H:%M"),
                day=day.isoformat(),
                zone=exc.zone,
            ),
            field,
        ) from exc


def _check_day(day: date, field: str) -> None:
    # A mistyped year (0202, 20226) would otherwise be stored, or overflow the date arithmetic.
    if abs(day.year - clock.today().year) > YEARS_AWAY:
        raise MeetingError(_l("Choose a date within %(years)d years of today.", years=YEARS_AWAY), field)


def _too_long(field: str) -> MeetingError:
    hours = current_app.config["MEETING_MAX_HOURS"]
    return MeetingError(_l("A meeting can last at most %(hours)d hours.", hours=hours), field)


def _times(data: MeetingData, kind: MeetingType) -> tuple[datetime, datetime]:
    _check_day(data.day, "day")
    starts_at = _instant(data.day, data.start_time, "start_time")
    longest = timedelta(hours=current_app.config["MEETING_MAX_HOURS"])
    if data.end_time is not None:
        _check_day(data.end_day or data.day, "end_day")
        ends_at = _instant(data.end_day or data.day, data.end_time, "end_time")
        length_field = "end_time"
    elif data.end_day is not None:
        raise MeetingError(_l("Give the time the meeting ends on its last day."), "end_time")
    else:
        minutes = data.duration_minutes
        if minutes is None:
            minutes = kind.default_duration_minutes
        if minutes < 1:
            raise MeetingError(_l("The duration must be at least one minute."), "duration_minutes")
        # Checked before adding: an absurd duration must not overflow the date arithmetic.
        if minutes > longest // timedelta(minutes=1):
            raise _too_long("duration_minutes")
        ends_at = starts_at + timedelta(minutes=minutes)
        length_field = "duration_minutes"
    if ends_at <= starts_at:
        raise MeetingError(_l("The meeting must end after it starts."), length_field)
    if ends_at - starts_at > longest:
        raise _too_long(length_field)
    return starts_at, ends_at


def _meeting_type(type_id: int, keep: MeetingType | None) -> MeetingType:
    """An active type; a meeting keeps its own type even after the type was retired."""
    kind = db.session.get(MeetingType, type_id)
    if kind is None or not (kind.is_active or kind is keep):
        raise MeetingError(_l("Choose a meeting type."), "type_id")
    return kind


def _values(data: MeetingData, kind: MeetingType) -> dict[str, Any]:
    """The column values the data stands for, or the first rule it breaks."""
    title = data.title.strip()
    venue = (data.venue or "").strip()
    video_url = (data.video_url or "").strip()
    description = (data.description or "").strip()
    if not title:
        raise MeetingError(_l("A meeting needs a title."), "title")
    if len(title) > TITLE_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=TITLE_MAX), "title")
    _single_line(title, "title")
    starts_at, ends_at = _times(data, kind)
    if len(venue) > VENUE_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=VENUE_MAX), "venue")
    _single_line(venue, "venue")
    if len(video_url) > VIDEO_URL_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=VIDEO_URL_MAX), "video_url")
    if video_url and not is_https_url(video_url):
        raise MeetingError(_l("Use a secure web address starting with https://."), "video_url")
    if len(description) > DESCRIPTION_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=DESCRIPTION_MAX), "description")
    return {
        "title": title,
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "mode": data.mode or kind.default_mode,
        "venue": venue,
        "video_url": video_url,
        "is_public": bool(data.is_public),
    }


def _place_problems(mode: MeetingMode, venue: str, video_url: str) -> list[tuple[str, str]]:
    """What a confirmed meeting of this mode lacks, as (message, form field)."""
    problems = []
    if mode.needs_video_link and not video_url:
        problems.append((_l("Add a video link: online and hybrid meetings need one."), "video_url"))
    if mode.needs_venue and not venue:
        problems.append((_l("Add a venue: onsite and hybrid meetings need one."), "venue"))
    return problems


def _state(meeting: Meeting) -> dict[str, Any]:
    state = audit.snapshot(meeting, MEETING_FIELDS)
    state["type"] = meeting.type.code
    return state


def is_editable(meeting: Meeting) -> bool:
    return meeting.status in (MeetingStatus.DRAFT, MeetingStatus.CONFIRMED)


def _check_editable(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_l("This meeting has been cancelled; it can no longer be changed."))
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError(_l("This meeting has been held; it can no longer be changed."))


def invites_everyone_by_default(kind: MeetingType | None) -> bool:
    return kind is not None and kind.code in WHOLE_GROUP_TYPES


# --- creating and changing meetings ----------------------------------------------------------------------


def create_meeting(
    data: MeetingData, organiser_id: int | None, *, invite_all: bool = False, today: date | None = None
) -> Meeting:
    """A new draft meeting, optionally with every current member invited."""
    meeting = add_draft(
        data, organiser_id, invitees=current_members(today or clock.today()) if invite_all else []
    )
    db.session.commit()
    return meeting


def add_draft(
    data: MeetingData, organiser_id: int | None, invitees: Iterable[Member], plan_key: str | None = None
) -> Meeting:
    """A new draft meeting with these members invited; the caller commits, so a year plan goes in whole."""
    kind = _meeting_type(data.type_id, None)
    meeting = Meeting(
        type=kind,
        organiser_id=organiser_id,
        status=MeetingStatus.DRAFT,
        plan_key=plan_key,
        **_values(data, kind),
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record("created", "meeting", meeting.id, meeting.title, _state(meeting))
    chosen = list(invitees)
    if chosen:
        _add_member_invitations(meeting, chosen, via=None)
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, now: datetime | None = None) -> bool:
    """Apply the changes; returns whether they were material (time or place), which raises the sequence."""
    _check_editable(meeting)
    kind = _meeting_type(data.type_id, meeting.type)
    values = _values(data, kind)
    if meeting.status is MeetingStatus.CONFIRMED:
        missing = _place_problems(values["mode"], values["venue"], values["video_url"])
        if missing:
            raise MeetingError(*missing[0])
        moved = (values["starts_at"], values["ends_at"]) != (meeting.starts_at, meeting.ends_at)
        if moved and values["starts_at"] <= (now or clock.now()):
            raise MeetingError(_l("A confirmed meeting cannot be moved into the past."), "start_time")
    before = _state(meeting)
    meeting.type = kind
    for name, value in values.items():
        setattr(meeting, name, value)
    changes = audit.diff(before, _state(meeting))
    material = bool(MATERIAL_FIELDS & changes.keys())
    if material:
        meeting.sequence += 1
    if changes:
        audit.record("updated", "meeting", meeting.id, meeting.title, changes)
    db.session.commit()
    if material:
        invites.announce_soon(meeting)
    return material


def confirmation_problems(meeting: Meeting, now: datetime) -> list[str]:
    """Why a draft cannot be confirmed yet; empty when it can."""
    problems: list[str] = []
    if meeting.starts_at <= now:
        problems.append(_l("The meeting is in the past; only upcoming meetings can be confirmed."))
    if not meeting.invitations:
        problems.append(_l("Nobody is invited yet; add the invitees first."))
    problems.extend(
        message for message, _field in _place_problems(meeting.mode, meeting.venue, meeting.video_url)
    )
    return problems


def _set_status(meeting: Meeting, status: MeetingStatus, action: str) -> None:
    """Change the status and tell the invitees' calendars, if they were ever told of the meeting."""
    announced = meeting.status is MeetingStatus.CONFIRMED or status is MeetingStatus.CONFIRMED
    changes = {"status": [meeting.status.value, status.value]}
    meeting.status = status
    meeting.sequence += 1
    audit.record(action, "meeting", meeting.id, meeting.title, changes)
    db.session.commit()
    if announced:
        invites.announce_soon(meeting)


def confirm_meeting(meeting: Meeting, now: datetime) -> None:
    """Draft to confirmed, once the meeting is upcoming, has invitees and has its venue or video link."""
    if meeting.status is not MeetingStatus.DRAFT:
        raise MeetingError(
            {
                MeetingStatus.CONFIRMED: _l("This meeting is already confirmed."),
                MeetingStatus.CANCELLED: _l("This meeting has been cancelled; it cannot be confirmed."),
                MeetingStatus.HELD: _l("This meeting has been held; it cannot be confirmed."),
            }[meeting.status]
        )
    problems = confirmation_problems(meeting, now)
    if problems:
        raise MeetingError(problems[0])
    _set_status(meeting, MeetingStatus.CONFIRMED, "confirmed")


def cancel_meeting(meeting: Meeting) -> None:
    """The meeting stays, marked cancelled, so that invitees' calendars and the record both show it."""
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError(_l("This meeting has been held; it cannot be cancelled."))
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_l("This meeting is already cancelled."))
    _set_status(meeting, MeetingStatus.CANCELLED, "cancelled")


def may_delete(meeting: Meeting) -> bool:
    return meeting.status is MeetingStatus.DRAFT and not meeting.invitations


def delete_meeting(meeting: Meeting) -> None:
    """Only a draft nobody was invited to disappears; anything else is cancelled instead."""
    if not may_delete(meeting):
        raise MeetingError(
            _l("Only a draft without invitees can be deleted; cancel this meeting instead, so that it stays.")
        )
    audit.record("deleted", "meeting", meeting.id, meeting.title, _state(meeting))
    db.session.delete(meeting)
    db.session.commit()


# --- invitees --------------------------------------------------------------------------------------------


def _check_invitees_open(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_l("This meeting has been cancelled; its invitees can no longer be changed."))
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError(_l("This meeting has been held; its invitees can no longer be changed."))


def _lock(meeting: Meeting) -> None:
    """Serialise invitee changes to one meeting, so two coordinators adding people at once do not collide.

    SQLite ignores the lock but lets one writer at a time through anyway; the unique constraints catch
    the rest (see `_flush_invitations`).
    """
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())


def _flush_invitations() -> None:
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise MeetingError(
            _l("Someone else changed the invitees at the same moment; nothing was added. Please try again.")
        ) from exc


def _invited_member_ids(meeting: Meeting) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Invitation.member_id).where(
                Invitation.meeting_id == meeting.id, Invitation.member_id.is_not(None)
            )
        )
    )


def current_members(today: date) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.current_clause(today)).order_by(sa.func.lower(Member.full_name))
        )
    )


def _add_member_invitations(
    meeting: Meeting, members: Iterable[Member], via: WorkingGroup | None
) -> list[Invitation]:
    """Invite those not invited yet; returns their new invitations. The caller commits."""
    _check_invitees_open(meeting)
    _lock(meeting)
    already = _invited_member_ids(meeting)
    added: list[Invitation] = []
    names: list[str] = []
    for member in members:
        if member.id in already:
            continue
        already.add(member.id)
        names.append(member.full_name)
        added.append(Invitation(meeting_id=meeting.id, member=member, via_working_group=via))
    if added:
        db.session.add_all(added)
        _flush_invitations()
        changes: dict[str, Any] = {"invitees": ", ".join(names)}
        if via is not None:
            changes["working_group"] = via.code
        audit.record("invited", "meeting", meeting.id, meeting.title, changes)
    return added


def invite_all_members(meeting: Meeting, today: date) -> list[Invitation]:
    """Invite every current member; returns the invitations of those not invited before."""
    added = _add_member_invitations(meeting, current_members(today), via=None)
    db.session.commit()
    invites.announce_soon(meeting, added)
    return added


def invite_working_group(meeting: Meeting, group: WorkingGroup, today: date) -> list[Invitation]:
    """Invite the group's current members, resolved now: people who join the group later are not added."""
    members = db.session.scalars(
        sa.select(Member)
        .join(member_working_group, member_working_group.c.member_id == Member.id)
        .where(member_working_group.c.working_group_id == group.id, Member.current_clause(today))
        .order_by(sa.func.lower(Member.full_name))
    )
    added = _add_member_invitations(meeting, list(members), via=group)
    db.session.commit()
    invites.announce_soon(meeting, added)
    return added


def invite_members(meeting: Meeting, member_ids: Iterable[int], today: date) -> list[Invitation]:
    """Invite the chosen current members; people who left the group are skipped."""
    wanted = set(member_ids)
    if not wanted:
        return []
    members = db.session.scalars(
        sa.select(Member)
        .where(Member.id.in_(wanted), Member.current_clause(today))
        .order_by(sa.func.lower(Member.full_name))
    )
    added = _add_member_invitations(meeting, list(members), via=None)
    db.session.commit()
    invites.announce_soon(meeting, added)
    return added


def invite_guest(meeting: Meeting, name: str, email: str) -> tuple[Invitation, bool]:
    """Invite an external guest; returns the invitation and whether it is new.

    An address that belongs to a member invites that member instead, so that nobody is on the list twice
    and the member answers from their own account.
    """
    _check_invitees_open(meeting)
    name = (name or "").strip()
    address = (email or "").strip().lower()
    if not name:
        raise MeetingError(_l("Give the guest's name."), "name")
    if len(name) > GUEST_NAME_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=GUEST_NAME_MAX), "name")
    _single_line(name, "name")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise MeetingError(_l("This is not a valid e-mail address."), "email") from exc
    if len(address) > EMAIL_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=EMAIL_MAX), "email")
    member = db.session.scalar(sa.select(Member).where(Member.email == address))
    if member is not None:
        existing = db.session.scalar(
            sa.select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.member_id == member.id
            )
        )
        if existing is not None:
            return existing, False
        (invitation,) = _add_member_invitations(meeting, [member], via=None)
        db.session.commit()
        invites.announce_soon(meeting, [invitation])
        return invitation, True
    _lock(meeting)
    existing = db.session.scalar(
        sa.select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.guest_email == address)
    )
    if existing is not None:
        return existing, False
    invitation = Invitation(meeting_id=meeting.id, guest_name=name, guest_email=address)
    db.session.add(invitation)
    _flush_invitations()
    audit.record("invited", "meeting", meeting.id, meeting.title, {"invitees": f"{name} <{address}>"})
    db.session.commit()
    invites.announce_soon(meeting, [invitation])
    return invitation, True


def invitation_in(meeting: Meeting, invitation_id: int) -> Invitation | None:
    """The invitation if it belongs to this meeting; one of another meeting is not found."""
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.id == invitation_id, Invitation.meeting_id == meeting.id)
    )


def remove_invitation(meeting: Meeting, invitation: Invitation) -> None:
    _check_invitees_open(meeting)
    label = f"{invitation.name} <{invitation.email}>"
    audit.record("updated", "meeting", meeting.id, meeting.title, {"invitees": [label, None]})
    invites.uninvite(meeting, invitation)
    db.session.delete(invitation)
    db.session.commit()


def invitable_members(meeting: Meeting, today: date) -> list[Member]:
    """Current members not invited yet, with their organisation, for the "choose members" list."""
    invited = sa.select(Invitation.member_id).where(
        Invitation.meeting_id == meeting.id, Invitation.member_id.is_not(None)
    )
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.current_clause(today), Member.id.not_in(invited))
            .options(so.joinedload(Member.organisation))
            .order_by(sa.func.lower(Member.full_name), Member.id)
        )
    )


def working_groups_with_sizes(today: date) -> list[tuple[WorkingGroup, int]]:
    """Active working groups with their number of current members, in one query."""
    sizes = (
        sa.select(member_working_group.c.working_group_id, sa.func.count().label("members"))
        .join(Member, Member.id == member_working_group.c.member_id)
        .where(Member.current_clause(today))
        .group_by(member_working_group.c.working_group_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(WorkingGroup, sa.func.coalesce(sizes.c.members, 0))
        .outerjoin(sizes, sizes.c.working_group_id == WorkingGroup.id)
        .where(WorkingGroup.is_active)
        .order_by(WorkingGroup.code)
    )
    return [(group, size) for group, size in rows]


def invitees_in_order(meeting: Meeting) -> list[Invitation]:
    """Members by name, then guests by name."""
    return sorted(
        meeting.invitations,
        key=lambda invitation: (invitation.member is None, invitation.name.casefold(), invitation.id),
    )


def rsvp_counts(meeting: Meeting) -> Counter[Rsvp | None]:
    """Answers so far; None counts the invitees who have not answered."""
    return Counter(invitation.rsvp for invitation in meeting.invitations)


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


def meeting_rows(
    viewer_id: int, roles: Iterable[Role], criteria: MeetingFilter, now: datetime
) -> list[MeetingRow]:
    """The meetings the viewer may see, with invitation counts and the viewer's answer, in one query."""
    counts = (
        sa.select(
            Invitation.meeting_id,
            sa.func.count(Invitation.id).label("invited"),
            sa.func.count(sa.case((Invitation.rsvp == Rsvp.YES, 1))).label("yes"),
        )
        .group_by(Invitation.meeting_id)
        .subquery()
    )
    mine = so.aliased(Invitation)
    query = (
        sa.select(
            Meeting,
            sa.func.coalesce(counts.c.invited, 0),
            sa.func.coalesce(counts.c.yes, 0),
            mine.id,
            mine.rsvp,
        )
        .join(Meeting.type)
        .options(so.contains_eager(Meeting.type))
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .outerjoin(mine, sa.and_(mine.meeting_id == Meeting.id, mine.member_id == viewer_id))
    )
    if not visibility.sees_all_meetings(roles):
        query = query.where(sa.or_(mine.id.is_not(None), visibility.published_clause()))
    if criteria.when is When.PAST:
        query = query.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        query = query.where(Meeting.ends_at > now).order_by(Meeting.starts_at, Meeting.id)
    if criteria.year is not None:
        first, after = year_range(criteria.year)
        query = query.where(Meeting.starts_at >= first, Meeting.starts_at < after)
    if criteria.type_code:
        query = query.where(MeetingType.code == criteria.type_code)
    return [
        MeetingRow(meeting, invited, yes, invitation_id is not None, rsvp)
        for meeting, invited, yes, invitation_id, rsvp in db.session.execute(query)
    ]


def year_options(now: datetime) -> list[int]:
    """The years that have meetings, and this one, newest first."""
    first, last = db.session.execute(
        sa.select(sa.func.min(Meeting.starts_at), sa.func.max(Meeting.starts_at))
    ).one()
    years = {clock.local(now).year}
    if first is not None:
        years.update(range(clock.local(first).year, clock.local(last).year + 1))
    return sorted(years, reverse=True)


def my_invitations(member_id: int, now: datetime) -> tuple[list[Invitation], list[Invitation]]:
    """The member's invitations, upcoming (soonest first) and past (latest first), meetings loaded."""
    invitations = db.session.scalars(
        sa.select(Invitation)
        .join(Invitation.meeting)
        .where(Invitation.member_id == member_id)
        .options(so.contains_eager(Invitation.meeting).joinedload(Meeting.type))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    upcoming = [i for i in invitations if i.meeting.ends_at > now]
    past = [i for i in invitations if i.meeting.ends_at <= now]
    return upcoming, past[::-1]
