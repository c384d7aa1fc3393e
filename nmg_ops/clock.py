"""The NMG's notion of now and today: instants in UTC, calendar days in the NMG's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
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
