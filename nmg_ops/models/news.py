"""The monthly e-news: its issues and their sections, the public's subscriptions, consents and suppressions.

Members receive the members' edition while they are members, unless they opted out on their profile
(`Member.news_opt_out`); the public subscribes to the public edition with double opt-in. An address gets
one mail per issue whatever it is subscribed as: the outbox key names the issue and the address. An
address the mail server refused for good is in `news_suppression` and receives no issue again, as a
member or as a subscriber, until the team lifts the suppression.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .people import Member, enum_column
from .types import UTCDateTime, utcnow
from .vocab import Language


class NewsIssueStatus(StrEnum):
    DRAFT = "draft"
    #: the coordinator approved it, where the NMG asks for that; editing it makes it a draft again
    APPROVED = "approved"
    #: waits for its sending time; can still be unscheduled
    SCHEDULED = "scheduled"
    #: its mails are being queued and sent; nothing can stop it any more
    SENDING = "sending"
    SENT = "sent"


class NewsEdition(StrEnum):
    MEMBERS = "members"
    PUBLIC = "public"


class NewsSectionKind(StrEnum):
    EDITORIAL = "editorial"
    MEETINGS = "meetings"
    EVENTS = "events"
    DECISIONS = "decisions"
    MINUTES = "minutes"
    RESULTS = "results"
    CALLS = "calls"
    NEWS = "news"


class SubscriberStatus(StrEnum):
    #: imported by the team: asked to confirm, receives nothing until they do
    INVITED = "invited"
    #: subscribed on the public page, the confirmation mail not yet answered
    PENDING = "pending"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


class ConsentEvent(StrEnum):
    #: asked to subscribe (public form) or invited (import); not consent yet
    REQUESTED = "requested"
    #: the confirmation link was followed: this is the consent
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class NewsIssue(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: "n. 14": counts the NMG's issues, never reused
    number: so.Mapped[int] = so.mapped_column(unique=True)
    #: the first day of the month the issue is for; one issue per month
    month: so.Mapped[date] = so.mapped_column(sa.Date, unique=True)
    #: the subject line and heading, "IT NMG e-news n. 14 — December 2026"
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    status: so.Mapped[NewsIssueStatus] = so.mapped_column(
        enum_column(NewsIssueStatus, "news_issue_status"), default=NewsIssueStatus.DRAFT
    )
    #: bumped by every save, so that two editors cannot overwrite each other unseen
    version: so.Mapped[int] = so.mapped_column(default=1)
    #: when the scheduler sends it; set while scheduled
    scheduled_for: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    approved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when sending started: from then on the issue cannot change
    send_started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: when every recipient's mail was in the outbox
    queued_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: recipients when sending started, for the progress view
    recipient_count: so.Mapped[int | None] = so.mapped_column()
    #: when the last of its mails left the outbox (sent or failed)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    approved_by: so.Mapped[Member | None] = so.relationship()
    sections: so.Mapped[list[NewsSection]] = so.relationship(
        back_populates="issue", order_by="NewsSection.position", cascade="all, delete-orphan"
    )
    #: the title in the group's other languages; `title` is in the group's own
    titles: so.Mapped[list[NewsIssueTitle]] = so.relationship(cascade="all, delete-orphan")

    @property
    def outbox_purpose(self) -> str:
        """The outbox purpose of this issue's mails: counting them by status is the progress view."""
        return f"enews:{self.id}"


class NewsSection(db.Model):
    __table_args__ = (sa.UniqueConstraint("issue_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    issue_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("news_issue.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column()
    kind: so.Mapped[NewsSectionKind] = so.mapped_column(enum_column(NewsSectionKind, "news_section_kind"))
    heading: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Markdown, sanitised when shown
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: left out of the public edition
    members_only: so.Mapped[bool] = so.mapped_column(default=False)

    issue: so.Mapped[NewsIssue] = so.relationship(back_populates="sections")
    #: the section in the group's other languages; `heading` and `body` are in the group's own
    texts: so.Mapped[list[NewsSectionText]] = so.relationship(cascade="all, delete-orphan")


class NewsIssueTitle(db.Model):
    """An issue's title in a language other than the group's: the subject of that language's mails."""

    issue_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("news_issue.id", ondelete="CASCADE"), primary_key=True
    )
    language: so.Mapped[Language] = so.mapped_column(enum_column(Language, "language"), primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))


class NewsSectionText(db.Model):
    """A section written in a language other than the group's. Readers of that language get it; where
    its text is empty they get the section in the group's language, which the editor sees before sending."""

    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("news_section.id", ondelete="CASCADE"), primary_key=True
    )
    language: so.Mapped[Language] = so.mapped_column(enum_column(Language, "language"), primary_key=True)
    heading: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: Markdown, sanitised when shown
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class NewsSubscriber(db.Model):
    """A subscriber of the public edition; members are subscribed as members, not here."""

    __table_args__ = (sa.Index("ix_news_subscriber_status", "status", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: normalised: the domain lower-cased, surrounding space removed
    email: so.Mapped[str] = so.mapped_column(sa.String(320), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    language: so.Mapped[Language] = so.mapped_column(enum_column(Language, "language"), default=Language.IT)
    status: so.Mapped[SubscriberStatus] = so.mapped_column(enum_column(SubscriberStatus, "subscriber_status"))
    #: the confirmation link names this; a new request makes a new one, so old links stop working
    confirm_nonce: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    #: when the last confirmation mail went; the link expires after NEWS_CONFIRM_DAYS
    confirm_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    unsubscribed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class NewsConsent(db.Model):
    """One line of an address's consent history: what it was shown, when, and from where."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(320), index=True)
    edition: so.Mapped[NewsEdition] = so.mapped_column(enum_column(NewsEdition, "news_edition"))
    event: so.Mapped[ConsentEvent] = so.mapped_column(enum_column(ConsentEvent, "consent_event"))
    #: the words the person saw (or the import's note), as they were then
    wording: so.Mapped[str] = so.mapped_column(sa.String(2000))
    #: where: "subscription page", "confirmation link", "import by …", "profile", "one-click unsubscribe"
    source: so.Mapped[str] = so.mapped_column(sa.String(200))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class NewsSubscriptionRequest(db.Model):
    """One use of the subscription form, whatever the address's state: what the limits per client and per
    address count.

    It names no address, only its keyed mark, so that counting it tells nothing about who is subscribed.
    """

    __table_args__ = (
        sa.Index("ix_news_subscription_request_remote_addr_at", "remote_addr", "at"),
        sa.Index("ix_news_subscription_request_address_mark_at", "address_mark", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the client's network address
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: the address asked for, as `subscriptions.address_mark` (an HMAC); none on requests of older versions
    address_mark: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class NewsSuppression(db.Model):
    """An address that receives no e-news: the mail server refused it for good."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(320), unique=True)
    #: the server's reply, shown to the team
    reason: so.Mapped[str] = so.mapped_column(sa.String(1000))
    #: the issue whose mail bounced
    issue_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("news_issue.id", ondelete="SET NULL"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class NewsImage(db.Model):
    """A picture of the group's image library, shown in e-news issues and their archive.

    Its bytes are kept by the document store under `storage_key`; it is served to anyone at an address
    made of `public_key`, because mail apps fetch images without signing in, and a random key keeps the
    library from being listed by counting.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the random part of its public address
    public_key: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    #: where the document store keeps the bytes
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    #: image/png or image/jpeg: what the bytes were re-encoded as, never what the browser claimed
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: bytes, as stored
    size: so.Mapped[int] = so.mapped_column()
    width: so.Mapped[int] = so.mapped_column()
    height: so.Mapped[int] = so.mapped_column()
    #: what the picture shows, for readers who cannot see it and mail apps that block images
    alt: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: who uploaded it; empty for the command line
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: so.Mapped[Member | None] = so.relationship()

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"
