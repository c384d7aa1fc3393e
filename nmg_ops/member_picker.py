"""Choosing members in a form by typing, instead of a select of every member.

A select of 500 members weighs 30 KB and takes longer to build than the rest of its page. The picker is a
text field: with JavaScript it offers the members whose name or e-mail holds what was typed (from
`/members/search.json`, `static/member_picker.js`); without, the reader types an e-mail address or a name.
The server reads either, and an id as links carry it, and says so under the field when nothing or
several members match. `MembersField` reads several members the same way, separated by semicolons.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from . import clock
from .extensions import db
from .forms import record_id
from .models import Member

#: how many members the search offers at once
OFFERED = 10
#: how many of several matching members the error names
NAMED = 3
#: what a member picker reads at most; names and e-mail addresses are far shorter
TEXT_MAX = 320
_IN_BRACKETS = re.compile(r"<([^<>]+)>\s*$")

Scope = Callable[[], sa.ColumnElement[bool] | None]


def label(member: Member) -> str:
    """How a chosen member reads in the field: the name, and the e-mail that names them alone."""
    return f"{member.full_name} <{member.email}>"


def _words_clause(text: str) -> sa.ColumnElement[bool]:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return sa.or_(
        sa.func.lower(Member.full_name).like(pattern, escape="\\"),
        sa.func.lower(Member.email).like(pattern, escape="\\"),
    )


def search(text: str, where: sa.ColumnElement[bool] | None = None, limit: int = OFFERED) -> list[Member]:
    """Members whose name or e-mail holds `text`, by name; at most `limit`."""
    text = text.strip()[:TEXT_MAX]
    if not text:
        return []
    query = sa.select(Member).where(_words_clause(text))
    if where is not None:
        query = query.where(where)
    return list(db.session.scalars(query.order_by(sa.func.lower(Member.full_name), Member.id).limit(limit)))


def resolve(text: str, where: sa.ColumnElement[bool] | None = None) -> Member:
    """The one member `text` names: an id, an e-mail address ("Name <e-mail>" too), or a name or part of
    one that fits a single member; ValueError saying what went wrong otherwise."""
    text = text.strip()[:TEXT_MAX]
    bracketed = _IN_BRACKETS.search(text)
    if bracketed:
        text = bracketed.group(1).strip()
    if text.isascii() and text.isdigit():
        try:
            wanted = Member.id == record_id(text)
        except ValueError:
            raise ValueError(_l("No member has the number %(number)s.", number=text[:20])) from None
    elif "@" in text:
        wanted = sa.func.lower(Member.email) == text.lower()
    else:
        exact = sa.func.lower(Member.full_name) == text.lower()
        wanted = sa.or_(exact, _words_clause(text))
    query = sa.select(Member).where(wanted)
    if where is not None:
        query = query.where(where)
    found = list(db.session.scalars(query.order_by(sa.func.lower(Member.full_name), Member.id).limit(50)))
    if "@" not in text and len(found) > 1:
        # A full name wins over the names that merely contain it ("Ana" against "Ana Lima").
        same = [member for member in found if member.full_name.lower() == text.lower()]
        found = same or found
    if not found:
        raise ValueError(_l("No member matches “%(text)s”. Type an e-mail address or a name.", text=text))
    if len(found) > 1:
        names = ", ".join(label(member) for member in found[:NAMED])
        raise ValueError(
            _l(
                "%(count)d members match “%(text)s”, among them %(names)s: type the e-mail address.",
                count=len(found),
                text=text,
                names=names,
            )
        )
    return found[0]


class MemberField(StringField):
    """A member typed or picked; `data` is the member's id, or None when the field was left empty.

    `scope` gives the clause the member must meet (current members only, say) when the form is built.
    """

    def __init__(self, *args: Any, scope: str = "all", **kwargs: Any) -> None:
        render_kw = {"autocomplete": "off", "spellcheck": "false", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)
        self.scope = scope
        self.member: Member | None = None

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("data-member-search", url_for("members.search_members", scope=self.scope))
        return super().__call__(**kwargs)

    def process_data(self, value: Any) -> None:
        self.data = value
        self.member = db.session.get(Member, value) if isinstance(value, int) else None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        self.data, self.member = None, None
        if not isinstance(self.raw_text, str) or not self.raw_text.strip():
            # Blanks name nobody: a required field says so, as it does when left empty.
            self.raw_data = []
            return
        self.member = resolve(self.raw_text, SCOPES[self.scope]())
        self.data = self.member.id

    def _value(self) -> str:
        if self.member is not None:
            return label(self.member)
        return getattr(self, "raw_text", "") or ""


#: what separates the members of a `MembersField`; names and e-mail addresses hold none
SEPARATOR = ";"
#: how many members a `MembersField` reads at most, each a query
SEVERAL_MAX = 10


class MembersField(StringField):
    """Several members typed or picked, separated by semicolons; `data` is their ids in the order given,
    each once, and an empty list when the field was left empty.

    Every part is read as `MemberField` reads its text; a part that names nobody or several members is
    refused with its message, and the text stays in the field as typed.
    """

    def __init__(self, *args: Any, scope: str = "all", offer: str | None = None, **kwargs: Any) -> None:
        render_kw = {"autocomplete": "off", "spellcheck": "false", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)
        self.scope = scope
        #: whom the search offers, when narrower than whom the field reads (so that rules can name the rest)
        self.offer = offer or scope
        self.members: list[Member] = []

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("data-member-search", url_for("members.search_members", scope=self.offer))
        kwargs.setdefault("data-member-several", SEPARATOR)
        return super().__call__(**kwargs)

    def process_data(self, value: Any) -> None:
        self.data = list(value or [])
        self.members = [member for member in (db.session.get(Member, id_) for id_ in self.data) if member]

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        self.data, self.members = [], []
        if not isinstance(self.raw_text, str):
            self.raw_text = ""
        parts = [part for part in self.raw_text[: TEXT_MAX * SEVERAL_MAX].split(SEPARATOR) if part.strip()]
        if not parts:
            self.raw_data = []
            return
        if len(parts) > SEVERAL_MAX:
            raise ValueError(_l("Name at most %(max)d members here.", max=SEVERAL_MAX))
        where = SCOPES[self.scope]()
        for part in parts:
            member = resolve(part, where)
            if member.id not in self.data:
                self.data.append(member.id)
                self.members.append(member)

    def _value(self) -> str:
        if self.members and not getattr(self, "raw_text", ""):
            return f"{SEPARATOR} ".join(label(member) for member in self.members)
        return getattr(self, "raw_text", "") or ""


def _current() -> sa.ColumnElement[bool]:
    return Member.current_clause(clock.today())


#: who a picker may name, by the name its field gives
SCOPES: dict[str, Scope] = {"all": lambda: None, "current": _current}
