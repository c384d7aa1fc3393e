"""The self-assessment's figures, kept between requests until the data they are read from changes.

Reading every measure of every year takes some thirty statements and most of the page's time, and the
figures of a past year only change when someone corrects the record. Each commit of a flush (or a bulk
statement) that touched a table the self-assessment reads gives `figures_version` a new token; the page
reads that one row and reuses the figures kept for the token, the years and the reader's language and
zone. The current year is read up to now, so its figures are kept only within the minute they were read in.
The partnership view's sources and their documents have a token of their own the same way (`PARTNERSHIP`,
`partnership/kept.py`), so that a fetch does not make the self-assessment read again, nor an answer the
other NMGs'.

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
from .self_assessment import trend as measures
from .self_assessment.definitions import Measure
from .self_assessment.document import document as open_document

NAME = "self_assessment"
#: set on a session that wrote to what the figures are read from, until it commits or rolls back
CHANGED = "figures_changed"
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
#: the token of the partnership view's sources and the documents kept from them
PARTNERSHIP = "partnership"
#: each token, by its name, with the tables whose changes give it a new value
WATCHED = {NAME: READS, PARTNERSHIP: frozenset({"partnership_source", "partnership_document"})}
#: kept entries at most; a change of token empties the store anyway
KEPT = 16

_kept: dict[tuple[Any, ...], dict[int, list[Measure]]] = {}


def current_token(name: str) -> str | None:
    """The token of `name` now (none until the first change on a database emptied by hand)."""
    return db.session.scalar(sa.select(FiguresVersion.token).where(FiguresVersion.name == name))


def trend(years: list[int], now: datetime | None = None) -> dict[int, list[Measure]]:
    """`self_assessment.trend.trend`, from the figures kept for the current data when there are some."""
    now = now or clock.now()
    this_year = clock.local(now).year
    token = current_token(NAME)
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


#: this group's open-format document of the current year, kept like the current year's figures: the
#: partnership view shows it beside the others at every request
_documents: dict[tuple[Any, ...], dict[str, Any]] = {}


def document(year: int, now: datetime | None = None) -> dict[str, Any]:
    """`self_assessment.document.document`, kept within the minute for the current data."""
    now = now or clock.now()
    token = current_token(NAME)
    key = (token, str(get_locale()), year, now.replace(second=0, microsecond=0))
    found = _documents.get(key)
    if found is None:
        found = open_document(year)
        if len(_documents) >= KEPT or any(kept[0] != token for kept in _documents):
            _documents.clear()
        _documents[key] = found
    return found


def _kept_or_read(key: tuple[Any, ...], years: tuple[int, ...], now: datetime) -> dict[int, list[Measure]]:
    found = _kept.get(key)
    if found is None:
        found = measures.trend(list(years), now)
        if len(_kept) >= KEPT or any(kept[0] != key[0] for kept in _kept):
            _kept.clear()
        _kept[key] = found
    return found


def _watched(table: Any) -> set[str]:
    """The tokens a change of `table` renews."""
    name = getattr(table, "name", None)
    return {token for token, tables in WATCHED.items() if name in tables}


def _mark(session: so.Session, tokens: set[str]) -> None:
    if tokens:
        session.info.setdefault(CHANGED, set()).update(tokens)


def _new_token(bind: Any, name: str) -> None:
    """A new token in a transaction of its own, after the change is committed: the row is locked for one
    statement only, so writers of members, meetings and answers never queue behind each other on it."""
    token = uuid.uuid4().hex
    table = FiguresVersion.__table__
    try:
        with bind.begin() as connection:
            updated = connection.execute(table.update().where(table.c.name == name).values(token=token))
            # The migration adds the first row; any other, and one a database emptied by hand lost, is
            # added with the first change.
            if not updated.rowcount:
                connection.execute(table.insert().values(name=name, token=token))
    except sa.exc.IntegrityError:
        pass  # another process put the row back at the same moment, with a token just as new


@sa.event.listens_for(so.Session, "before_flush")
def _on_flush(session: so.Session, flush_context: Any, instances: Any) -> None:
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    _mark(session, {name for obj in changed for name in _watched(getattr(obj, "__table__", None))})


@sa.event.listens_for(so.Session, "do_orm_execute")
def _on_statement(state: so.ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _mark(state.session, _watched(getattr(state.statement, "table", None)))


@sa.event.listens_for(so.Session, "after_commit")
def _after_commit(session: so.Session) -> None:
    for name in sorted(session.info.pop(CHANGED, ())):
        _new_token(session.get_bind(), name)


@sa.event.listens_for(so.Session, "after_rollback")
def _after_rollback(session: so.Session) -> None:
    session.info.pop(CHANGED, None)
