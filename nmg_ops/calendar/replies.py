"""Answers from calendar apps: the iTIP REPLY (and COUNTER) a member's Outlook, Gmail or Apple Calendar
mails to the ORGANIZER when they press Accept, Decline or Maybe (RFC 5546), read from the calendar mailbox
by `mailbox.read_calendar_replies`. This module only parses, matches and records; it never touches IMAP.

The rules, in the order they are applied:

- **Once.** Every message handled leaves a `CalendarReply` row keyed by its Message-ID (a hash of the
  message when it has none). A message read again, because filing it failed or a second scheduler read it
  at the same moment, finds its row and changes nothing; the unique key settles a race.
- **Only calendar replies.** Mail without a calendar part, or whose calendar is not a REPLY or COUNTER
  (a forwarded invitation), is ordinary mail: it stays in the inbox for a person and leaves no row.
- **A well-formed reply.** One VEVENT with a UID, a whole-number SEQUENCE and at least one ATTENDEE.
- **Our meeting.** The UID is a meeting's `calendar_uid`.
- **The sender rule.** The message has one sender (`senders.sender`) whose mail authentication did not
  fail (`senders.check_authentication`); that address must be the ATTENDEE who answers, be on the
  meeting's list, and have been mailed the invitation (compared without regard to case). A REPLY names
  its attendee itself, so anyone could otherwise answer for anyone. Someone who answers from another of
  their addresses is refused, and the team sees why.
- **The current version.** A SEQUENCE lower than the meeting's answers an older time or place: refused,
  the member has the new invitation to answer.
- **The page's own rule.** An answer is recorded through `attendance.answer`, so a cancelled meeting,
  or one that has started, takes no answer by mail either; an answer older (by its DTSTAMP) than the one
  the invitation already has changes nothing.
- **A COUNTER** (another time proposed) is kept as a proposal for the organiser, shown on the meeting
  page; it changes neither the meeting nor the answer.

Every refusal is a row with the reason, listed on the deliveries page (`delivery.queries.refused_replies`),
and the message is filed in the unprocessed folder: never a crash, never an answer silently lost.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from enum import StrEnum
from typing import Any
from unicodedata import category

import icalendar
import sqlalchemy as sa
import sqlalchemy.orm as so
from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..meetings.attendance import AttendanceError, answer, check_answers_open
from ..models import CalendarReply, Invitation, Meeting, ReplyOutcome, Rsvp
from . import senders
from .invites import mailed_to

#: content types calendar apps put an iTIP message in
CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
#: iTIP methods that carry an attendee's answer to the organiser
ANSWER_METHODS = frozenset({"REPLY", "COUNTER"})
_ANSWERS = {"ACCEPTED": Rsvp.YES, "DECLINED": Rsvp.NO, "TENTATIVE": Rsvp.MAYBE}

#: ordinary mail in the mailbox, sent with its subject: a receiver returns True when it acted on the
#: message, which is then filed as processed; otherwise it stays in the inbox for a person. The e-news'
#: List-Unsubscribe mailto: reaches this mailbox when it is the calendar mailbox.
ordinary_mail = Namespace().signal("ordinary-mail")


class Filing(StrEnum):
    """Where the mailbox puts a message once it is handled."""

    PROCESSED = "processed"
    UNPROCESSED = "unprocessed"
    #: ordinary mail: it stays in the inbox, for a person
    INBOX = "inbox"


_FILING = {
    ReplyOutcome.RECORDED: Filing.PROCESSED,
    ReplyOutcome.PROPOSED: Filing.PROCESSED,
    ReplyOutcome.SUPERSEDED: Filing.PROCESSED,
    ReplyOutcome.REFUSED: Filing.UNPROCESSED,
}


@dataclass(frozen=True)
class Handled:
    """What became of one message: where to file it, and the row that records it (none for ordinary mail)."""

    filing: Filing
    outcome: ReplyOutcome | None = None
    reason: str = ""
    #: this reading changed nothing: the message had been handled before
    again: bool = False


class _Refused(Exception):
    """A message the rules refuse; the reason goes on the deliveries page."""

    def __init__(self, reason: Any) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


# --- reading a message -----------------------------------------------------------------------------------


def message_key(message_id: str | None, content: bytes) -> str:
    """The Message-ID, or a hash of the message when it has none (or one too long to be an id)."""
    value = " ".join(str(message_id or "").split())
    if value and len(value) <= 255:
        return value
    return f"sha256:{hashlib.sha256(content).hexdigest()}"


def _subject(message: Any) -> str:
    try:
        return " ".join(str(message.get("Subject") or "").split())[:300]
    except (ValueError, IndexError, TypeError):
        return ""


def _calendars(message: EmailMessage) -> tuple[list[icalendar.Calendar], str]:
    """The message's calendars that parse, and why the first that does not failed ("" if none failed)."""
    calendars, problem = [], ""
    for part in message.walk():
        if part.get_content_type() not in CALENDAR_TYPES:
            continue
        data = part.get_payload(decode=True)
        try:
            if not isinstance(data, bytes) or not data.strip():
                raise ValueError("empty")
            calendars.append(icalendar.Calendar.from_ical(data))
        except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError ... on broken input
            problem = problem or f"{type(exc).__name__}: {exc}"[:300]
    return calendars, problem


def _single(event: icalendar.Event, name: str) -> Any:
    """A property's decoded value, None when absent; a property given twice, or broken, is malformed."""
    if name not in event:
        return None
    if isinstance(event[name], list):
        raise _Refused(_l("The calendar gives %(name)s more than once.", name=name))
    value = event.decoded(name)
    if isinstance(value, str | bytes) and name not in {"UID", "COMMENT"}:
        raise _Refused(_l("The calendar's %(name)s cannot be read.", name=name))
    return value


def _instant(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise _Refused(_l("The calendar's %(name)s is not a date and time.", name=name))
    # A floating time, or one in a zone the parser does not know, is read in the NMG's zone.
    return value if value.tzinfo else value.replace(tzinfo=clock.nmg_zone())


def _address(value: Any) -> str:
    text = str(value).strip()
    return (text[7:] if text.lower().startswith("mailto:") else text).strip().lower()


@dataclass(frozen=True)
class _Reply:
    method: str
    uid: str
    sequence: int
    #: address -> the ATTENDEE property (with its PARTSTAT)
    attendees: dict[str, Any]
    stamp: datetime | None
    comment: str
    starts_at: datetime | None
    ends_at: datetime | None


def _read_reply(calendar: icalendar.Calendar) -> _Reply:
    """The reply's parts; whatever in it the parser cannot make sense of refuses it as malformed."""
    try:
        return _parse_reply(calendar)
    except _Refused:
        raise
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        raise _Refused(_l("The calendar in the message cannot be read: %(error)s", error=error)) from exc


def _parse_reply(calendar: icalendar.Calendar) -> _Reply:
    method = str(calendar.get("METHOD", "")).upper()
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        raise _Refused(_l("A reply names exactly one event; this one names %(num)d.", num=len(events)))
    [event] = events
    uid = str(_single(event, "UID") or "").strip()
    if not uid:
        raise _Refused(_l("The reply names no event (it has no UID)."))
    sequence = _single(event, "SEQUENCE")
    if sequence is None:
        sequence = 0
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
        raise _Refused(_l("The calendar's %(name)s cannot be read.", name="SEQUENCE"))
    found = event.get("ATTENDEE")
    found = found if isinstance(found, list) else [found] if found is not None else []
    attendees = {_address(value): value for value in found if _address(value)}
    if not attendees:
        raise _Refused(_l("The reply names no attendee."))
    comment = event.get("COMMENT", "")
    comment = " ".join(str(c) for c in comment) if isinstance(comment, list) else str(comment)
    starts_at = _instant(_single(event, "DTSTART"), "DTSTART")
    ends_at = _instant(_single(event, "DTEND"), "DTEND")
    duration = _single(event, "DURATION")
    if ends_at is None and starts_at is not None and isinstance(duration, timedelta):
        ends_at = starts_at + duration
    stamp = _single(event, "DTSTAMP")
    return _Reply(
        method=method,
        uid=uid,
        sequence=sequence,
        attendees=attendees,
        stamp=_instant(stamp, "DTSTAMP"),
        # The sender's own words, shown to the organisers: no control or direction-changing characters.
        comment=" ".join("".join(c for c in comment if category(c)[0] != "C").split())[:1000],
        starts_at=starts_at,
        ends_at=ends_at,
    )


# --- matching and recording ------------------------------------------------------------------------------


def _recorded(key: str) -> CalendarReply | None:
    return db.session.scalar(sa.select(CalendarReply).where(CalendarReply.message_id == key))


def _again(row: CalendarReply) -> Handled:
    return Handled(_FILING[row.outcome], row.outcome, row.reason, again=True)


def _meeting(uid: str) -> Meeting | None:
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.calendar_uid == uid)
        .options(so.selectinload(Meeting.invitations).joinedload(Invitation.member))
    )


def _save(row: CalendarReply, record: Any = None) -> Handled:
    """Commit the row (and the answer `record` makes); a row another reader committed first wins."""
    db.session.add(row)
    try:
        if record is None:
            db.session.commit()
        else:
            record()
    except IntegrityError:
        db.session.rollback()
        existing = _recorded(row.message_id)
        if existing is None:
            raise
        return _again(existing)
    return Handled(_FILING[row.outcome], row.outcome, row.reason)


def _refuse(key: str, now: datetime, reason: str, **known: Any) -> Handled:
    return _save(
        CalendarReply(
            message_id=key, outcome=ReplyOutcome.REFUSED, reason=reason[:1000], received_at=now, **known
        )
    )


def _match(reply: _Reply, message: Any, known: dict[str, Any]) -> tuple[Meeting, Invitation]:
    meeting = _meeting(reply.uid)
    if meeting is None:
        raise _Refused(
            _l("The reply is for an event the NMG does not know (UID %(uid)s).", uid=reply.uid[:100])
        )
    known["meeting_id"] = meeting.id
    try:
        sender = known["sender"] = senders.sender(message)
        senders.check_authentication(message)
    except senders.SenderRefused as refusal:
        raise _Refused(refusal.reason) from refusal
    if sender not in reply.attendees:
        raise _Refused(
            _l(
                "Unknown sender: the message comes from %(sender)s, not from the attendee who answers "
                "(%(attendees)s).",
                sender=sender or "?",
                attendees=", ".join(sorted(reply.attendees))[:300],
            )
        )
    invitation = next((i for i in meeting.invitations if i.email.lower() == sender), None)
    if invitation is None or not mailed_to(meeting, sender):
        raise _Refused(_l("Unknown sender: %(sender)s is not invited to this meeting.", sender=sender))
    known["invitation_id"] = invitation.id
    if reply.sequence < meeting.sequence:
        raise _Refused(
            _l(
                "The answer is to an earlier version of the meeting (SEQUENCE %(old)d; now %(new)d): it "
                "has changed since, and the new invitation needs its own answer.",
                old=reply.sequence,
                new=meeting.sequence,
            )
        )
    return meeting, invitation


def handle(content: bytes, now: datetime | None = None) -> Handled:
    """Parse, match and record one message from the mailbox; never raises for what the message holds."""
    now = now or clock.now()
    try:
        message = email.message_from_bytes(content, policy=email.policy.default)
        key = message_key(message.get("Message-ID"), content)
    except Exception:  # the stdlib parser is lenient; a header it still cannot read makes no key
        message, key = None, message_key(None, content)
    done = _recorded(key)
    if done is not None:
        return _again(done)
    if message is None:
        return _refuse(key, now, str(_l("The message cannot be read.")))
    known: dict[str, Any] = {"sender": senders.claimed(message)[:320], "subject": _subject(message)}
    try:
        calendars, problem = _calendars(message)
    except Exception as exc:  # a MIME structure the parser cannot walk
        reason = _l("The message cannot be read: %(error)s", error=str(exc)[:300])
        return _refuse(key, now, str(reason), **known)
    answers = [c for c in calendars if str(c.get("METHOD", "")).upper() in ANSWER_METHODS]
    if not answers:
        if problem:
            return _refuse(
                key,
                now,
                str(_l("The calendar in the message cannot be read: %(error)s", error=problem)),
                **known,
            )
        acted = any(done for _receiver, done in ordinary_mail.send(known["subject"]))
        return Handled(Filing.PROCESSED if acted else Filing.INBOX)
    try:
        reply = _read_reply(answers[0])
        known["method"] = reply.method
        meeting, invitation = _match(reply, message, known)
        if reply.method == "COUNTER":
            return _propose(key, reply, meeting, now, known)
        return _answer(key, reply, invitation, now, known)
    except _Refused as refusal:
        db.session.rollback()
        return _refuse(key, now, refusal.reason, **known)


def _answer(key: str, reply: _Reply, invitation: Invitation, now: datetime, known: dict[str, Any]) -> Handled:
    partstat = str(reply.attendees[known["sender"]].params.get("PARTSTAT", "")).upper()
    rsvp = _ANSWERS.get(partstat)
    if rsvp is None:
        raise _Refused(
            _l(
                "The reply's PARTSTAT %(partstat)s is not an answer the NMG records.",
                partstat=partstat[:40] or "?",
            )
        )
    # The attendee's own time of answering, never later than now: of two answers, the later one stands.
    answered_at = min(reply.stamp, now) if reply.stamp else now
    row = CalendarReply(
        message_id=key,
        answer=rsvp,
        comment=reply.comment,
        answered_at=answered_at,
        received_at=now,
        outcome=ReplyOutcome.RECORDED,
        **known,
    )
    if invitation.rsvp_at is not None and invitation.rsvp_at > answered_at:
        row.outcome = ReplyOutcome.SUPERSEDED
        return _save(row)
    try:
        check_answers_open(invitation.meeting, answered_at)
    except AttendanceError as exc:
        raise _Refused(exc) from exc
    return _save(row, record=lambda: answer(invitation, rsvp, answered_at))


def _propose(key: str, reply: _Reply, meeting: Meeting, now: datetime, known: dict[str, Any]) -> Handled:
    if reply.starts_at is None:
        raise _Refused(_l("The proposal names no start (DTSTART)."))
    if reply.ends_at is not None and reply.ends_at <= reply.starts_at:
        raise _Refused(_l("The proposal ends before it starts."))
    try:
        check_answers_open(meeting, now)
    except AttendanceError as exc:
        raise _Refused(exc) from exc
    return _save(
        CalendarReply(
            message_id=key,
            proposed_starts_at=reply.starts_at,
            proposed_ends_at=reply.ends_at,
            comment=reply.comment,
            answered_at=min(reply.stamp, now) if reply.stamp else now,
            received_at=now,
            outcome=ReplyOutcome.PROPOSED,
            **known,
        )
    )


def refuse_oversize(header: bytes, size: int, limit: int, now: datetime | None = None) -> Handled:
    """A message too large to read, known by its header alone: refused, with its size as the reason."""
    now = now or clock.now()
    message = BytesHeaderParser(policy=email.policy.default).parsebytes(header)
    try:
        key = message_key(message.get("Message-ID"), header + str(size).encode())
    except (ValueError, IndexError, TypeError):
        key = message_key(None, header + str(size).encode())
    done = _recorded(key)
    if done is not None:
        return _again(done)
    reason = _l(
        "The message is %(size)d bytes, larger than the %(limit)d the calendar mailbox reads.",
        size=size,
        limit=limit,
    )
    return _refuse(key, now, str(reason), sender=senders.claimed(message)[:320], subject=_subject(message))


# --- what the pages show ---------------------------------------------------------------------------------


def proposals(meeting: Meeting) -> list[CalendarReply]:
    """Other times the invitees proposed for the meeting (COUNTER), newest first, with who proposed them."""
    return list(
        db.session.scalars(
            sa.select(CalendarReply)
            .where(CalendarReply.meeting_id == meeting.id, CalendarReply.outcome == ReplyOutcome.PROPOSED)
            .order_by(CalendarReply.received_at.desc(), CalendarReply.id.desc())
            .options(so.joinedload(CalendarReply.invitation).joinedload(Invitation.member))
        )
    )
