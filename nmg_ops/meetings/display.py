"""How meetings read on every page: times in the reader's zone with the zone's name for that date, the
NMG's own time for readers elsewhere, and the colour of each status. Template globals, used by pages and
lists alike."""

from __future__ import annotations

from datetime import datetime

from babel import dates
from flask_babel import get_timezone
from flask_babel import gettext as _

from .. import clock
from ..i18n import date_locale, format_datetime, written_day_and_time
from ..models import Meeting, MeetingStatus
from . import agenda, bp


@bp.app_template_global()
def meeting_when(meeting: Meeting) -> str:
    """Start and end in the reader's zone, with the zone's name for that date (summer or winter time)."""
    locale, zone = date_locale(), get_timezone()
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    name = _zone_name(start, str(locale))
    if start.date() == end.date():
        return _(
            "%(day)s, %(start)s–%(end)s (%(zone)s)",
            day=dates.format_date(start, "full", locale=locale),
            start=dates.format_time(start, "short", locale=locale),
            end=dates.format_time(end, "short", locale=locale),
            zone=name,
        )
    return _(
        "%(start)s – %(end)s (%(zone)s)",
        start=_day_and_time(meeting.starts_at),
        end=_day_and_time(meeting.ends_at),
        zone=name,
    )


_zone_names: dict[tuple[str, bool, str], str] = {}


def _zone_name(local: datetime, locale: str) -> str:
    """The zone's long name ("Central European Summer Time"); it only changes with summer time, and Babel
    takes longer to find it than to format the rest of a meeting's times."""
    key = (
        str(local.tzinfo.zone if hasattr(local.tzinfo, "zone") else local.tzinfo),
        bool(local.dst()),
        locale,
    )
    if key not in _zone_names:
        _zone_names[key] = dates.format_datetime(local, "zzzz", locale=locale)
    return _zone_names[key]


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
    # Lists show this for every row: the reader's language and zone are looked up once, not for each part
    # (Flask-Babel's helpers look both up at every call, which cost more than the formatting itself).
    day, moment = written_day_and_time(instant, date_locale(), get_timezone())
    return _("%(day)s, %(time)s", day=day, time=moment)


@bp.app_template_global()
def agenda_timetable(meeting: Meeting) -> list[agenda.Slot]:
    """The agenda's items with their start times, for pages and mails."""
    return agenda.timetable(meeting)
