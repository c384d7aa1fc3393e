"""Who receives the e-news, and the record of every consent to it.

Members receive the members' edition while they are members, unless they opted out (`Member.news_opt_out`).
The public subscribes with double opt-in: a request makes a PENDING subscriber and mails a confirmation
link; only following it (a POST, since mail scanners prefetch links) makes the subscriber CONFIRMED. The
team's import makes INVITED subscribers, who confirm the same way and are never confirmed by the import.

Every step is a line of `news_consent`: what the person was shown, when, and from where. The subscription
page gives the same answer for every address (new, pending, confirmed, a member's) and the same work, so
that neither the page nor its timing tells a stranger who is subscribed. Requests are counted per client
and per address (by a keyed mark, so the count names nobody); over either limit the page still answers the
same and no mail goes. The mail a request sends carries nothing the requester typed but the address: the
page must not be a way to mail chosen words from the group's address to anyone.

Unsubscribing always works: the link in an issue names the member or subscriber and the address it was
sent to, needs no sign-in, and also serves former members. Purging deletes unconfirmed subscribers but
keeps their REQUESTED lines: they are the record of why a confirmation mail went to an address that never
answered, which is what a recipient asks when they did not request it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..errors import RuleError, lock_row
from ..extensions import db
from ..mail import queue_mails, send_mail
from ..models import (
    ConsentEvent,
    Language,
    Member,
    NewsConsent,
    NewsEdition,
    NewsSubscriber,
    NewsSubscriptionRequest,
    SubscriberStatus,
)
from .subscriber_list import ImportPlan
from .tokens import UnsubscribeRequest, confirm_url, read_confirm_token, read_unsubscribe_token
from .withdrawal import withdraw_waiting

CONFIRM_PURPOSE = "news_confirm"
_SOURCE_MAX = NewsConsent.__table__.c.source.type.length
#: subscriber statuses that are waiting for the confirmation link to be followed
UNCONFIRMED = (SubscriberStatus.PENDING, SubscriberStatus.INVITED)


class LinkProblem(RuleError):
    """A confirmation or unsubscribe link that cannot be used; the message says why, `status` answers."""

    def __init__(self, message: Any, status: int) -> None:
        super().__init__(message)
        self.status = status


# --- the words people are shown, stored with their consent ------------------------------------------------


def public_wording() -> str:
    """The consent the subscription page asks for and the confirmation page repeats, in today's language."""
    return _(
        "I want to receive the %(nmg)s e-news by e-mail, about once a month. I can unsubscribe at any time "
        "with the link at the end of every issue.",
        nmg=current_app.config["NMG_SHORT_NAME"],
    )


MEMBERS_EDITION_WORDING = _l("Receive the members' edition of the e-news")
UNSUBSCRIBE_WORDING = _l("Unsubscribe from the e-news")
ONE_CLICK_WORDING = _l("Unsubscribe, asked by the mail program (one click)")
IMPORT_WORDING = _l("Invited by the coordination team to confirm a subscription")


def _consent(email: str, edition: NewsEdition, event: ConsentEvent, wording: Any, source: str) -> NewsConsent:
    line = NewsConsent(
        email=email,
        edition=edition,
        event=event,
        wording=str(wording),
        source=source[:_SOURCE_MAX],
        at=clock.now(),
    )
    db.session.add(line)
    return line


def consent_history(email: str) -> Sequence[NewsConsent]:
    """Every consent line of an address, oldest first: what the subscriber is shown of their own record."""
    return db.session.scalars(
        sa.select(NewsConsent).where(NewsConsent.email == email).order_by(NewsConsent.at, NewsConsent.id)
    ).all()


# --- subscribing ------------------------------------------------------------------------------------------


def _page_source(client: str) -> str:
    return f"subscription page from {client}"


def _new_nonce() -> str:
    return secrets.token_hex(16)


def _confirm_mail(subscriber: NewsSubscriber, *, invited: bool = False) -> dict[str, Any]:
    """What `compose` takes for the confirmation mail, but the address (which `queue_mails` takes apart).

    Only the team's invitation names the person: the name on the subscription page is typed by whoever
    asks, and is shown to the address's owner on the confirmation page instead."""
    nmg = current_app.config["NMG_SHORT_NAME"]
    name = subscriber.name if invited else ""
    return {
        "to_name": name,
        "language": subscriber.language,
        "subject": _l("Confirm your subscription to the %(nmg)s e-news", nmg=nmg),
        "template": "news_confirm",
        "name": name,
        "invited": invited,
        "link": confirm_url(subscriber.id, subscriber.confirm_nonce or ""),
        "valid_days": int(current_app.config["NEWS_CONFIRM_DAYS"]),
    }


def _confirm_key(subscriber: NewsSubscriber) -> str:
    return f"news-confirm:{subscriber.id}:{subscriber.confirm_nonce}"


def _subscriber(email: str) -> NewsSubscriber | None:
    return db.session.scalar(sa.select(NewsSubscriber).where(NewsSubscriber.email == email))


def _requests_from(client: str) -> int:
    since = clock.now() - timedelta(hours=1)
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            NewsSubscriptionRequest.remote_addr == client[:64], NewsSubscriptionRequest.at >= since
        )
    )


def address_mark(email: str) -> str:
    """The address as the request count knows it: keyed, so the table does not list who was asked."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"news-request:" + email.encode(), hashlib.sha256).hexdigest()


def _requests_for(mark: str) -> int:
    since = clock.now() - timedelta(days=1)
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            NewsSubscriptionRequest.address_mark == mark, NewsSubscriptionRequest.at >= since
        )
    )


def request_subscription(email: str, name: str, language: Language, wording: str, client: str) -> int | None:
    """Ask `email` to confirm a subscription to the public edition; the same answer and the same work
    whatever the address.

    `email` is normalised (the form does it). Every request under the client's per-hour limit counts
    toward it and toward the address's daily limit; under both it queues one mail to the address: a new,
    pending, invited or unsubscribed address gets a new nonce, so that older links stop working, and a new
    confirmation link; a confirmed one is told that it already receives the e-news, which only the
    address's owner reads. Over the client's limit nothing is kept and nothing is sent, over the address's
    the request is counted and nothing is sent, whatever the address's state. Returns the outbox id to
    dispatch once the answer has gone, or None.
    """
    if _requests_from(client) >= int(current_app.config["NEWS_SUBSCRIBE_MAX_PER_HOUR"]):
        return None
    now = clock.now()
    mark = address_mark(email)
    asked = _requests_for(mark)
    db.session.add(NewsSubscriptionRequest(remote_addr=client[:64], address_mark=mark, at=now))
    if asked >= int(current_app.config["NEWS_CONFIRM_MAX_PER_ADDRESS"]):
        db.session.commit()
        return None
    subscriber = _subscriber(email)
    if subscriber is not None and subscriber.status is SubscriberStatus.CONFIRMED:
        return send_mail(
            to_email=email,
            purpose="news_already_subscribed",
            now=False,
            to_name="",
            language=subscriber.language,
            subject=_l("You already receive the %(nmg)s e-news", nmg=current_app.config["NMG_SHORT_NAME"]),
            template="news_already_subscribed",
        )
    if subscriber is None:
        subscriber = NewsSubscriber(email=email, status=SubscriberStatus.PENDING, created_at=now)
        db.session.add(subscriber)
    subscriber.status = SubscriberStatus.PENDING
    if name:
        subscriber.name = name
    subscriber.language = language
    subscriber.confirm_nonce = _new_nonce()
    subscriber.confirm_sent_at = now
    _consent(email, NewsEdition.PUBLIC, ConsentEvent.REQUESTED, wording, _page_source(client))
    try:
        db.session.flush()
    except IntegrityError:
        # The same address sent twice at once: the other request has made the subscriber and its mail.
        # This one still counts toward the limit.
        db.session.rollback()
        db.session.add(NewsSubscriptionRequest(remote_addr=client[:64], address_mark=mark, at=now))
        db.session.commit()
        return None
    return send_mail(
        to_email=email,
        purpose=CONFIRM_PURPOSE,
        dedupe_key=_confirm_key(subscriber),
        now=False,
        **_confirm_mail(subscriber),
    )


def subscriber_for_confirm_link(token: str) -> NewsSubscriber:
    """The subscriber a confirmation link is for; LinkProblem when it is forged, voided or expired."""
    read = read_confirm_token(token)
    again = _("Subscribe again to get a new link.")
    if read is None:
        raise LinkProblem(_("This confirmation link is not valid or has expired.") + " " + again, 404)
    subscriber = db.session.get(NewsSubscriber, read[0])
    if subscriber is None:
        raise LinkProblem(
            _("This subscription request was deleted because it was not confirmed.") + " " + again, 410
        )
    if subscriber.confirm_nonce is None:
        raise LinkProblem(_("The address was unsubscribed after this link was sent.") + " " + again, 410)
    if not secrets.compare_digest(subscriber.confirm_nonce, read[1]):
        raise LinkProblem(
            _("A newer confirmation link has replaced this one; use the latest mail.") + " " + again, 410
        )
    if subscriber.status is not SubscriberStatus.CONFIRMED and _link_expired(subscriber):
        raise LinkProblem(_("This confirmation link has expired.") + " " + again, 410)
    return subscriber


def _link_expired(subscriber: NewsSubscriber) -> bool:
    sent = subscriber.confirm_sent_at or subscriber.created_at
    return clock.now() > sent + timedelta(days=int(current_app.config["NEWS_CONFIRM_DAYS"]))


def confirm(subscriber: NewsSubscriber, wording: str, client: str) -> bool:
    """Make the subscriber CONFIRMED and record the consent; False when they already were."""
    lock_row(NewsSubscriber, subscriber.id)
    db.session.refresh(subscriber)
    if subscriber.status is SubscriberStatus.CONFIRMED:
        db.session.rollback()
        return False
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = clock.now()
    subscriber.unsubscribed_at = None
    _consent(
        subscriber.email, NewsEdition.PUBLIC, ConsentEvent.GIVEN, wording, f"confirmation link from {client}"
    )
    db.session.commit()
    return True


# --- unsubscribing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    """What an unsubscribe link ends: a member's receiving the members' edition, or a public subscription."""

    edition: NewsEdition
    email: str
    member: Member | None = None
    subscriber: NewsSubscriber | None = None

    @property
    def is_active(self) -> bool:
        if self.member is not None:
            return not self.member.news_opt_out
        assert self.subscriber is not None
        return self.subscriber.status is not SubscriberStatus.UNSUBSCRIBED


def _holder(request: UnsubscribeRequest) -> Subscription | None:
    if request.edition is NewsEdition.MEMBERS:
        member = db.session.get(Member, request.holder_id)
        if member is not None and request.matches(member.email):
            return Subscription(NewsEdition.MEMBERS, member.email, member=member)
        return None
    subscriber = db.session.get(NewsSubscriber, request.holder_id)
    if subscriber is not None and request.matches(subscriber.email):
        return Subscription(NewsEdition.PUBLIC, subscriber.email, subscriber=subscriber)
    return None


def subscription_for_unsubscribe_link(token: str) -> Subscription:
    """The subscription an unsubscribe link ends; LinkProblem (404) when the link names none."""
    read = read_unsubscribe_token(token)
    subscription = _holder(read) if read is not None else None
    if subscription is None:
        raise LinkProblem(
            _(
                "This unsubscribe link is not valid, or the address it was sent to is no longer on our "
                "lists. Nothing will be sent to that address."
            ),
            404,
        )
    return subscription


def unsubscribe(subscription: Subscription, wording: Any, source: str) -> bool:
    """End the subscription and record the withdrawal; False when it had already ended (nothing recorded)."""
    now = clock.now()
    if subscription.member is not None:
        member = subscription.member
        lock_row(Member, member.id)
        db.session.refresh(member)
        if member.news_opt_out:
            db.session.rollback()
            return False
        member.news_opt_out = True
    else:
        subscriber = subscription.subscriber
        assert subscriber is not None
        lock_row(NewsSubscriber, subscriber.id)
        db.session.refresh(subscriber)
        if subscriber.status is SubscriberStatus.UNSUBSCRIBED:
            db.session.rollback()
            return False
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = now
        # An unanswered confirmation link must not subscribe the address again behind its back.
        subscriber.confirm_nonce = None
    _consent(subscription.email, subscription.edition, ConsentEvent.WITHDRAWN, wording, source)
    withdraw_waiting(subscription.email, f"unsubscribed ({source})", subscription.edition)
    db.session.commit()
    return True


def set_members_edition(member: Member, receive: bool) -> bool:
    """The member's choice on their profile; False when it was already so (nothing recorded)."""
    if receive == (not member.news_opt_out):
        return False
    member.news_opt_out = not receive
    event = ConsentEvent.GIVEN if receive else ConsentEvent.WITHDRAWN
    _consent(member.email, NewsEdition.MEMBERS, event, MEMBERS_EDITION_WORDING, "profile")
    if not receive:
        withdraw_waiting(member.email, "opted out on the profile", NewsEdition.MEMBERS)
    db.session.commit()
    return True


def remove_subscriber(subscriber: NewsSubscriber, actor_name: str) -> bool:
    """The team ends a subscription for the person (who asked by other means); the record stays."""
    subscription = Subscription(NewsEdition.PUBLIC, subscriber.email, subscriber=subscriber)
    return unsubscribe(subscription, UNSUBSCRIBE_WORDING, f"removed by {actor_name}")


# --- the team's invitations ---------------------------------------------------------------------------------


class SubscriberImportError(RuleError):
    """The import cannot be applied as previewed; nothing was written."""


def apply_import(plan: ImportPlan, actor_name: str) -> list[int]:
    """Invite the plan's new addresses to confirm, all or none; returns the ids of the queued mails.

    Never confirms anybody: an imported address receives nothing but the invitation until its owner
    follows the link. A plan with errors is refused whole.
    """
    if plan.errors:
        raise SubscriberImportError(
            ngettext(
                "%(num)d row has errors; nothing was imported.",
                "%(num)d rows have errors; nothing was imported.",
                len({line for line, _message in plan.errors}),
            )
        )
    now = clock.now()
    source = f"import by {actor_name}"
    invited = []
    for row in plan.invitations:
        subscriber = NewsSubscriber(
            email=row.email,
            name=row.name,
            language=row.language,
            status=SubscriberStatus.INVITED,
            confirm_nonce=_new_nonce(),
            confirm_sent_at=now,
            created_at=now,
        )
        db.session.add(subscriber)
        _consent(row.email, NewsEdition.PUBLIC, ConsentEvent.REQUESTED, IMPORT_WORDING, source)
        invited.append(subscriber)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise SubscriberImportError(
            _("Some of these addresses were added meanwhile; nothing was imported. Preview the file again.")
        ) from exc
    # queue_mails commits the subscribers, their consent lines and the mails together.
    return queue_mails(
        CONFIRM_PURPOSE,
        [(_confirm_key(s), s.email, _confirm_mail(s, invited=True)) for s in invited],
    )


# --- the scheduler's purge --------------------------------------------------------------------------------


def purge_unconfirmed(now: datetime) -> str:
    """Delete the subscribers who never confirmed within NEWS_PURGE_UNCONFIRMED_DAYS of the last mail, and
    the subscription requests counted for the limits once a day old."""
    before = now - timedelta(days=int(current_app.config["NEWS_PURGE_UNCONFIRMED_DAYS"]))
    purged = db.session.execute(
        sa.delete(NewsSubscriber).where(
            NewsSubscriber.status.in_(UNCONFIRMED),
            sa.func.coalesce(NewsSubscriber.confirm_sent_at, NewsSubscriber.created_at) < before,
        )
    ).rowcount
    # The client's limit reads the last hour, the address's the last day; older requests have no use.
    db.session.execute(
        sa.delete(NewsSubscriptionRequest).where(NewsSubscriptionRequest.at < now - timedelta(days=1))
    )
    db.session.commit()
    return f"{purged} unconfirmed subscribers purged"
