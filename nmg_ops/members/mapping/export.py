"""The current members as a mapping file."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
import sqlalchemy.orm as so

from ... import clock
from ...extensions import db
from ...models import Member
from ...permissions import term_on
from ...text import defuse_formula
from .columns import COORDINATOR, GENDER_NAMES, Column


def role_name(member: Member, coordinator_id: int | None) -> str:
    """The Role cell: coordinator for today's term holder, else the stored role in English."""
    return COORDINATOR if member.id == coordinator_id else member.role.value.replace("_", " ")


def export_csv() -> str:
    """The current members as a mapping file, with a BOM so that Excel reads it as UTF-8."""
    today = clock.today()
    members = db.session.scalars(
        sa.select(Member)
        .join(Member.organisation)
        .where(Member.current_clause(today))
        .options(so.contains_eager(Member.organisation), so.selectinload(Member.working_groups))
    ).all()
    term = term_on(today)
    coordinator_id = term.member_id if term else None
    # Sorted here rather than in SQL: SQLite and PostgreSQL collate differently, and the file should not.
    members = sorted(members, key=lambda m: (m.organisation.name.casefold(), m.full_name.casefold(), m.email))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.value for column in Column])
    for member in members:
        cells = {
            Column.WORKING_GROUP: "; ".join(group.code for group in member.working_groups),
            Column.ROLE: role_name(member, coordinator_id),
            Column.STAKEHOLDER_TYPE: member.organisation.stakeholder_type.b1mg_name,
            Column.INSTITUTION: member.organisation.name,
            Column.NAME: member.full_name,
            Column.POSITION: member.position or "",
            Column.GENDER: GENDER_NAMES[member.gender] if member.gender else "",
            Column.REGION: member.region or "",
            Column.CONTACT: member.email,
        }
        writer.writerow([defuse_formula(cells[column]) for column in Column])
    return "\ufeff" + out.getvalue()
