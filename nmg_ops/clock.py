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


def from_local(day: date, at: time, zone: str | None = None) -> datetime:
    """The UTC instant that a wall-clock time in the NMG's zone (or in `zone`) names.

    When the clocks go back, a time such as 02:30 occurs twice; it is read as its first occurrence, still in
    summer time (fold=0), the hour before the change. When the clocks go forward, a time such as 02:30 does
    not occur at all; zoneinfo would quietly shift it by an hour, so it raises NonexistentLocalTime instead.
    """
    tz = ZoneInfo(zone) if zone else nmg_zone()
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz)
    instant = wall.astimezone(UTC)
    # A skipped time does not survive the round trip: it comes back an hour later.
    if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise NonexistentLocalTime(wall.replace(tzinfo=None), tz.key)
    return instant
