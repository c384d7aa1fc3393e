"""Meeting types: the agreed cadence as data, seeded from the configuration and editable afterwards."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import MeetingMode, MeetingType


def seed_meeting_types() -> list[MeetingType]:
    """Create the configured types that do not exist yet (matched by code); edited types are left alone."""
    existing = set(db.session.scalars(sa.select(MeetingType.code)))
    created = []
    for position, spec in enumerate(current_app.config["MEETING_TYPES"], start=1):
        if spec["code"] in existing:
            continue
        created.append(
            MeetingType(
                code=spec["code"],
                name=spec["name"],
                default_mode=MeetingMode(spec["default_mode"]),
                target_per_year=spec.get("target_per_year"),
                min_onsite_per_year=spec.get("min_onsite_per_year", 0),
                default_duration_minutes=spec.get("default_duration_minutes", 120),
                reminder_days=list(spec.get("reminder_days", [])),
                agenda_call_days=spec.get("agenda_call_days"),
                position=position,
            )
        )
    if created:
        db.session.add_all(created)
        db.session.commit()
    return created


def meeting_types(include_inactive: bool = False) -> list[MeetingType]:
    """The NMG's meeting types in their agreed order; a new installation gets the configured ones first."""
    query = sa.select(MeetingType).order_by(MeetingType.position, MeetingType.id)
    if not include_inactive:
        query = query.where(MeetingType.is_active)
    types = list(db.session.scalars(query))
    if not types and not db.session.scalar(sa.select(sa.func.count()).select_from(MeetingType)):
        seed_meeting_types()
        types = list(db.session.scalars(query))
    return types


def meeting_type(code: str) -> MeetingType | None:
    meeting_types()
    return db.session.scalar(sa.select(MeetingType).where(MeetingType.code == code))
