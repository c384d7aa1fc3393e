"""Calendar invitations by mail (iTIP over iMIP): REQUEST when a meeting is confirmed or changes, CANCEL when
it is cancelled or someone is taken off the list. One message per invitee, through the outbox.

The dedupe key names the meeting, the person, the method and the SEQUENCE: every change is announced once,
and a retried job never announces it twice. The same keys tell whether a person was mailed this meeting
before, which makes a mail "Invitation" the first time and "Updated invitation" afterwards.

Whether an invitation names every invitee as an ATTENDEE is `lists_attendees`: a guest of a bilateral
meeting must not receive every member's address.

A change made on a page is recorded as an `Announcement` (`meetings.announcements`) and mailed after the
answer has gone: the process that made the change, on the meetings' `announced` signal, or the scheduler
if that process died, renders and queues the mails, the calendar built once for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..after_response import run_after_response
from ..delivery.dispatcher import dispatch
from ..extensions import db
from ..i18n import format_datetime
from ..mail import ItipCalendar, MailDeliveryError, queue_mails, send_mail
from ..meetings.announcements import is_told, itip_method
from ..meetings.signals import announced, invitee_removed
from ..models import Announcement, DeliveryStatus, Invitation, Meeting, MeetingStatus, OutboundMessage
from . import ical
from .rsvp_links import rsvp_links


def lists_attendees(meeting: Meeting) -> bool:
    """Whether each invitation names every invitee as an ATTENDEE, or only its recipient and the organiser.

    The meeting's own setting decides; without one, a meeting with external guests names only the
    recipient, so that a guest never receives the members' addresses, and any other follows its type.
    """
    if meeting.lists_attendees is not None:
        return meeting.lists_attendees
    if any(invitation.member_id is None for invitation in meeting.invitations):
        return False
    return meeting.type.lists_attendees


def _mail(
    meeting: Meeting,
    method: str,
    invitation: Invitation,
    calendar: bytes,
    *,
    updated: bool = False,
    note: str | None = None,
    changes: dict[str, list] | None = None,
) -> dict[str, object]:
    """What `compose` takes for one invitee's invitation or cancellation, in their language and zone;
    `updated` when this person was sent an earlier version of the meeting, `note` the organiser's
    message, `changes` what the change changed ([before, after] by field)."""
    member = invitation.member
    language = str(member.language) if member else current_app.config["DEFAULT_LANGUAGE"]
    zone = member.timezone if member else current_app.config["TIMEZONE"]
    subject = (
        _l("Cancelled: %(title)s", title=meeting.title)
        if method == "CANCEL"
        else _l("Updated invitation: %(title)s", title=meeting.title)
        if updated
        else _l("Invitation: %(title)s", title=meeting.title)
    )
    return {
        "to_name": invitation.name,
        "language": language,
        "subject": subject,
        "template": "meeting_cancelled" if method == "CANCEL" else "meeting_invitation",
        "calendar": ItipCalendar(method, calendar),
        "meeting": meeting,
        "when": format_datetime(meeting.starts_at, "full", locale=language, zone=ZoneInfo(zone)),
        "zone_name": zone,
        "link": ical.meeting_url(meeting),
        "rsvp": rsvp_links(invitation) if method == "REQUEST" else {},
        "updated": updated,
        "note": note,
        "changed": _what_changed(meeting, changes, ZoneInfo(zone)) if updated else {},
    }


def _what_changed(meeting: Meeting, changes: dict[str, list] | None, zone: ZoneInfo) -> dict[str, object]:
    """What an updated invitation names: the start it had and has, in the reader's zone, and the new
    venue and video link; nothing of a change that removed them (the meeting below shows the rest)."""
    if not changes:
        return {}
    changed: dict[str, object] = {}
    if "starts_at" in changes and changes["starts_at"][0]:
        changed["was"] = datetime.fromisoformat(changes["starts_at"][0]).astimezone(zone)
        changed["now"] = meeting.starts_at.astimezone(zone)
    for name in ("venue", "video_url"):
        if name in changes and changes[name][1]:
            changed[name] = changes[name][1]
    return changed


def _key(meeting: Meeting, method: str, invitation: Invitation) -> str:
    return f"itip:{meeting.id}:{invitation.email}:{method}:{meeting.sequence}"


def mailed_to(meeting: Meeting, address: str) -> bool:
    """Whether an invitation to the meeting (a REQUEST of any SEQUENCE) was mailed to the address and has
    not failed for good: an answer by mail can only come from where an invitation went."""
    prefix = f"itip:{meeting.id}:"
    keys = db.session.scalars(
        sa.select(OutboundMessage.dedupe_key).where(
            OutboundMessage.purpose == "itip_request",
            OutboundMessage.dedupe_key.startswith(prefix, autoescape=True),
            OutboundMessage.status != DeliveryStatus.FAILED,
        )
    )
    return any(key[len(prefix) :].rsplit(":", 2)[0].lower() == address for key in keys)


def _requested_before(meeting: Meeting) -> set[str]:
    """The addresses that were mailed a REQUEST for an earlier SEQUENCE of this meeting.

    Why the outbox and not the SEQUENCE: confirming a draft raises the SEQUENCE to 1, so the first
    invitation most people get is not SEQUENCE 0; and someone added later gets the current SEQUENCE as
    their first. The outbox keys record what was mailed to whom for which SEQUENCE, for meetings announced
    before this rule as for new ones. A mail that failed for good (or was withdrawn) never reached the
    person, so it does not count. One query per announcement, on the purpose index.
    """
    prefix = f"itip:{meeting.id}:"
    keys = db.session.scalars(
        sa.select(OutboundMessage.dedupe_key).where(
            OutboundMessage.purpose == "itip_request",
            OutboundMessage.dedupe_key.startswith(prefix, autoescape=True),
            OutboundMessage.status.not_in((DeliveryStatus.FAILED, DeliveryStatus.WITHDRAWN)),
        )
    )
    found: set[str] = set()
    for key in keys:
        # itip:<meeting>:<address>:<method>:<sequence>; an address may itself hold a colon
        parts = key[len(prefix) :].rsplit(":", 2)
        earlier = len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < meeting.sequence
        if earlier and parts[1] == "REQUEST":
            found.add(parts[0])
    return found


def _send(
    meeting: Meeting,
    method: str,
    recipients: Iterable[Invitation],
    attendees: list[Invitation],
    note: str | None = None,
    changes: dict[str, list] | None = None,
) -> list[int]:
    """Queue the mails; returns the outbox ids added (none for mail already queued for this SEQUENCE)."""
    calendar_for = ical.invites_for(meeting, method, attendees, list_everyone=lists_attendees(meeting))
    mailed_before = _requested_before(meeting) if method == "REQUEST" else set()
    mails = [
        (
            _key(meeting, method, invitation),
            invitation.email,
            _mail(
                meeting,
                method,
                invitation,
                calendar_for(invitation),
                updated=invitation.email in mailed_before,
                note=note,
                changes=changes,
            ),
        )
        for invitation in recipients
        if is_told(invitation)
    ]
    return queue_mails(f"itip_{method.lower()}", mails)


def announce(meeting: Meeting) -> int:
    """Send everyone on the list the meeting as it now is: a REQUEST, or a CANCEL once it is cancelled."""
    method = itip_method(meeting)
    if method is None:
        return 0
    return len(_send(meeting, method, meeting.invitations, meeting.invitations))


def invite_added(meeting: Meeting, added: Iterable[Invitation]) -> int:
    """A REQUEST to people added to a confirmed meeting; the others' calendars need no update."""
    if meeting.status is not MeetingStatus.CONFIRMED:
        return 0
    return len(_send(meeting, "REQUEST", list(added), meeting.invitations))


@invitee_removed.connect
def uninvite(meeting: Meeting, removed: Invitation) -> int:
    """A CANCEL to one person taken off a confirmed meeting, naming only them."""
    if meeting.status is not MeetingStatus.CONFIRMED:
        return 0
    try:
        queued = send_mail(
            to_email=removed.email,
            purpose="itip_cancel",
            dedupe_key=_key(meeting, "CANCEL", removed),
            now=False,
            **_mail(meeting, "CANCEL", removed, ical.invite(meeting, "CANCEL", [removed])),
        )
    except MailDeliveryError:
        return 0  # recorded as failed for the deliveries page
    return int(queued is not None)


# --- announcements: the change recorded now, the mail made after the answer --------------------------


@announced.connect
def mail_soon(_meeting: Meeting, *, announcement_id: int) -> None:
    """Mail a new announcement once the answer has gone (at once outside a request)."""

    def mail_it() -> None:
        queued = send_announcements(only_ids=[announcement_id])
        if queued:
            dispatch(only_ids=queued)

    run_after_response(mail_it)


def _pending(only_ids: list[int] | None) -> list[Announcement]:
    query = sa.select(Announcement).where(Announcement.done_at.is_(None)).order_by(Announcement.id)
    if only_ids is not None:
        query = query.where(Announcement.id.in_(only_ids))
    return list(db.session.scalars(query))


def _meeting_for(announcement: Announcement) -> Meeting | None:
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == announcement.meeting_id)
        .options(
            so.joinedload(Meeting.type),
            so.selectinload(Meeting.invitations).joinedload(Invitation.member),
            so.selectinload(Meeting.agenda_items),
        )
    )


def send_announcements(now: datetime | None = None, only_ids: list[int] | None = None) -> list[int]:
    """Turn pending announcements into outbox rows, one announcement at a time; returns the rows' ids.

    An announcement for an older SEQUENCE is dropped: a later one tells everyone the newer state. One that
    fails keeps its error and stays pending; the others go on.
    """
    queued: list[int] = []
    for announcement in _pending(only_ids):
        meeting = _meeting_for(announcement)
        try:
            if meeting is not None and meeting.sequence == announcement.sequence and itip_method(meeting):
                wanted = None if announcement.invitation_ids is None else set(announcement.invitation_ids)
                recipients = [i for i in meeting.invitations if wanted is None or i.id in wanted]
                queued.extend(
                    _send(
                        meeting,
                        announcement.method,
                        recipients,
                        meeting.invitations,
                        announcement.note,
                        announcement.changes,
                    )
                )
            announcement.done_at = now or clock.now()
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            current_app.logger.exception("announcement %s could not be mailed", announcement.id)
            announcement.last_error = str(exc)[:1000]
            db.session.commit()
    return queued
