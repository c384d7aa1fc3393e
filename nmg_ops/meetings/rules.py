"""The rules on a meeting's own data: lengths, times, place, who is invited by default.

Times are entered as wall-clock times in the NMG's zone and stored in UTC. A time the zone skips when the
clocks go forward is refused, and so is one that happens twice when they go back (see `_instant`).
Every way a meeting is made (the form, the year plan) goes through `checked_values`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..errors import RuleError
from ..extensions import db
from ..models import (
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
)
from ..text import is_single_line

# Lengths the columns hold; Markdown descriptions are text columns, limited so a page stays a page.
TITLE_MAX = Meeting.__table__.c.title.type.length
VENUE_MAX = Meeting.__table__.c.venue.type.length
VIDEO_URL_MAX = Meeting.__table__.c.video_url.type.length
DESCRIPTION_MAX = 20_000
GUEST_NAME_MAX = Invitation.__table__.c.guest_name.type.length
EMAIL_MAX = Invitation.__table__.c.guest_email.type.length
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
    "lists_attendees",
    "status",
]
#: changes that make calendars replace their copy of the meeting
MATERIAL_FIELDS = frozenset({"starts_at", "ends_at", "mode", "venue", "video_url", "status"})

#: roles that see every meeting, whether or not they are invited


class MeetingError(RuleError):
    """A rule on scheduling, confirming or inviting refused the change."""


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
    #: invitations name every invitee (True) or only their recipient (False); None follows the type
    lists_attendees: bool | None = None


# --- rules on a meeting's own data -----------------------------------------------------------------------


def is_https_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme == "https" and bool(host) and not any(c.isspace() for c in value)


def check_single_line(value: str, field: str) -> None:
    if not is_single_line(value):
        raise MeetingError(_l("Use a single line."), field)


def _reading(instant: datetime) -> str:
    wall = clock.local(instant)
    offset = wall.strftime("%z")
    return f"{wall:%H:%M} {wall.tzname()} (UTC{offset[:3]}:{offset[3:]})"


def _clocks_go_back(first: datetime) -> tuple[str, str]:
    """The wall-clock times the clocks go back from and to, after the first of two readings."""
    offset = clock.local(first).utcoffset()
    change = first
    while clock.local(change).utcoffset() == offset:
        change += timedelta(minutes=1)
    return (change + offset).strftime("%H:%M"), clock.local(change).strftime("%H:%M")


def _instant(day: date, at: time, field: str, kept: datetime | None = None) -> datetime:
    """The instant a wall-clock time names; one that names none or two is refused, since calendar apps do
    not agree on which of the two a repeated time means. A time the meeting already has keeps its
    instant, so that a meeting stored in the repeated hour (by an earlier version) can still be edited."""
    found = clock.occurrences(day, at)
    zone = clock.nmg_zone().key
    if not found:
        raise MeetingError(
            _l(
                "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward that night. "
                "Choose another time.",
                time=at.strftime("%H:%M"),
                day=day.isoformat(),
                zone=zone,
            ),
            field,
        )
    if len(found) == 1 or kept in found:
        return kept if kept in found else found[0]
    first, second = found
    back_from, back_to = _clocks_go_back(first)
    raise MeetingError(
        _l(
            "%(time)s on %(day)s happens twice in %(zone)s: the clocks go back from %(back_from)s to "
            "%(back_to)s that night, so it could be %(first)s or %(second)s. "
            "Choose a time before %(back_to)s or from %(back_from)s on.",
            time=at.strftime("%H:%M"),
            day=day.isoformat(),
            zone=zone,
            back_from=back_from,
            back_to=back_to,
            first=_reading(first),
            second=_reading(second),
        ),
        field,
    )


def _check_day(day: date, field: str) -> None:
    # A mistyped year (0202, 20226) would otherwise be stored, or overflow the date arithmetic.
    if abs(day.year - clock.today().year) > YEARS_AWAY:
        raise MeetingError(_l("Choose a date within %(years)d years of today.", years=YEARS_AWAY), field)


def _too_long(field: str) -> MeetingError:
    hours = current_app.config["MEETING_MAX_HOURS"]
    return MeetingError(_l("A meeting can last at most %(hours)d hours.", hours=hours), field)


def _times(data: MeetingData, kind: MeetingType, keep: Meeting | None) -> tuple[datetime, datetime]:
    _check_day(data.day, "day")
    starts_at = _instant(data.day, data.start_time, "start_time", keep.starts_at if keep else None)
    longest = timedelta(hours=current_app.config["MEETING_MAX_HOURS"])
    if data.end_time is not None:
        _check_day(data.end_day or data.day, "end_day")
        end_day = data.end_day or data.day
        ends_at = _instant(end_day, data.end_time, "end_time", keep.ends_at if keep else None)
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


def keep_length(meeting: Meeting, data: MeetingData) -> MeetingData:
    """A moved start moves the end by as much, unless the end was changed too: the meeting keeps its length.

    Without this, moving a 10:00–12:00 meeting to 13:00 in the form would leave the old end and be
    refused as ending before it starts. The length is kept in real time, so a meeting moved across a change
    of clocks keeps its duration, and one that ended in the repeated hour needs no repeated time typed.
    """
    if data.end_time is None:
        return data
    old_start, old_end = clock.local(meeting.starts_at), clock.local(meeting.ends_at)
    end_as_shown = (old_end.date() if old_end.date() != old_start.date() else None, old_end.time())
    start_moved = (data.day, data.start_time) != (old_start.date(), old_start.time())
    if not start_moved or (data.end_day, data.end_time) != end_as_shown:
        return data
    length = (meeting.ends_at - meeting.starts_at) // timedelta(minutes=1)
    return replace(data, end_day=None, end_time=None, duration_minutes=length)


def chosen_type(type_id: int, keep: MeetingType | None) -> MeetingType:
    """An active type; a meeting keeps its own type even after the type was retired."""
    kind = db.session.get(MeetingType, type_id)
    if kind is None or not (kind.is_active or kind is keep):
        raise MeetingError(_l("Choose a meeting type."), "type_id")
    return kind


def checked_values(data: MeetingData, kind: MeetingType, keep: Meeting | None = None) -> dict[str, Any]:
    """The column values the data stands for, or the first rule it breaks; `keep` is the meeting being
    changed, whose times left as they were keep their instants."""
    title = data.title.strip()
    venue = (data.venue or "").strip()
    video_url = (data.video_url or "").strip()
    description = (data.description or "").strip()
    if not title:
        raise MeetingError(_l("A meeting needs a title."), "title")
    if len(title) > TITLE_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=TITLE_MAX), "title")
    check_single_line(title, "title")
    starts_at, ends_at = _times(data, kind, keep)
    if len(venue) > VENUE_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=VENUE_MAX), "venue")
    check_single_line(venue, "venue")
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
        "lists_attendees": data.lists_attendees,
    }


def place_problems(mode: MeetingMode, venue: str, video_url: str) -> list[tuple[str, str]]:
    """What a confirmed meeting of this mode lacks, as (message, form field)."""
    problems = []
    if mode.needs_video_link and not video_url:
        problems.append((_l("Add a video link: online and hybrid meetings need one."), "video_url"))
    if mode.needs_venue and not venue:
        problems.append((_l("Add a venue: onsite and hybrid meetings need one."), "venue"))
    return problems


def meeting_state(meeting: Meeting) -> dict[str, Any]:
    state = audit.snapshot(meeting, MEETING_FIELDS)
    state["type"] = meeting.type.code
    return state


def is_editable(meeting: Meeting) -> bool:
    return meeting.status in (MeetingStatus.DRAFT, MeetingStatus.CONFIRMED)


def check_editable(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_l("This meeting has been cancelled; it can no longer be changed."))
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError(_l("This meeting has been held; it can no longer be changed."))


def invites_everyone_by_default(kind: MeetingType | None) -> bool:
    return kind is not None and kind.code in WHOLE_GROUP_TYPES
