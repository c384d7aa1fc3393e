"""A public subscriber erases themselves from the page their unsubscribe link opens (GDPR Art. 17): the
subscription ends first, so nothing more is sent; then the address goes from the subscriber list, the
consent history and the outbox, where mails already sent keep their outcome under an address that names
nobody. Only a refusal by the mail server (a suppression) keeps the address, so that no mail goes to it
again.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..delivery.outbox import forget_contents
from ..extensions import db
from ..models import DeliveryStatus, NewsConsent, NewsEdition, NewsSubscriber, OutboundMessage
from .subscriptions import UNSUBSCRIBE_WORDING, Subscription, unsubscribe

#: why a mail still waiting was withdrawn, as the outbox shows it
ERASED = "erased on request"
#: a reserved domain (RFC 2606), so that the stand-in address reaches nobody
_NOBODY = "former.invalid"


def may_erase(subscription: Subscription) -> bool:
    """Members' editions end on the profile and are erased by the coordinator with the member."""
    return subscription.edition is NewsEdition.PUBLIC and subscription.subscriber is not None


def erase(subscription: Subscription, source: str) -> None:
    subscriber = subscription.subscriber
    assert subscriber is not None and may_erase(subscription)
    if subscription.is_active:
        unsubscribe(subscription, UNSUBSCRIBE_WORDING, source)
    email, stand_in = subscriber.email, f"subscriber-{subscriber.id}@{_NOBODY}"
    mails = sa.update(OutboundMessage).where(OutboundMessage.recipient == email)
    db.session.execute(
        mails.where(OutboundMessage.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.WITHDRAWN, last_error=ERASED)
        .execution_options(synchronize_session=False)
    )
    forget_contents(sa.select(OutboundMessage.id).where(OutboundMessage.recipient == email))
    db.session.execute(mails.values(recipient=stand_in).execution_options(synchronize_session=False))
    db.session.execute(sa.delete(NewsConsent).where(NewsConsent.email == email))
    db.session.execute(sa.delete(NewsSubscriber).where(NewsSubscriber.id == subscriber.id))
    db.session.commit()
