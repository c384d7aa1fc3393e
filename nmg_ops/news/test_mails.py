"""Test mails of an issue: the editor's own address or up to five typed ones, each marked as a test and
each address held to a daily number of tests, so that the editor cannot become a way to flood a mailbox."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import timedelta
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import clock
from ..delivery.dispatcher import dispatch
from ..delivery.outbox import enqueue
from ..errors import RuleError
from ..extensions import db
from ..models import Member, NewsEdition, NewsIssue, OutboundMessage
from . import rendering
from .addresses import BadAddress, normalised

PURPOSE = "enews_test"
#: addresses one test may go to: enough for the team and a colleague's phone, too few for a mailing
MAX_ADDRESSES = 5
_SEPARATORS = re.compile(r"[,;\s]+")


def parsed_addresses(typed: str) -> list[str]:
    """The typed addresses, normalised and once each; a RuleError names the first that cannot be one.

    Commas, semicolons, spaces and line breaks all separate, and each part must be an address as a whole:
    nothing typed can carry a line break into a header."""
    found: list[str] = []
    for part in _SEPARATORS.split(typed.strip()):
        if not part:
            continue
        try:
            address = normalised(part)
        except BadAddress as exc:
            raise RuleError(
                _l("“%(value)s” is not an e-mail address: %(reason)s", value=part[:80], reason=str(exc)),
                field="addresses",
            ) from None
        if address not in found:
            found.append(address)
    if not found:
        raise RuleError(_l("Type at least one address."), field="addresses")
    if len(found) > MAX_ADDRESSES:
        raise RuleError(
            ngettext(
                "A test goes to at most %(num)d address.",
                "A test goes to at most %(num)d addresses.",
                MAX_ADDRESSES,
            ),
            field="addresses",
        )
    return found


def _check_daily_limit(addresses: list[str]) -> None:
    """One query for all the addresses: how many tests each had in the last day."""
    limit = int(current_app.config["NEWS_TEST_MAX_PER_ADDRESS"])
    counts = dict(
        db.session.execute(
            sa.select(OutboundMessage.recipient, sa.func.count())
            .where(
                OutboundMessage.purpose == PURPOSE,
                OutboundMessage.recipient.in_(addresses),
                OutboundMessage.created_at >= clock.now() - timedelta(days=1),
            )
            .group_by(OutboundMessage.recipient)
        ).all()
    )
    for address in addresses:
        if counts.get(address, 0) >= limit:
            raise RuleError(
                ngettext(
                    "%(address)s has had %(num)d test mail in the last 24 hours; try again later.",
                    "%(address)s has had %(num)d test mails in the last 24 hours; try again later.",
                    limit,
                    address=address,
                ),
                field="addresses",
            )


def send_tests(
    issue: NewsIssue, edition: NewsEdition, language: str, addresses: list[str], editor: Member
) -> list[OutboundMessage]:
    """Queue and try at once one test per address; the outbox rows tell how each went."""
    _check_daily_limit(addresses)
    rendered = rendering.render(issue, edition, language)
    template = rendering.mail_template(
        dataclasses.replace(rendered, subject=f"[TEST] {rendered.subject}"), edition
    )
    ids = []
    for address in addresses:
        # The real issue's Message-ID is the same for an address on every attempt; a test sharing it could
        # be taken by the mailbox for the issue itself, which would then be dropped as a duplicate.
        message = rendering.prepared_mail(
            issue,
            template,
            editor.id,
            address,
            editor.full_name if address == editor.email.lower() else "",
            identifier=make_msgid(domain=current_app.config["MAIL_DOMAIN"]),
        )
        ids.append(enqueue(PURPOSE, f"{PURPOSE}:{issue.id}:{uuid.uuid4().hex}", address, message))
    db.session.commit()
    dispatch(only_ids=ids)
    return [db.session.get(OutboundMessage, message_id) for message_id in ids]
