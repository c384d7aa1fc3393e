"""The outbox: a send-once ledger of every mail the application sends."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy

from ..extensions import db
from .people import enum_column
from .types import UTCDateTime, utcnow


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    #: taken back before it was sent, because the recipient withdrew their consent to list mail; the
    #: reason is in `last_error`, and it is never sent
    WITHDRAWN = "withdrawn"
    #: the whole message went to the mail server and its answer never came, so it may have it: sent again
    #: only after a long wait (`OUTBOX_UNKNOWN_RETRY_MINUTES`)
    UNKNOWN = "unknown"


class OutboundMessage(db.Model):
    __table_args__ = (
        sa.Index("ix_outbound_message_due", "status", "next_attempt_at"),
        # An issue's mails by status: its progress, and whether any is still waiting after each batch.
        sa.Index("ix_outbound_message_purpose_status", "purpose", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: why the mail exists: invitation, password_reset, reminder, agenda_call, ...
    purpose: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: one row per (purpose, recipient, occasion); enqueueing the same key again does nothing
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    #: the address the mail goes to, lower-case
    recipient: so.Mapped[str] = so.mapped_column(sa.String(320), index=True)
    #: the subject, kept apart from the message for the deliveries page
    subject: so.Mapped[str] = so.mapped_column(sa.String(998))
    #: Message-ID header, stable across retries so that a resent mail is recognisably the same mail
    message_id: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: the message's bytes, in a table of their own (see `OutboundMessageContent`)
    body: so.Mapped[OutboundMessageContent] = so.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    #: the complete rendered RFC 5322 message, sent byte for byte on every attempt
    content: AssociationProxy[bytes] = association_proxy(
        "body", "content", creator=lambda content: OutboundMessageContent(content=content)
    )
    #: pending, sending, sent, failed, withdrawn or unknown
    status: so.Mapped[DeliveryStatus] = so.mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    #: delivery attempts started so far
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: what the mail server (or the connection) said last time it did not work; why it was withdrawn
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    #: not before this instant (back-off after a temporary failure)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: while sending: when a crashed sender's claim on the message runs out and another may take it
    lease_expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: random token of the dispatcher run that claimed the message, to find its own claims
    claim_token: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)
    #: when the mail server accepted it
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: when it was enqueued
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboundMessage {self.id} {self.purpose} {self.recipient} {self.status}>"


class OutboundMessageContent(db.Model):
    """The bytes of one outbox message, apart from its row. The dispatcher updates the row twice per mail
    (the claim, the outcome), and SQLite rewrites a whole row at each update: with an e-news mail of 26 KB
    in it, that was 52 KB written per mail and most of the dispatcher's own time."""

    message_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("outbound_message.id", ondelete="CASCADE"), primary_key=True
    )
    #: emptied (not deleted) when the retention period of mail bodies ends or the recipient is erased
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)


class SchedulerLease(db.Model):
    """Which scheduler process may run jobs against this database; it renews its lease while it lives."""

    #: one row per kind of lease ("scheduler")
    name: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    #: host and process id of the holder
    holder: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: the lease is free again after this instant unless renewed
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class Announcement(db.Model):
    """A calendar change to mail to a meeting's invitees, recorded by the request that made the change and
    turned into one outbox row per invitee after the answer has gone (or by the scheduler, if the process
    died first). Expanding it twice adds nothing: the outbox keys name the meeting, person and SEQUENCE."""

    __table_args__ = (sa.Index("ix_announcement_pending", "done_at", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the meeting whose invitees are told
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    #: iTIP method: REQUEST for a new or changed meeting, CANCEL for a cancelled one
    method: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: the meeting's SEQUENCE the announcement is for; a later change makes this one stale
    sequence: so.Mapped[int] = so.mapped_column()
    #: the invitations told, or empty for everyone on the list
    invitation_ids: so.Mapped[list[int] | None] = so.mapped_column(sa.JSON)
    #: the organiser's message to the invitees, such as why the meeting was cancelled
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: what a change of time or place changed, [before, after] by field, for the updated invitation
    changes: so.Mapped[dict[str, list] | None] = so.mapped_column(sa.JSON)
    #: when it was recorded
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: when its mails were in the outbox; empty while pending
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: why it could not be expanded, for the deliveries page
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
