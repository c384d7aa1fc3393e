"""How meetings read on every page: times in the reader's zone with the zone's name for that date, the
NMG's own time for readers elsewhere, and the colour of each status. Template globals, used by pages and
lists alike."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_datetime, format_time, get_timezone, to_user_timezone
from flask_babel import gettext as _

from .. import clock
from ..models import Meeting, MeetingStatus
from . import bp


@bp.app_template_global()
def meeting_when(meeting: Meeting) -> str:
    """Start and end in the reader's zone, with the zone's name for that date (summer or winter time)."""
    start, end = to_user_timezone(meeting.starts_at), to_user_timezone(meeting.ends_at)
    zone = format_datetime(meeting.starts_at, "zzzz")
    if start.date() == end.date():
        return _(
            "%(day)s, %(start)s–%(end)s (%(zone)s)",
            day=format_date(meeting.starts_at, "full"),
            start=format_time(meeting.starts_at, "short"),
            end=format_time(meeting.ends_at, "short"),
            zone=zone,
        )
    return _(
        "%(start)s – %(end)s (%(zone)s)",
        start=_day_and_time(meeting.starts_at),
        end=_day_and_time(meeting.ends_at),
        zone=zone,
    )


@bp.app_template_global()
def meeting_start(meeting: Meeting) -> str:
    """The start, short, in the reader's zone: for lists whose heading names the zone."""
    return _day_and_time(meeting.starts_at)


@bp.app_template_global()
def reader_zone_name() -> str:
    """The reader's zone, as people name it ("Central European Time"), for headings of time columns."""
    return format_datetime(clock.now(), "vvvv")


@bp.app_template_global()
def nmg_local_when(meeting: Meeting) -> str | None:
    """The start in the NMG's own zone, for readers who live in another zone; None for everyone else."""
    if str(get_timezone()) == clock.nmg_zone().key:
        return None
    start = clock.local(meeting.starts_at)
    return f"{start:%Y-%m-%d %H:%M} {clock.nmg_zone().key}"


_STATUS_STYLE = {
    MeetingStatus.DRAFT: "text-bg-secondary",
    MeetingStatus.CONFIRMED: "text-bg-success",
    MeetingStatus.CANCELLED: "text-bg-danger",
    MeetingStatus.HELD: "text-bg-dark",
}


@bp.app_template_global()
def meeting_status_class(status: MeetingStatus) -> str:
    return _STATUS_STYLE[status]


def _day_and_time(instant: datetime) -> str:
    return _("%(day)s, %(time)s", day=format_date(instant, "medium"), time=format_time(instant, "short"))
