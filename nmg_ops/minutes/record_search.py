"""Searching the record: the minutes, decisions and actions the reader may read that hold every word of
a query, the first of each kind with their counts (see `search` for how words match)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import Meeting, Minutes
from ..permissions import Role
from . import access, actions, decisions, search

#: results shown of each kind; the counts say how many more there are
SEARCH_LIMIT = 20


@dataclass
class Found:
    minutes: Pagination
    decisions: Pagination
    actions: Pagination


def find(q: str, member_id: int, roles: frozenset[Role], today: date) -> Found:
    """The first results of each kind, each with its count: six statements or so, whatever the record."""
    minutes = (
        sa.select(Minutes)
        .join(Minutes.meeting)
        .join(Meeting.type)
        .where(access.readable_meetings_clause(member_id, roles), search.matches(Minutes.search_text, q))
        .options(so.contains_eager(Minutes.meeting).contains_eager(Meeting.type))
        .order_by(Meeting.starts_at.desc())
    )
    found_decisions = decisions.register_query(decisions.DecisionFilter(q=q), member_id, roles)
    found_actions = actions.register_query(actions.ActionFilter(q=q), today).where(
        access.visible_actions_clause(member_id, roles)
    )
    return Found(
        *(
            db.paginate(query, page=1, per_page=SEARCH_LIMIT, error_out=False)
            for query in (minutes, found_decisions, found_actions)
        )
    )
