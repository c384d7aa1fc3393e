"""Meeting types: the agreed cadence as data, seeded from the configuration and editable afterwards."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import RuleError
from ..extensions import db
from ..models import MeetingMode, MeetingType, MinutesApproval

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")


class MeetingTypeError(RuleError):
    """A rule on a meeting type's cadence or defaults refused the change."""


@dataclass
class TypeData:
    name: str
    default_mode: MeetingMode
    target_per_year: int | None
    min_onsite_per_year: int
    default_duration_minutes: int
    reminder_days: list[int]
    agenda_call_days: int | None
    is_active: bool = True
    minutes_comment_days: int = 10
    minutes_approval: MinutesApproval = MinutesApproval.MEETING
    #: the type of the meetings that approve its minutes; None: a meeting of this same type
    minutes_approving_type_id: int | None = None
    lists_attendees: bool = True
    #: the name in each language, by code; `name` is the one in the NMG's default language
    names: dict[str, str] = field(default_factory=dict)


def seed_meeting_types() -> list[MeetingType]:
    """Create the configured types that do not exist yet (matched by code); edited types are left alone.

    The migration that creates a database does the same once; this is for a database emptied since."""
    existing = set(db.session.scalars(sa.select(MeetingType.code)))
    created = []
    for position, spec in enumerate(current_app.config["MEETING_TYPES"], start=1):
        if spec["code"] in existing:
            continue
        created.append(
            MeetingType(
                code=spec["code"],
                name=spec["name"],
                names=dict(spec["names"]),
                default_mode=MeetingMode(spec["default_mode"]),
                target_per_year=spec.get("target_per_year"),
                min_onsite_per_year=spec.get("min_onsite_per_year", 0),
                default_duration_minutes=spec.get("default_duration_minutes", 120),
                reminder_days=list(spec.get("reminder_days", [])),
                agenda_call_days=spec.get("agenda_call_days"),
                minutes_comment_days=spec.get("minutes_comment_days", 10),
                minutes_approval=MinutesApproval(spec.get("minutes_approval", "meeting")),
                lists_attendees=spec.get("lists_attendees", True),
                position=position,
            )
        )
    if created:
        db.session.add_all(created)
        db.session.flush()
        ids = dict(db.session.execute(sa.select(MeetingType.code, MeetingType.id)).all())
        approvers = {
            spec["code"]: spec.get("minutes_approved_at", "plenary")
            for spec in current_app.config["MEETING_TYPES"]
        }
        for kind in created:
            kind.minutes_approving_type_id = ids.get(approvers[kind.code])
        db.session.commit()
    return created


def meeting_types(include_inactive: bool = False) -> list[MeetingType]:
    """The NMG's meeting types in their agreed order (seeded once, by the migration that made the table)."""
    query = sa.select(MeetingType).order_by(MeetingType.position, MeetingType.id)
    if not include_inactive:
        query = query.where(MeetingType.is_active)
    return list(db.session.scalars(query))


def meeting_type(code: str) -> MeetingType | None:
    return db.session.scalar(sa.select(MeetingType).where(MeetingType.code == code))


def _check(data: TypeData) -> None:
    if data.target_per_year is not None and data.min_onsite_per_year > data.target_per_year:
        raise MeetingTypeError(
            _l("At most the number of meetings per year (%(target)d).", target=data.target_per_year),
            "min_onsite_per_year",
        )
    if data.target_per_year is None and data.min_onsite_per_year:
        raise MeetingTypeError(
            _l("An onsite minimum needs a number of meetings per year."), "min_onsite_per_year"
        )


def _apply(kind: MeetingType, data: TypeData) -> None:
    for name, value in asdict(data).items():
        setattr(kind, name, value)


FIELDS = [field.name for field in fields(TypeData)]


def create_type(code: str, data: TypeData) -> MeetingType:
    if not CODE_PATTERN.fullmatch(code):
        raise MeetingTypeError(_l("Use lower-case letters, digits and _, starting with a letter."), "code")
    if db.session.scalar(sa.select(MeetingType.id).where(MeetingType.code == code)) is not None:
        raise MeetingTypeError(_l("Another meeting type already has this code."), "code")
    _check(data)
    position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(MeetingType.position), 0))) + 1
    kind = MeetingType(code=code, position=position)
    _apply(kind, data)
    db.session.add(kind)
    db.session.flush()
    audit.record("created", "meeting_type", kind.id, kind.name, audit.snapshot(kind, ["code", *FIELDS]))
    db.session.commit()
    return kind


def update_type(kind: MeetingType, data: TypeData) -> None:
    """Change a type; meetings already scheduled keep their times, new reminders follow the new offsets."""
    _check(data)
    before = audit.snapshot(kind, FIELDS)
    _apply(kind, data)
    changes = audit.diff(before, audit.snapshot(kind, FIELDS))
    if changes:
        audit.record("updated", "meeting_type", kind.id, kind.name, changes)
    db.session.commit()
