"""Governance rules: the coordinator rotation and the group's composition against the B1MG guidance."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import g

from .. import clock
from ..extensions import db
from ..models import CoordinatorTerm


def term_on(day: date) -> CoordinatorTerm | None:
    return db.session.scalar(
        sa.select(CoordinatorTerm).where(CoordinatorTerm.starts_on <= day, CoordinatorTerm.ends_on > day)
    )


def current_coordinator_id() -> int | None:
    """The id of today's coordinator, looked up once per request."""
    if "nmg_coordinator_id" not in g:
        term = term_on(clock.today())
        g.nmg_coordinator_id = term.member_id if term else None
    return g.nmg_coordinator_id
