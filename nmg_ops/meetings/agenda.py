"""A meeting's agenda: ordered items kept numbered 1..n, every change recorded in the audit trail.

Once a meeting has been held (its attendance recorded), its agenda is part of the record: the
coordination team can no longer change it, and the coordinator's changes are corrections, audited as
such. A cancelled meeting's agenda is frozen for everyone, as it documents what was planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..errors import RuleError, lock_row
from ..extensions import db
from ..models import AgendaItem, Meeting, MeetingStatus
from . import agenda_order

TITLE_MAX = AgendaItem.__table__.c.title.type.length
PRESENTER_MAX = AgendaItem.__table__.c.presenter.type.length
DURATION_MIN = 1
DURATION_MAX = 600
NOTES_MAX = 10_000

#: what an audit entry compares
ITEM_FIELDS = ["position", "title", "presenter", "duration_minutes", "notes"]


class AgendaError(RuleError):
    """A change the agenda's rules refuse."""


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass
class AgendaItemData:
    title: str
    presenter: str = ""
    duration_minutes: int | None = None
    notes: str = ""


def meeting_with_agenda(meeting_id: int) -> Meeting | None:
    """The meeting with its type and its agenda in order, each loaded once."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(so.joinedload(Meeting.type), so.selectinload(Meeting.agenda_items))
    )


def item_of(meeting: Meeting, item_id: int) -> AgendaItem | None:
    """The item if it belongs to this meeting; an item of another meeting is not found."""
    return db.session.scalar(
        sa.select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
    )


def is_held(meeting: Meeting) -> bool:
    return meeting.status is MeetingStatus.HELD or any(i.attendance is not None for i in meeting.invitations)


def is_editable(meeting: Meeting, *, may_correct: bool = False) -> bool:
    """Whether the agenda can change; `may_correct` is the coordinator's right to correct a held one."""
    if meeting.status is MeetingStatus.CANCELLED:
        return False
    return may_correct or not is_held(meeting)


def total_minutes(items: Iterable[AgendaItem]) -> int:
    return sum(item.duration_minutes or 0 for item in items)


def meeting_minutes(meeting: Meeting) -> int:
    return int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)


def check_editable(meeting: Meeting, may_correct: bool) -> str | None:
    """Refuse a change the agenda no longer takes; "corrected" when it is a correction of the record."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise AgendaError(_l("This meeting has been cancelled; its agenda can no longer be changed."))
    if not is_held(meeting):
        return None
    if not may_correct:
        raise AgendaError(
            _l("This meeting was held: its agenda is part of the record. The coordinator can correct it.")
        )
    return "corrected"


def _clean(data: AgendaItemData) -> AgendaItemData:
    """The data as stored, or the first rule it breaks; forms check the same, this guards other callers."""
    title = data.title.strip()
    presenter = (data.presenter or "").strip()
    notes = (data.notes or "").strip()
    if not title:
        raise AgendaError(_l("An agenda item needs a title."))
    if len(title) > TITLE_MAX or len(presenter) > PRESENTER_MAX:
        raise AgendaError(_l("Titles and presenters are limited to %(max)d characters.", max=TITLE_MAX))
    if data.duration_minutes is not None and not DURATION_MIN <= data.duration_minutes <= DURATION_MAX:
        raise AgendaError(
            _l("The duration must be %(min)d to %(max)d minutes.", min=DURATION_MIN, max=DURATION_MAX)
        )
    if len(notes) > NOTES_MAX:
        raise AgendaError(_l("Notes are limited to %(max)d characters.", max=NOTES_MAX))
    return AgendaItemData(title, presenter, data.duration_minutes, notes)


def _items_locked(meeting: Meeting) -> list[AgendaItem]:
    """The items in order, read fresh under a lock on the meeting row.

    Two editors adding or moving items at once would otherwise both compute positions from the same
    starting point. SQLite ignores the lock, but serialises writers anyway.
    """
    lock_row(Meeting, meeting.id)
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .execution_options(populate_existing=True)
        )
    )


def _renumber(items: list[AgendaItem]) -> None:
    """Positions 1..n in list order, closing any gap."""
    for position, item in enumerate(items, start=1):
        item.position = position


def _label(meeting: Meeting, item: AgendaItem) -> str:
    return f"{meeting.title}: {item.title}"


def _state(item: AgendaItem) -> dict[str, Any]:
    return audit.snapshot(item, ITEM_FIELDS)


def add_item(meeting: Meeting, data: AgendaItemData, *, may_correct: bool = False) -> AgendaItem:
    """Add the team's item at the end of the agenda, before a last "any other business"."""
    correction = check_editable(meeting, may_correct)
    item = append_item(meeting, data, audit_as=correction or "created")
    db.session.commit()
    return item


def append_item(
    meeting: Meeting, data: AgendaItemData, *, kind: str = "", audit_as: str = "created"
) -> AgendaItem:
    """Add an item in the caller's transaction, in the place agenda_order gives it; the items the
    application adds itself (matters arising, approval of minutes) are committed by the caller with the
    change that called for them."""
    data = _clean(data)
    items = _items_locked(meeting)
    item = AgendaItem(
        meeting_id=meeting.id,
        position=0,
        title=data.title,
        presenter=data.presenter,
        duration_minutes=data.duration_minutes,
        notes=data.notes,
        kind=kind,
    )
    items.insert(agenda_order.place_of(items, kind, data.title), item)
    _renumber(items)
    db.session.add(item)
    db.session.flush()
    audit.record(audit_as, "agenda_item", item.id, _label(meeting, item), _state(item))
    return item


def claim_or_add(meeting: Meeting, data: AgendaItemData, kind: str) -> AgendaItem:
    """The application's item of `kind` in the caller's transaction: the item the team already wrote for
    it, which takes the kind and keeps its title and place, or else a new one."""
    item = agenda_order.team_written(_items_locked(meeting), kind)
    if item is None:
        return append_item(meeting, data, kind=kind)
    before = _state(item)
    item.kind = kind
    item.duration_minutes = item.duration_minutes or data.duration_minutes
    item.notes = "\n".join(filter(None, [item.notes, data.notes]))[:NOTES_MAX]
    changes = audit.diff(before, _state(item))
    if changes:
        audit.record("updated", "agenda_item", item.id, _label(meeting, item), changes)
    return item


@dataclass(frozen=True)
class Slot:
    """An item on the timetable; `starts` is None once an item before it has no duration."""

    item: AgendaItem
    starts: datetime | None

    def clock_time(self, zone: str) -> str:
        """The start on the clock in `zone`, as mails show it to each reader."""
        return f"{clock.local(self.starts, zone):%H:%M}" if self.starts else ""


def timetable(meeting: Meeting) -> list[Slot]:
    """Each item with the instant it starts: the meeting's start plus the durations of the items before it.

    Durations are elapsed time, so on the night the clocks change an item of an hour that starts at 01:30
    is followed by one at 03:30 (spring) or at 01:30 again (autumn). After an item without a duration the
    following starts cannot be known and are left out.
    """
    slots = []
    starts: datetime | None = meeting.starts_at
    for item in meeting.agenda_items:
        slots.append(Slot(item, starts))
        known = starts is not None and item.duration_minutes
        starts = starts + timedelta(minutes=item.duration_minutes or 0) if known else None
    return slots


def update_item(
    meeting: Meeting, item: AgendaItem, data: AgendaItemData, *, may_correct: bool = False
) -> bool:
    """Change an item's content (not its place); returns whether anything changed."""
    correction = check_editable(meeting, may_correct)
    data = _clean(data)
    before = _state(item)
    item.title = data.title
    item.presenter = data.presenter
    item.duration_minutes = data.duration_minutes
    item.notes = data.notes
    changes = audit.diff(before, _state(item))
    if changes:
        audit.record(correction or "updated", "agenda_item", item.id, _label(meeting, item), changes)
    db.session.commit()
    return bool(changes)


def _position_in(items: list[AgendaItem], item: AgendaItem) -> int:
    for index, other in enumerate(items):
        if other.id == item.id:
            return index
    raise AgendaError(_l("This item has just been removed from the agenda."))


def delete_item(meeting: Meeting, item: AgendaItem, *, may_correct: bool = False) -> None:
    """Remove an item; the items after it move up, so that positions stay 1..n."""
    correction = check_editable(meeting, may_correct)
    items = _items_locked(meeting)
    del items[_position_in(items, item)]
    audit.record(correction or "deleted", "agenda_item", item.id, _label(meeting, item), _state(item))
    db.session.delete(item)
    _renumber(items)
    db.session.commit()


def move_item(meeting: Meeting, item: AgendaItem, direction: Direction, *, may_correct: bool = False) -> bool:
    """Swap the item with its neighbour; returns False when it is already first (up) or last (down)."""
    correction = check_editable(meeting, may_correct)
    items = _items_locked(meeting)
    index = _position_in(items, item)
    target = index - 1 if direction is Direction.UP else index + 1
    if not 0 <= target < len(items):
        db.session.rollback()
        return False
    before = item.position
    items[index], items[target] = items[target], items[index]
    _renumber(items)
    audit.record(
        correction or "updated",
        "agenda_item",
        item.id,
        _label(meeting, item),
        {"position": [before, item.position]},
    )
    db.session.commit()
    return True
