"""Meetings on the agreed cadence: their types, invitations (with RSVP and attendance) and agendas."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .people import Member, WorkingGroup, enum_column
from .types import UTCDateTime, utcnow


class MeetingMode(StrEnum):
    ONLINE = "online"
    ONSITE = "onsite"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return str(_MEETING_MODE_LABELS[self])

    @property
    def needs_venue(self) -> bool:
        return self is not MeetingMode.ONLINE

    @property
    def needs_video_link(self) -> bool:
        return self is not MeetingMode.ONSITE


_MEETING_MODE_LABELS = {
    MeetingMode.ONLINE: _l("Online"),
    MeetingMode.ONSITE: _l("Onsite"),
    MeetingMode.HYBRID: _l("Hybrid"),
}


class MinutesApproval(StrEnum):
    """How the minutes of a meeting type are approved (see decisions/0012)."""

    #: at a later meeting of the approving type, held after the minutes were circulated
    MEETING = "meeting"
    #: by written procedure: those present are asked, and silence until the deadline is consent
    WRITTEN = "written"
    #: by the coordinator, for the coordination team
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return str(_MINUTES_APPROVAL_LABELS[self])


_MINUTES_APPROVAL_LABELS = {
    MinutesApproval.MEETING: _l("At a later meeting"),
    MinutesApproval.WRITTEN: _l("By written procedure"),
    MinutesApproval.COORDINATOR: _l("By the coordinator"),
}


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    HELD = "held"

    @property
    def label(self) -> str:
        return str(_MEETING_STATUS_LABELS[self])


_MEETING_STATUS_LABELS = {
    MeetingStatus.DRAFT: _l("Draft"),
    MeetingStatus.CONFIRMED: _l("Confirmed"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
    MeetingStatus.HELD: _l("Held"),
}


class Rsvp(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"

    @property
    def label(self) -> str:
        return str(_RSVP_LABELS[self])


_RSVP_LABELS = {Rsvp.YES: _l("I will attend"), Rsvp.NO: _l("I will not attend"), Rsvp.MAYBE: _l("Maybe")}


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def label(self) -> str:
        return str(_ATTENDANCE_LABELS[self])


_ATTENDANCE_LABELS = {
    Attendance.PRESENT: _l("Present"),
    Attendance.ABSENT: _l("Absent"),
    Attendance.EXCUSED: _l("Excused"),
}


class MeetingType(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: stable key the configuration and the year plan use (plenary, thematic, bilateral, partnership_event)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    #: the name in the NMG's default language (DEFAULT_LANGUAGE), shown where no other language has one
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: the name in each language the NMG works in, by language code: {"it": "Riunione plenaria", ...}
    names: so.Mapped[dict[str, str]] = so.mapped_column(sa.JSON, default=dict, server_default="{}")
    #: how meetings of this type are usually held
    default_mode: so.Mapped[MeetingMode] = so.mapped_column(enum_column(MeetingMode, "meeting_mode"))
    #: meetings agreed per year; empty means "as needed"
    target_per_year: so.Mapped[int | None] = so.mapped_column()
    #: of those, how many must be held onsite (or hybrid) each year
    min_onsite_per_year: so.Mapped[int] = so.mapped_column(default=0)
    #: usual length in minutes
    default_duration_minutes: so.Mapped[int] = so.mapped_column(default=120)
    #: days before the start at which invitees get a reminder, e.g. [7, 1]
    reminder_days: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    #: days before the start at which the coordination team is asked for agenda items; empty for none
    agenda_call_days: so.Mapped[int | None] = so.mapped_column()
    #: days members have to comment on circulated minutes
    minutes_comment_days: so.Mapped[int] = so.mapped_column(default=10, server_default="10")
    #: how its minutes are usually approved: at a later meeting, by written procedure, by the coordinator
    minutes_approval: so.Mapped[MinutesApproval] = so.mapped_column(
        enum_column(MinutesApproval, "minutes_approval"),
        default=MinutesApproval.MEETING,
        server_default=MinutesApproval.MEETING.value,
    )
    #: the type of the meetings that approve its minutes (plenary); empty: a meeting of this same type
    minutes_approving_type_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("meeting_type.id", ondelete="SET NULL")
    )
    #: order in lists
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: invitations name every invitee as an ATTENDEE; otherwise each names only its recipient
    lists_attendees: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    #: types no longer used stay for history
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    minutes_approving_type: so.Mapped[MeetingType | None] = so.relationship(remote_side="MeetingType.id")

    @property
    def approving_type_id(self) -> int:
        """The type of the meetings at which minutes of this type are approved."""
        return self.minutes_approving_type_id or self.id

    def name_in(self, language: str | None) -> str:
        """The name in that language, else the one in the NMG's default language."""
        return (self.names or {}).get(language or "") or self.name

    @property
    def label(self) -> str:
        """The name in the reader's language: the page's locale, or the recipient's in a mail."""
        locale = get_locale()
        return self.name_in(locale.language if locale else None)

    def __repr__(self) -> str:
        return f"<MeetingType {self.code}>"


def _new_calendar_uid() -> str:
    """Globally unique, as RFC 5545 asks: a random part and the installation's own domain."""
    domain = current_app.config["MAIL_DOMAIN"] if has_app_context() else "nmg-ops.invalid"
    return f"{uuid.uuid4()}@{domain}"


class Meeting(db.Model):
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_meeting_starts_at", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: plenary, thematic, ...
    type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting_type.id"), index=True)
    #: what members see in lists and calendars
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: purpose and practical notes, Markdown
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: start, stored in UTC
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: end, stored in UTC
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: online, onsite or hybrid
    mode: so.Mapped[MeetingMode] = so.mapped_column(enum_column(MeetingMode, "meeting_mode"))
    #: address, for onsite and hybrid meetings
    venue: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    #: https link of the video call, for online and hybrid meetings
    video_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: draft, confirmed, cancelled or held
    status: so.Mapped[MeetingStatus] = so.mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.DRAFT
    )
    #: who organises it (the coordinator who scheduled it)
    organiser_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: shown in the public calendar
    is_public: so.Mapped[bool] = so.mapped_column(default=False)
    #: invitations name every invitee; empty follows the type, except that with external guests they do not
    lists_attendees: so.Mapped[bool | None] = so.mapped_column()
    #: the one calendar identity of the meeting, in invites, feeds and downloads alike
    calendar_uid: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True, default=_new_calendar_uid)
    #: raised on every material change (time, place, status) so calendars replace their copy
    sequence: so.Mapped[int] = so.mapped_column(default=0)
    #: set for meetings made by the year plan ("2027/plenary/3"), so that committing a plan twice adds nothing
    plan_key: so.Mapped[str | None] = so.mapped_column(sa.String(60), unique=True)
    #: when the record was created
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: last change of anything
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    type: so.Mapped[MeetingType] = so.relationship()
    organiser: so.Mapped[Member | None] = so.relationship()
    invitations: so.Mapped[list[Invitation]] = so.relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitation.id"
    )
    agenda_items: so.Mapped[list[AgendaItem]] = so.relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    @property
    def is_onsite(self) -> bool:
        """Counts towards the onsite quota: people meet in a room, whether or not others join online."""
        return self.mode.needs_venue

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r} {self.starts_at:%Y-%m-%d}>"


class Invitation(db.Model):
    """One invitee of one meeting: a member, or an external guest with a name and an e-mail."""

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "member_id"),
        sa.UniqueConstraint("meeting_id", "guest_email"),
        sa.CheckConstraint("(member_id IS NULL) <> (guest_email IS NULL)", name="member_or_guest"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the meeting
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: the invited member; empty for a guest
    member_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    #: an external guest's name
    guest_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    #: an external guest's address, lower-case
    guest_email: so.Mapped[str | None] = so.mapped_column(sa.String(320))
    #: the working group through which the member was invited, kept to explain why they are on the list
    via_working_group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("working_group.id"))
    #: when the person was added
    invited_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: the invitee's answer
    rsvp: so.Mapped[Rsvp | None] = so.mapped_column(enum_column(Rsvp, "rsvp"))
    #: when they last answered
    rsvp_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: recorded by the coordination team after the meeting
    attendance: so.Mapped[Attendance | None] = so.mapped_column(enum_column(Attendance, "attendance"))

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="invitations")
    member: so.Mapped[Member | None] = so.relationship()
    via_working_group: so.Mapped[WorkingGroup | None] = so.relationship()

    @property
    def name(self) -> str:
        return self.member.full_name if self.member else (self.guest_name or "")

    @property
    def email(self) -> str:
        return self.member.email if self.member else (self.guest_email or "")


class AgendaItem(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the meeting
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: order on the agenda, from 1
    position: so.Mapped[int] = so.mapped_column()
    #: what the item is about
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: who presents it, free text so that guests can present too
    presenter: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: planned minutes
    duration_minutes: so.Mapped[int | None] = so.mapped_column()
    #: background and expected outcome, Markdown
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: an item the application adds and keeps ("matters_arising"); empty for the team's own items
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="", server_default="")

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="agenda_items")
