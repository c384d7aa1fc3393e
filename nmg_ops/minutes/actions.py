"""Action items: what was agreed to be done, by whom, by when; and what happened to it since.

Owners are current members, or the coordination team as a whole. An action agreed at a meeting is due
no earlier than the meeting. Owners update their own actions (status, notes); the coordination team
manages all of them. Every change is a line of the action's history (`ActionEvent`), so an action
carried over from meeting to meeting as a matter arising keeps its story.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from .. import audit, clock
from ..errors import RuleError, lock_row
from ..extensions import db
from ..models import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Invitation,
    Meeting,
    Member,
    action_owner,
)
from ..permissions import Role
from . import access, search

TITLE_MAX = ActionItem.__table__.c.title.type.length
REASON_MAX = ActionItem.__table__.c.dropped_reason.type.length
NOTES_MAX = 10_000
PER_PAGE = 50
OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
CLOSED = (ActionStatus.DONE, ActionStatus.DROPPED)
#: within open and within closed actions: the soonest due first, those without a day after, newest first
_BY_DUE_DAY = (ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id.desc())


class ActionError(RuleError):
    """A change the rules of actions refuse."""


@dataclass
class ActionData:
    title: str
    owner_ids: list[int] = field(default_factory=list)
    is_team_owned: bool = False
    due_on: date | None = None
    notes: str = ""
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    section: str = ""


@dataclass(frozen=True)
class ActionFilter:
    q: str = ""
    owner_id: int | None = None
    #: one status, or "open" meaning open and in progress
    status: str | None = None
    overdue: bool = False
    meeting_id: int | None = None
    working_group_id: int | None = None

    def args(self) -> dict[str, Any]:
        found = {
            "q": self.q,
            "owner": self.owner_id,
            "status": self.status,
            "overdue": "1" if self.overdue else "",
            "meeting": self.meeting_id,
            "working_group": self.working_group_id,
        }
        return {key: value for key, value in found.items() if value}


def action_of(action_id: int) -> ActionItem | None:
    return db.session.scalar(
        sa.select(ActionItem)
        .where(ActionItem.id == action_id)
        .options(
            so.selectinload(ActionItem.owners),
            so.joinedload(ActionItem.meeting),
            so.joinedload(ActionItem.agenda_item),
            so.selectinload(ActionItem.events).options(
                so.joinedload(ActionEvent.author), so.joinedload(ActionEvent.meeting)
            ),
        )
    )


def _owners(data: ActionData) -> list[Member]:
    ids = sorted(set(data.owner_ids))
    if not ids and not data.is_team_owned:
        raise ActionError(
            _l("Give the action an owner: one or more members, or the coordination team."), "owners"
        )
    found = list(db.session.scalars(sa.select(Member).where(Member.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise ActionError(_l("One of the owners is not a member."), "owners")
    gone = [m.full_name for m in found if not m.is_current]
    if gone:
        raise ActionError(
            _l("%(names)s no longer belongs to the NMG; choose a current member.", names=", ".join(gone)),
            "owners",
        )
    return found


def _meeting_and_item(data: ActionData) -> tuple[Meeting | None, AgendaItem | None]:
    meeting = db.session.get(Meeting, data.meeting_id) if data.meeting_id else None
    if data.meeting_id and meeting is None:
        raise ActionError(_l("That meeting does not exist."), "meeting_id")
    item = None
    if data.agenda_item_id:
        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or meeting is None or item.meeting_id != meeting.id:
            raise ActionError(_l("The agenda item is not on that meeting's agenda."), "agenda_item_id")
    return meeting, item


def _clean(data: ActionData) -> ActionData:
    title = (data.title or "").strip()
    notes = (data.notes or "").strip()
    if not title:
        raise ActionError(_l("Say what is to be done."), "title")
    if len(title) > TITLE_MAX:
        raise ActionError(_l("The action is limited to %(max)d characters.", max=TITLE_MAX), "title")
    if len(notes) > NOTES_MAX:
        raise ActionError(_l("Notes are limited to %(max)d characters.", max=NOTES_MAX), "notes")
    data.title, data.notes = title, notes
    return data


def _check_due(due_on: date | None, meeting: Meeting | None) -> None:
    if due_on is not None and meeting is not None and due_on < clock.local(meeting.starts_at).date():
        raise ActionError(_l("An action cannot be due before the meeting that agreed it."), "due_on")


def _search_text(action: ActionItem, owners: list[Member]) -> str:
    return search.fold_all(
        action.title, action.notes, action.dropped_reason, *(m.full_name for m in owners), f"A-{action.id}"
    )


def _label(action: ActionItem) -> str:
    return f"A-{action.id} {action.title}"


def record(data: ActionData, by_id: int | None) -> ActionItem:
    """A new open action, in its history as "recorded"."""
    data = _clean(data)
    owners = _owners(data)
    meeting, item = _meeting_and_item(data)
    _check_due(data.due_on, meeting)
    action = ActionItem(
        title=data.title,
        notes=data.notes,
        due_on=data.due_on,
        is_team_owned=data.is_team_owned,
        meeting_id=meeting.id if meeting else None,
        agenda_item_id=item.id if item else None,
        section=data.section if meeting else "",
        owners=owners,
        created_by_id=by_id,
    )
    action.events.append(
        ActionEvent(kind=ActionEventKind.CREATED, author_id=by_id, status_to=ActionStatus.OPEN)
    )
    db.session.add(action)
    db.session.flush()
    action.search_text = _search_text(action, owners)
    audit.record("created", "action_item", action.id, _label(action), {"title": [None, action.title]})
    db.session.commit()
    return action


def update(action: ActionItem, data: ActionData, by_id: int | None) -> bool:
    """Change what, who and when; returns whether anything changed."""
    data = _clean(data)
    owners = _owners(data)
    _check_due(data.due_on, action.meeting)
    before = {
        "title": action.title,
        "notes": action.notes,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "owners": sorted(m.full_name for m in action.owners) + (["CT"] if action.is_team_owned else []),
    }
    action.title, action.notes, action.due_on = data.title, data.notes, data.due_on
    action.owners, action.is_team_owned = owners, data.is_team_owned
    after = {
        "title": action.title,
        "notes": action.notes,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "owners": sorted(m.full_name for m in owners) + (["CT"] if data.is_team_owned else []),
    }
    changes = audit.diff(before, after)
    if not changes:
        db.session.rollback()
        return False
    action.search_text = _search_text(action, owners)
    action.events.append(
        ActionEvent(kind=ActionEventKind.EDITED, author_id=by_id, text=", ".join(sorted(changes)))
    )
    audit.record("updated", "action_item", action.id, _label(action), changes)
    db.session.commit()
    return True


def may_update(action: ActionItem, member_id: int | None, roles: frozenset[Role]) -> bool:
    """The team updates every action; a member their own, and the team's when they are in it."""
    if access.writes_minutes(roles):
        return True
    return member_id is not None and any(owner.id == member_id for owner in action.owners)


def change_status(
    action: ActionItem, status: ActionStatus, *, reason: str = "", note: str = "", by_id: int | None
) -> bool:
    """Move the action to `status`, with a reason when dropped and an optional note; False if unchanged."""
    reason, note = (reason or "").strip(), (note or "").strip()
    if status is ActionStatus.DROPPED and not reason:
        raise ActionError(_l("Say why the action is dropped."), "reason")
    if len(reason) > REASON_MAX:
        raise ActionError(_l("The reason is limited to %(max)d characters.", max=REASON_MAX), "reason")
    if len(note) > NOTES_MAX:
        raise ActionError(_l("Notes are limited to %(max)d characters.", max=NOTES_MAX), "note")
    lock_row(ActionItem, action.id)
    db.session.refresh(action)
    if status is action.status and not note:
        return False
    if status is not action.status:
        action.events.append(
            ActionEvent(
                kind=ActionEventKind.STATUS,
                status_from=action.status,
                status_to=status,
                text=reason if status is ActionStatus.DROPPED else note,
                author_id=by_id,
            )
        )
        audit.record(
            "updated",
            "action_item",
            action.id,
            _label(action),
            {"status": [action.status.value, status.value]},
        )
        action.status = status
        action.dropped_reason = reason if status is ActionStatus.DROPPED else ""
    elif note:
        action.events.append(ActionEvent(kind=ActionEventKind.NOTE, text=note, author_id=by_id))
    action.search_text = _search_text(action, list(action.owners))
    db.session.commit()
    return True


# --- reading ---------------------------------------------------------------------------------------------


def listed(query: sa.Select) -> sa.Select:
    return query.options(
        so.selectinload(ActionItem.owners), so.joinedload(ActionItem.meeting).joinedload(Meeting.type)
    )


def register_query(criteria: ActionFilter, today: date) -> sa.Select:
    """The team's register: every action matching the criteria, the most urgent first."""
    return listed(_register_select(criteria, today))


def _register_select(criteria: ActionFilter, today: date) -> sa.Select:
    closed_last = sa.case((ActionItem.status.in_(CLOSED), 1), else_=0)
    return _register_matches(criteria, today).order_by(closed_last, *_BY_DUE_DAY)


def _register_matches(criteria: ActionFilter, today: date) -> sa.Select:
    """The actions matching the criteria, in no order."""
    query = sa.select(ActionItem).where(search.matches(ActionItem.search_text, criteria.q))
    if criteria.status == "open":
        query = query.where(ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))
    elif criteria.status:
        query = query.where(ActionItem.status == ActionStatus(criteria.status))
    if criteria.overdue:
        query = query.where(
            ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]), ActionItem.due_on < today
        )
    if criteria.owner_id:
        query = query.where(
            ActionItem.id.in_(
                sa.select(action_owner.c.action_id).where(action_owner.c.member_id == criteria.owner_id)
            )
        )
    if criteria.meeting_id:
        query = query.where(ActionItem.meeting_id == criteria.meeting_id)
    if criteria.working_group_id:
        query = query.where(
            sa.exists().where(
                Invitation.meeting_id == ActionItem.meeting_id,
                Invitation.via_working_group_id == criteria.working_group_id,
            )
        )
    return query


def _in_order(ids: list[int]) -> list[ActionItem]:
    """The actions of `ids`, with their owners and meeting, in the order of `ids`.

    Lists sort ids first and load the rows they show after: sorting whole rows, notes and search text
    included, took most of the register's time at 10,000 actions."""
    found = {
        action.id: action
        for action in db.session.scalars(listed(sa.select(ActionItem).where(ActionItem.id.in_(ids))))
    }
    return [found[action_id] for action_id in ids]


class RegisterPage(Pagination):
    """A page of the register, open actions first, in a fixed number of statements.

    The open and the closed actions are sorted each on their own, each from its status index: sorting
    every action by whether it is closed took most of the page's time at 10,000 actions, though the
    first pages, those read, show open actions only."""

    def _query_count(self) -> int:
        return self._counts[0]

    @functools.cached_property
    def _counts(self) -> tuple[int, int]:
        """How many actions match, and how many of them are open: where the closed ones start."""
        matches = self._query_args["select"].subquery()
        total, still_open = db.session.execute(
            sa.select(sa.func.count(), sa.func.count().filter(matches.c.status.in_(OPEN)))
        ).one()
        return total, still_open

    def _query_items(self) -> list[ActionItem]:
        still_open = self._counts[1]
        ids = self._query_args["select"].with_only_columns(ActionItem.id).order_by(*_BY_DUE_DAY)
        start, end = self._query_offset, self._query_offset + self.per_page
        opened = ids.where(ActionItem.status.in_(OPEN)).offset(min(start, still_open))
        closed = ids.where(ActionItem.status.in_(CLOSED)).offset(max(start - still_open, 0))
        return _in_order(
            [
                *db.session.scalars(opened.limit(max(min(end, still_open) - start, 0))),
                *db.session.scalars(closed.limit(max(min(end - still_open, end - start), 0))),
            ]
        )


def register(criteria: ActionFilter, today: date, page: int) -> Pagination:
    matches = _register_matches(criteria, today).with_only_columns(ActionItem.id, ActionItem.status)
    return RegisterPage(page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False, select=matches)


def mine_clause(member_id: int, include_closed: bool) -> sa.ColumnElement[bool]:
    """`mine` as SQL over `ActionItem`, for the page and the read API alike."""
    member = db.session.get(Member, member_id)
    # From the member's owner rows (indexed), not a test of every action for an owner row.
    owned = ActionItem.id.in_(
        sa.select(action_owner.c.action_id).where(action_owner.c.member_id == member_id)
    )
    if member is not None and member.is_coordination_team:
        owned = sa.or_(owned, ActionItem.is_team_owned.is_(True))
    if include_closed:
        return owned
    return sa.and_(owned, ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]))


def mine(member_id: int, *, include_closed: bool = False, limit: int | None = None) -> list[ActionItem]:
    """The member's own actions, and the team's when they are in the coordination team; open ones first."""
    closed_last = sa.case((ActionItem.status.in_([ActionStatus.DONE, ActionStatus.DROPPED]), 1), else_=0)
    ids = (
        sa.select(ActionItem.id)
        .where(mine_clause(member_id, include_closed))
        .order_by(closed_last, ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return _in_order(list(db.session.scalars(ids if limit is None else ids.limit(limit))))


def count_mine(member_id: int) -> int:
    """How many open actions `mine` lists."""
    clause = mine_clause(member_id, include_closed=False)
    return db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem).where(clause)) or 0


def of_meeting(meeting_id: int) -> list[ActionItem]:
    return list(
        db.session.scalars(
            listed(sa.select(ActionItem).where(ActionItem.meeting_id == meeting_id)).order_by(ActionItem.id)
        )
    )


def overdue_count(today: date) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ActionItem)
            .where(
                ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                ActionItem.due_on < today,
            )
        )
        or 0
    )
