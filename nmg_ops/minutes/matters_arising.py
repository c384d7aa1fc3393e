"""Matters arising: the open actions of earlier meetings of the same type, carried to the next meeting's
agenda as one item, each action's history saying so."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..i18n import format_date
from ..meetings import agenda, agenda_order
from ..models import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingStatus,
)
from .actions import ActionError, listed

#: the kind of the agenda item the application adds and keeps
MATTERS_ARISING = agenda_order.MATTERS_ARISING


def matters_arising(meeting: Meeting) -> list[ActionItem]:
    """Open actions from earlier meetings of the same type not yet carried to this one, the overdue first."""
    carried = sa.exists().where(
        ActionEvent.action_id == ActionItem.id,
        ActionEvent.kind == ActionEventKind.CARRIED,
        ActionEvent.meeting_id == meeting.id,
    )
    earlier = (
        sa.select(Meeting.id)
        .where(
            Meeting.type_id == meeting.type_id,
            Meeting.starts_at < meeting.starts_at,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .scalar_subquery()
    )
    query = sa.select(ActionItem).where(
        ActionItem.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
        ActionItem.meeting_id.in_(earlier),
        ~carried,
    )
    return list(
        db.session.scalars(
            listed(query).order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
    )


def _arising_line(action: ActionItem, today: date) -> str:
    owners = ", ".join(m.full_name for m in action.owners)
    if action.is_team_owned:
        owners = ", ".join(filter(None, [owners, str(_l("coordination team"))]))
    due = ""
    if action.due_on:
        due = f" — {_l('due %(day)s', day=format_date(action.due_on, 'medium'))}"
        if action.is_overdue(today):
            due += f" ({_l('overdue')})"
    return f"- A-{action.id} {action.title} ({owners}){due}"


def carry_over(
    meeting: Meeting, action_ids: list[int], by_id: int | None, *, may_correct: bool = False
) -> AgendaItem:
    """Put the chosen open actions on the meeting's agenda under "Matters arising" (one item, made once),
    each with a line in its history saying so."""
    agenda.check_editable(meeting, may_correct)
    offered = {action.id: action for action in matters_arising(meeting)}
    chosen = [offered[i] for i in dict.fromkeys(action_ids) if i in offered]
    if not chosen:
        raise ActionError(_l("Choose the open actions to carry over."), "actions")
    today = clock.today()
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        lines = "\n".join(_arising_line(action, today) for action in chosen)
        title = str(_l("Matters arising"))
    item = db.session.scalar(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.kind == MATTERS_ARISING)
    )
    if item is None:
        item = agenda.claim_or_add(meeting, agenda.AgendaItemData(title=title, notes=lines), MATTERS_ARISING)
    else:
        item.notes = f"{item.notes}\n{lines}".strip()[: agenda.NOTES_MAX]
    for action in chosen:
        action.events.append(
            ActionEvent(kind=ActionEventKind.CARRIED, meeting_id=meeting.id, author_id=by_id)
        )
    db.session.commit()
    return item
