"""The team's view of the e-news subscribers, and reading a list of addresses to invite.

Reading writes nothing: the team previews what the import would do, row by row, before
`subscriptions.apply_import` invites anybody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import clock
from ..extensions import db
from ..members.mapping.reading import MappingFileError, csv_records
from ..models import Language, Member, NewsSubscriber, NewsSuppression, SubscriberStatus
from ..text import is_single_line
from .addresses import BadAddress, normalised

_NAME_MAX = NewsSubscriber.__table__.c.name.type.length


@dataclass(frozen=True)
class Overview:
    counts: dict[SubscriberStatus, int]
    members_receiving: int
    members_opted_out: int
    suppressions: Sequence[NewsSuppression]


def overview() -> Overview:
    by_status = dict(
        db.session.execute(
            sa.select(NewsSubscriber.status, sa.func.count()).group_by(NewsSubscriber.status)
        ).all()
    )
    current = Member.current_clause(clock.today())
    members = dict(
        db.session.execute(
            sa.select(Member.news_opt_out, sa.func.count()).where(current).group_by(Member.news_opt_out)
        ).all()
    )
    return Overview(
        counts={status: by_status.get(status, 0) for status in SubscriberStatus},
        members_receiving=members.get(False, 0),
        members_opted_out=members.get(True, 0),
        suppressions=db.session.scalars(
            sa.select(NewsSuppression).order_by(NewsSuppression.at.desc(), NewsSuppression.id.desc())
        ).all(),
    )


def subscribers_select(search: str | None) -> sa.Select[tuple[NewsSubscriber]]:
    query = sa.select(NewsSubscriber).order_by(NewsSubscriber.email)
    if search:
        query = query.where(NewsSubscriber.email.contains(search.lower(), autoescape=True))
    return query


# --- the import -------------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("email", "name", "language")


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    name: str
    language: Language
    #: why the row invites nobody (the address is known already), None when it invites
    skipped: str | None = None


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    #: (line, message), in file order
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def invitations(self) -> list[ImportRow]:
        return [row for row in self.rows if row.skipped is None]


def _header(cells: list[str], line: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.strip().casefold()
        if name in IMPORT_COLUMNS and name not in positions:
            positions[name] = index
    if "email" not in positions:
        raise MappingFileError(_("Line %(line)d: the header has no “email” column.", line=line))
    return positions


def _language(value: str) -> Language | None:
    if not value:
        return Language(current_app.config["DEFAULT_LANGUAGE"])
    spelling = value.strip().casefold()
    for language in Language:
        if spelling in {language.value, language.label.casefold()}:
            return language
    return None


def plan_import(text: str) -> ImportPlan:
    """What importing a subscriber list (CSV: email, name, language) would do; writes nothing.

    Raises MappingFileError when the file as a whole cannot be read.
    """
    records = csv_records(text) if text.strip() else []
    if not records:
        raise MappingFileError(_("The file is empty."))
    (header_line, header), *rows = records
    columns = _header(header, header_line)
    known = set(db.session.scalars(sa.select(NewsSubscriber.email)))
    suppressed = set(db.session.scalars(sa.select(NewsSuppression.email)))
    members = set(db.session.scalars(sa.select(Member.email).where(Member.current_clause(clock.today()))))
    plan = ImportPlan()
    first_line: dict[str, int] = {}

    def cell(cells: list[str], column: str) -> str:
        index = columns.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line, cells in rows:
        problems = []
        try:
            email = normalised(cell(cells, "email"))
        except BadAddress as exc:
            email = ""
            problems.append(
                _("“%(value)s” is not an e-mail address: %(reason)s", value=cell(cells, "email"), reason=exc)
            )
        name = cell(cells, "name")
        if not is_single_line(name):
            problems.append(_("The name must be a single line."))
        elif len(name) > _NAME_MAX:
            problems.append(_("The name is longer than %(max)d characters.", max=_NAME_MAX))
        language = _language(cell(cells, "language"))
        if language is None:
            problems.append(_("“%(value)s” is not a language; use it or en.", value=cell(cells, "language")))
        if email and email in first_line:
            problems.append(_("The address is also on line %(line)d.", line=first_line[email]))
        elif email:
            first_line[email] = line
        if problems:
            plan.errors.extend((line, problem) for problem in problems)
            continue
        assert language is not None
        skipped = (
            _("already on the subscriber list; left as it is")
            if email in known
            else _("a member's address: receives the members' edition")
            if email in members
            else _("suppressed after a refused delivery")
            if email in suppressed
            else None
        )
        plan.rows.append(ImportRow(line, email, name, language, skipped))
    return plan
