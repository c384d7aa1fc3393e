"""Meeting reminders on the offsets agreed for each meeting type, each sent once, with the meeting's
calendar file and, for an invitee, the links to answer.

A reminder's dedupe key names the meeting, the invitee, the offset and the start time it announces: when
a meeting moves, reminders follow the new time, and an offset already sent for the old time is sent again
for the new time only. The sweep reads only meetings that start within the longest offset, so its cost
grows with what is due, not with the history in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel.dates import format_timedelta
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..delivery.outbox import already_enqueued
from ..extensions import db
from ..i18n import format_datetime
from ..mail import Attachment, MailDeliveryError, send_mail
from ..models import Invitation, Meeting, MeetingStatus, MeetingType, Member, Rsvp
from .ical import download, meeting_url
from .rsvp_links import rsvp_links


@dataclass
class SweepReport:
    meetings: int = 0
    enqueued: int = 0
    refused: int = 0

    def __str__(self) -> str:
        refused = f", {self.refused} could not be built (see the deliveries page)" if self.refused else ""
        return f"{self.enqueued} reminders enqueued for {self.meetings} meetings{refused}"


@dataclass(frozen=True)
class _Due:
    key: str
    purpose: str
    meeting: Meeting
    to_email: str
    to_name: str
    language: str
    timezone: str
    invitation: Invitation | None = None


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%M%SZ")


def _closest_due(offsets: list[int], starts_at: datetime, now: datetime) -> int | None:
    """The smallest offset already due: after a long outage only the most specific reminder goes out."""
    due = [days for days in offsets if starts_at - timedelta(days=days) <= now]
    return min(due) if due else None


def _upcoming(now: datetime) -> list[Meeting]:
    longest = (
        db.session.scalar(sa.select(sa.func.max(sa.func.coalesce(MeetingType.agenda_call_days, 0)))) or 0
    )
    longest = max(
        [longest, *(max(t.reminder_days or [0]) for t in db.session.scalars(sa.select(MeetingType)))]
    )
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.status == MeetingStatus.CONFIRMED,
                Meeting.starts_at > now,
                Meeting.starts_at <= now + timedelta(days=longest),
            )
            .options(
                so.joinedload(Meeting.type),
                so.selectinload(Meeting.invitations).joinedload(Invitation.member),
                so.selectinload(Meeting.agenda_items),
            )
        )
    )


def _coordination_team(now: datetime) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.is_coordination_team, Member.current_clause(clock.today()))
        )
    )


def _due_mails(meetings: list[Meeting], now: datetime) -> list[_Due]:
    default_language = current_app.config["DEFAULT_LANGUAGE"]
    zone = current_app.config["TIMEZONE"]
    team: list[Member] | None = None
    due: list[_Due] = []
    for meeting in meetings:
        stamp = _stamp(meeting.starts_at)
        days = _closest_due(meeting.type.reminder_days or [], meeting.starts_at, now)
        if days is not None:
            for invitation in meeting.invitations:
                if invitation.rsvp is Rsvp.NO:
                    continue
                member = invitation.member
                if member is not None and not member.is_current:
                    continue
                due.append(
                    _Due(
                        f"reminder:{meeting.id}:{invitation.id}:{days}d:{stamp}",
                        "reminder",
                        meeting,
                        invitation.email,
                        invitation.name,
                        str(member.language) if member else default_language,
                        member.timezone if member else zone,
                        invitation,
                    )
                )
        call_days = meeting.type.agenda_call_days
        if call_days and meeting.starts_at - timedelta(days=call_days) <= now:
            team = team if team is not None else _coordination_team(now)
            due.extend(
                _Due(
                    f"agenda_call:{meeting.id}:{member.id}:{stamp}",
                    "agenda_call",
                    meeting,
                    member.email,
                    member.full_name,
                    str(member.language),
                    member.timezone,
                )
                for member in team
            )
    return due


def time_left(starts_at: datetime, now: datetime, language: str) -> str:
    """ "in 24 hours", "tra 6 giorni": the time really left, not the offset that made the mail due.

    Hours below two days, so that a meeting tomorrow reads as the hours it is away."""
    return format_timedelta(starts_at - now, threshold=2, add_direction=True, locale=language)


def sweep(now: datetime | None = None) -> SweepReport:
    """Enqueue every reminder and agenda call that is due and not yet in the outbox."""
    now = now or clock.now()
    # The mail leaves within a minute of now; a catch-up tick `--at` an earlier instant mails today.
    sent_at = max(now, clock.now())
    meetings = _upcoming(now)
    due = _due_mails(meetings, now)
    done = already_enqueued([mail.key for mail in due])
    report = SweepReport(meetings=len(meetings))
    calendars: dict[int, bytes] = {}
    for mail in due:
        if mail.key in done:
            continue
        meeting = mail.meeting
        if meeting.id not in calendars:
            calendars[meeting.id] = download(meeting)
        subject = (
            _l("Agenda items wanted: %(title)s", title=meeting.title)
            if mail.purpose == "agenda_call"
            else _l("Reminder: %(title)s", title=meeting.title)
        )
        try:
            send_mail(
                to_email=mail.to_email,
                to_name=mail.to_name,
                language=mail.language,
                subject=subject,
                template=mail.purpose,
                purpose=mail.purpose,
                dedupe_key=mail.key,
                attachments=(Attachment("meeting.ics", "text/calendar", calendars[meeting.id]),),
                now=False,
                meeting=meeting,
                when=format_datetime(
                    meeting.starts_at, "full", locale=mail.language, zone=ZoneInfo(mail.timezone)
                ),
                zone_name=mail.timezone,
                time_left=time_left(meeting.starts_at, sent_at, mail.language),
                link=meeting_url(meeting),
                rsvp=rsvp_links(mail.invitation) if mail.invitation else {},
            )
        except MailDeliveryError:
            report.refused += 1  # recorded under its key as failed; the sweep goes on with the others
            continue
        report.enqueued += 1
    return report
