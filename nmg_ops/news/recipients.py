"""Who receives an issue: one mail per address, in the edition the address is entitled to.

Current members who did not opt out get the members' edition; confirmed public subscribers get the public
one, unless the address is a member's, who gets the members' edition only. A suppressed address gets
nothing. Two plain queries whatever the number of subscribers: the lists are read as tuples, not objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from .. import clock
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


def recipients() -> list[Recipient]:
    """Everyone the next issue goes to, members first, each address once."""
    members = db.session.execute(
        sa.select(Member.id, Member.email, Member.full_name, Member.language)
        .where(Member.current_clause(clock.today()), ~Member.news_opt_out, _not_suppressed(Member.email))
        .order_by(Member.id)
    )
    found = [Recipient(NewsEdition.MEMBERS, *row) for row in members]
    member_addresses = {recipient.email.lower() for recipient in found}
    subscribers = db.session.execute(
        sa.select(NewsSubscriber.id, NewsSubscriber.email, NewsSubscriber.name, NewsSubscriber.language)
        .where(NewsSubscriber.status == SubscriberStatus.CONFIRMED, _not_suppressed(NewsSubscriber.email))
        .order_by(NewsSubscriber.id)
    )
    found.extend(
        Recipient(NewsEdition.PUBLIC, *row)
        for row in subscribers
        if row.email.lower() not in member_addresses
    )
    return found
