"""Answers read from the NMG's calendar mailbox: one row per message handled, so that reading a message
again changes nothing (see nmg_ops/calendar/replies.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .meetings import Invitation, Meeting, Rsvp
from .people import enum_column
from .types import UTCDateTime, utcnow


class ReplyOutcome(StrEnum):
    #: the answer is on the invitation; the message went to the processed folder
    RECORDED = "recorded"
    #: a COUNTER: another time proposed to the organiser, shown on the meeting page
    PROPOSED = "proposed"
    #: a genuine answer older than the one the invitation already has; nothing changed
    SUPERSEDED = "superseded"
    #: refused into the unprocessed folder, with the reason on the deliveries page
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return str(_REPLY_OUTCOME_LABELS[self])


_REPLY_OUTCOME_LABELS = {
    ReplyOutcome.RECORDED: _l("Recorded"),
    ReplyOutcome.PROPOSED: _l("Proposal"),
    ReplyOutcome.SUPERSEDED: _l("Older than the answer given"),
    ReplyOutcome.REFUSED: _l("Not processed"),
}


class CalendarReply(db.Model):
    """One message from the calendar mailbox that was an iTIP REPLY or COUNTER, or was refused."""

    __table_args__ = (sa.Index("ix_calendar_reply_outcome_received", "outcome", "received_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the message's Message-ID (a hash of the message when it has none): a message read twice is one row
    message_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    #: REPLY or COUNTER; empty for a message refused before its calendar could be read
    method: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    #: the message's From address, lower-case
    sender: so.Mapped[str] = so.mapped_column(sa.String(320), default="")
    #: the message's subject, shortened, for the deliveries page
    subject: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    #: the meeting the calendar's UID names, when it names one
    meeting_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    #: the invitation of the attendee who answered, when they are on the list
    invitation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("invitation.id", ondelete="SET NULL")
    )
    #: the answer the message gave (PARTSTAT), when it gave one
    answer: so.Mapped[Rsvp | None] = so.mapped_column(enum_column(Rsvp, "rsvp"))
    #: a COUNTER's proposed start
    proposed_starts_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: a COUNTER's proposed end
    proposed_ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: the attendee's COMMENT, if any
    comment: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    #: recorded, proposed, superseded or refused
    outcome: so.Mapped[ReplyOutcome] = so.mapped_column(enum_column(ReplyOutcome, "reply_outcome"))
    #: why a message was refused, in the team's words
    reason: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    #: when the attendee answered (the calendar's DTSTAMP, never later than reading it)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: when the mailbox was read and the message handled
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    meeting: so.Mapped[Meeting | None] = so.relationship()
    invitation: so.Mapped[Invitation | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<CalendarReply {self.id} {self.method} {self.sender} {self.outcome}>"
