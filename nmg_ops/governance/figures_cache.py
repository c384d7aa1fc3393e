"""The self-assessment's figures, kept between requests until the data they are read from changes.

Reading every measure of every year takes some thirty statements and most of the page's time, and the
figures of a past year only change when someone corrects the record. Each flush (and each bulk statement)
that touches a table the self-assessment reads gives `figures_version` a new token; the page reads that
one row and reuses the figures kept for the token, the years and the reader's language and zone. The
current year is read up to now, so its figures are kept only within the minute they were read in.

The figures are kept per process: each worker reads them once after each change.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale, get_timezone

from .. import clock
from ..extensions import db
from ..models import FiguresVersion
from . import self_assessment
from .self_assessment import Measure

NAME = "self_assessment"
#: the tables the self-assessment reads: members and their organisations and groups (the composition),
#: coordinator terms, meeting types, meetings and who attended, the e-news, documents, and the answers
READS = frozenset(
    {
        "member",
        "organisation",
        "working_group",
        "member_working_group",
        "coordinator_term",
        "meeting_type",
        "meeting",
        "invitation",
        "news_issue",
        "document",
        "document_version",
        "self_assessment_answer",
    }
)
#: kept entries at most; a change of token empties the store anyway
KEPT = 16

_kept: dict[tuple[Any, ...], dict[int, list[Measure]]] = {}


def trend(years: list[int], now: datetime | None = None) -> dict[int, list[Measure]]:
    """`self_assessment.trend`, from the figures kept for the current data when there are some."""
    now = now or clock.now()
    this_year = clock.local(now).year
    token = db.session.scalar(sa.select(FiguresVersion.token).where(FiguresVersion.name == NAME))
    reader = (str(get_locale()), str(get_timezone()))
    past = tuple(sorted(year for year in set(years) if year < this_year))
    current = tuple(sorted(year for year in set(years) if year >= this_year))
    result: dict[int, list[Measure]] = {}
    if past:
        result.update(_kept_or_read((token, reader, this_year, past), past, now))
    if current:
        minute = now.replace(second=0, microsecond=0)
        result.update(_kept_or_read((token, reader, minute, current), current, now))
    return dict(sorted(result.items()))


def _kept_or_read(key: tuple[Any, ...], years: tuple[int, ...], now: datetime) -> dict[int, list[Measure]]:
    found = _kept.get(key)
    if found is None:
        found = self_assessment.trend(list(years), now)
        if len(_kept) >= KEPT or any(kept[0] != key[0] for kept in _kept):
            _kept.clear()
        _kept[key] = found
    return found


def _touches_reads(table: Any) -> bool:
    return getattr(table, "name", None) in READS


def _mark_changed(session: so.Session) -> None:
    with session.no_autoflush:
        updated = session.execute(
            sa.update(FiguresVersion).where(FiguresVersion.name == NAME).values(token=uuid.uuid4().hex)
        )
        # The migration adds the row; a database emptied by hand gets it back with the first change.
        pending = any(isinstance(obj, FiguresVersion) for obj in session.new)
        if not updated.rowcount and not pending:
            session.add(FiguresVersion(name=NAME, token=uuid.uuid4().hex))


@sa.event.listens_for(so.Session, "before_flush")
def _on_flush(session: so.Session, flush_context: Any, instances: Any) -> None:
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    if any(_touches_reads(getattr(obj, "__table__", None)) for obj in changed):
        _mark_changed(session)


@sa.event.listens_for(so.Session, "do_orm_execute")
def _on_statement(state: so.ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _touches_reads(
        getattr(state.statement, "table", None)
    ):
        _mark_changed(state.session)
