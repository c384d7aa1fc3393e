"""The NMG's notion of now and today: instants in UTC, calendar days in the NMG's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def nmg_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else "Europe/Rome"
    return ZoneInfo(name)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The day it is in the NMG's zone, which decides terms, joining and leaving dates."""
    return now().astimezone(nmg_zone()).date()


def local(instant: datetime, zone: str | None = None) -> datetime:
    return instant.astimezone(ZoneInfo(zone) if zone else nmg_zone())


class NonexistentLocalTime(ValueError):
    """A wall-clock time that the zone skips when its clocks go forward."""

    def __init__(self, wall: datetime, zone: str) -> None:
        super().__init__(f"{wall:%Y-%m-%d %H:%M} does not exist in {zone}")
        self.wall = wall
        self.zone = zone


def occurrences(day: date, at: time, zone: str | None = None) -> tuple[datetime, ...]:
    """The UTC instants that a wall-clock time in the NMG's zone (or in `zone`) names, earliest first.

    Usually one. None when the clocks go forward past it (02:30 on the last Sunday of March in Rome), two
    when they go back over it (02:30 on the last Sunday of October: first in summer, then in winter time).
    """
    tz = ZoneInfo(zone) if zone else nmg_zone()
    found: list[datetime] = []
    for fold in (0, 1):
        instant = datetime.combine(day, at.replace(tzinfo=None, fold=fold), tzinfo=tz).astimezone(UTC)
        # A skipped time does not survive the round trip: zoneinfo moves it by the size of the gap.
        shown = instant.astimezone(tz)
        if (shown.date(), shown.time()) == (day, at.replace(tzinfo=None, fold=0)) and instant not in found:
            found.append(instant)
    return tuple(sorted(found))


def is_repeated(instant: datetime, zone: str | None = None) -> bool:
    """Whether the instant's wall-clock time occurs twice in the zone, in the hour the clocks go back."""
    wall = local(instant, zone)
    return len(occurrences(wall.date(), wall.time(), zone)) > 1


def from_local(day: date, at: time, zone: str | None = None) -> datetime:
    """The UTC instant that a wall-clock time in the NMG's zone (or in `zone`) names.

    When the clocks go back, a time such as 02:30 occurs twice; it is read as its first occurrence, still in
    summer time, the hour before the change (what a meeting may not be given is the meetings' rule). When
    the clocks go forward, a time such as 02:30 does not occur at all; zoneinfo would quietly shift it by an
    hour, so it raises NonexistentLocalTime instead.
    """
    found = occurrences(day, at, zone)
    if not found:
        raise NonexistentLocalTime(datetime.combine(day, at.replace(tzinfo=None)), zone or nmg_zone().key)
    return found[0]
