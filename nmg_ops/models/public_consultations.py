"""The public's answers to consultations open to the public: no account, one answer per e-mail address.

A visitor's answer waits as a `PublicAnswerRequest`, with the address it must be confirmed from, until
the link mailed there is followed; only then does it become a `PublicResponse`, which keeps no address,
only a keyed mark of it per survey (an HMAC with the app's secret), so that a second confirmed answer
from the same address replaces the first; the link to withdraw it, mailed with the confirmation link,
carries the request's nonce, of which the answer keeps a keyed mark as `withdraw_key`. Requests never
confirmed are deleted after RETENTION_UNCONFIRMED_ANSWER_DAYS. `PublicAnswerAttempt` counts requests per
network address and per address mark for the limits, and holds no address either.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .consultations import random_id
from .people import enum_column
from .types import UTCDateTime, utcnow
from .vocab import PublicCapacity


class PublicAnswerRequest(db.Model):
    """An answer sent from the public page, waiting for its confirmation link to be followed."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the survey answered
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    #: where the confirmation link was sent; deleted with the request at confirmation or purge
    email: so.Mapped[str] = so.mapped_column(sa.String(320))
    #: what the link carries besides the id, so that a link cannot be made up for another request
    nonce: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: the capacity the respondent gave
    capacity: so.Mapped[PublicCapacity] = so.mapped_column(enum_column(PublicCapacity, "request_capacity"))
    #: the region the respondent gave, empty for none
    region: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    #: the answers, as JSON: a list of [question id, value]
    answers: so.Mapped[str] = so.mapped_column(sa.Text)
    #: when the answer was sent; the link expires and the purge counts from here
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)


class PublicResponse(db.Model):
    """A confirmed public answer: no address and no time, one per address mark and survey."""

    __table_args__ = (sa.UniqueConstraint("survey_id", "address_hash"),)

    #: random, not serial, so that the order of responses says nothing about who answered when
    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, primary_key=True, autoincrement=False, default=random_id
    )
    #: the survey answered
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    #: HMAC of the survey and the address under the app's secret: finds a second answer, names nobody
    address_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: the capacity the respondent gave, for the breakdown
    capacity: so.Mapped[PublicCapacity] = so.mapped_column(enum_column(PublicCapacity, "response_capacity"))
    #: the region the respondent gave, empty for none
    region: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    #: a keyed mark of the confirmed request's nonce, which the link to withdraw the answer carries: the
    #: record of the confirmation mail names the nonce beside the address, the mark cannot be joined to
    #: it; gone with the answer, so that the link works once
    withdraw_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))

    answers: so.Mapped[list[PublicAnswer]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class PublicAnswer(db.Model):
    """One chosen option or one free text of a confirmed public answer."""

    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, primary_key=True, autoincrement=False, default=random_id
    )
    #: the response the answer is part of
    response_id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, sa.ForeignKey("public_response.id", ondelete="CASCADE"), index=True
    )
    #: the question answered
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    #: the option chosen, the scale value, or the free text
    value: so.Mapped[str] = so.mapped_column(sa.String(2000))

    response: so.Mapped[PublicResponse] = so.relationship(back_populates="answers")


class PublicAnswerAttempt(db.Model):
    """One answer sent from a public page, counted for the limits per network and per address."""

    __table_args__ = (
        sa.Index("ix_public_answer_attempt_remote_addr_at", "remote_addr", "at"),
        sa.Index("ix_public_answer_attempt_address_mark_at", "address_mark", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the client's network address
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: the e-mail address as a keyed mark (an HMAC), so that the count names nobody
    address_mark: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
