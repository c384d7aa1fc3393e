"""Who receives an issue: one mail per address, in the edition the address is entitled to.

Current members who did not opt out get the members' edition; confirmed public subscribers get the public
one, unless the address is a member's, who gets the members' edition only. A suppressed address gets
nothing. Two plain queries whatever the number of subscribers: the lists are read as tuples, not objects;
two counts tell the editor how many each edition reaches before it goes.

The same rule answers for one address right before its mail goes (`refusal`), so that a consent withdrawn
after the list was read still stops the mail.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from .. import clock, driver_statements
from ..extensions import db
from ..models import Language, Member, NewsEdition, NewsSubscriber, NewsSuppression, SubscriberStatus


@dataclass(frozen=True)
class Recipient:
    edition: NewsEdition
    #: the member's id for the members' edition, the subscriber's for the public one
    holder_id: int
    email: str
    name: str
    language: Language


def _not_suppressed(column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(NewsSuppression.email == sa.func.lower(column))


def _receiving_members(today: date | sa.BindParameter) -> tuple[sa.ColumnElement[bool], ...]:
    return Member.current_clause(today), ~Member.news_opt_out


_CONFIRMED = NewsSubscriber.status == SubscriberStatus.CONFIRMED


def recipients() -> list[Recipient]:
    """Everyone the next issue goes to, members first, each address once."""
    members = db.session.execute(
        sa.select(Member.id, Member.email, Member.full_name, Member.language)
        .where(*_receiving_members(clock.today()), _not_suppressed(Member.email))
        .order_by(Member.id)
    )
    found = [Recipient(NewsEdition.MEMBERS, *row) for row in members]
    member_addresses = {recipient.email.lower() for recipient in found}
    subscribers = db.session.execute(
        sa.select(NewsSubscriber.id, NewsSubscriber.email, NewsSubscriber.name, NewsSubscriber.language)
        .where(_CONFIRMED, _not_suppressed(NewsSubscriber.email))
        .order_by(NewsSubscriber.id)
    )
    found.extend(
        Recipient(NewsEdition.PUBLIC, *row)
        for row in subscribers
        if row.email.lower() not in member_addresses
    )
    return found


@dataclass(frozen=True)
class EditionCounts:
    members: int
    subscribers: int

    @property
    def total(self) -> int:
        return self.members + self.subscribers


def counts() -> EditionCounts:
    """How many addresses each edition goes to, by the same rule as `recipients`: one count per edition,
    whatever the number of subscribers."""
    today = clock.today()
    members = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Member)
        .where(*_receiving_members(today), _not_suppressed(Member.email))
    )
    receiving_member = sa.exists().where(
        sa.func.lower(Member.email) == sa.func.lower(NewsSubscriber.email),
        *_receiving_members(today),
        _not_suppressed(Member.email),
    )
    subscribers = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(NewsSubscriber)
        .where(_CONFIRMED, _not_suppressed(NewsSubscriber.email), ~receiving_member)
    )
    return EditionCounts(members or 0, subscribers or 0)


@functools.cache
def _standing() -> sa.Select:
    """Whether an address (stored lower-case, as every e-news address is) is suppressed, receives the
    members' edition, receives the public one: three lookups on unique indexes in one statement, built
    once, since it runs before every e-news mail."""
    address = sa.bindparam("address", type_=sa.String)
    return sa.select(
        sa.exists().where(NewsSuppression.email == address),
        sa.exists().where(Member.email == address, *_receiving_members(sa.bindparam("today", type_=sa.Date))),
        sa.exists().where(NewsSubscriber.email == address, _CONFIRMED),
    )


def _standing_of(address: str, connection: sa.Connection | None = None) -> tuple:
    values = {"address": address.lower(), "today": clock.today()}
    if connection is None:
        return db.session.execute(_standing(), values).one()
    # The dispatcher's connection, before every e-news mail: straight to the driver (see driver_statements).
    (standing,) = driver_statements.run(connection, _standing(), values)
    return standing


def refusal(address: str, connection: sa.Connection) -> str | None:
    """Why an e-news mail to `address` must not go now, or None while the address receives the e-news."""
    suppressed, member, subscriber = _standing_of(address, connection)
    if suppressed:
        return "withdrawn before sending: the address is suppressed after a refused delivery"
    if not (member or subscriber):
        return "withdrawn before sending: the address no longer receives the e-news"
    return None


def receives_members_edition(address: str) -> bool:
    suppressed, member, _subscriber = _standing_of(address)
    return bool(member and not suppressed)
