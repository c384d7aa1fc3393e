"""The record of a meeting: minutes with their revisions and comments, the decisions taken and the actions
agreed, each action with the history of what happened to it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .meetings import AgendaItem, Meeting, MinutesApproval
from .people import Member, enum_column
from .types import UTCDateTime, utcnow


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return str(_MINUTES_STATUS_LABELS[self])


_MINUTES_STATUS_LABELS = {
    MinutesStatus.DRAFT: _l("Draft"),
    MinutesStatus.CIRCULATED: _l("Circulated for comments"),
    MinutesStatus.APPROVED: _l("Approved"),
}


class RevisionKind(StrEnum):
    EDIT = "edit"
    RESTORE = "restore"
    ERRATUM = "erratum"

    @property
    def label(self) -> str:
        return str(_REVISION_KIND_LABELS[self])


_REVISION_KIND_LABELS = {
    RevisionKind.EDIT: _l("Edited"),
    RevisionKind.RESTORE: _l("Restored"),
    RevisionKind.ERRATUM: _l("Erratum"),
}


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(_ACTION_STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


_ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.DROPPED: _l("Dropped"),
}


class ActionEventKind(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    STATUS = "status"
    NOTE = "note"
    CARRIED = "carried"

    @property
    def label(self) -> str:
        return str(_ACTION_EVENT_KIND_LABELS[self])


_ACTION_EVENT_KIND_LABELS = {
    ActionEventKind.CREATED: _l("Recorded"),
    ActionEventKind.EDITED: _l("Changed"),
    ActionEventKind.STATUS: _l("Status changed"),
    ActionEventKind.NOTE: _l("Note"),
    ActionEventKind.CARRIED: _l("Carried over"),
}


class Minutes(db.Model):
    """The minutes of one meeting; the text of each section is that of the latest revision."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the meeting recorded
    meeting_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    #: draft, circulated or approved
    status: so.Mapped[MinutesStatus] = so.mapped_column(
        enum_column(MinutesStatus, "minutes_status"), default=MinutesStatus.DRAFT
    )
    #: number of the latest revision; a save names the one it started from, so that none overwrites another
    version: so.Mapped[int] = so.mapped_column(default=0)
    #: Markdown by section key ("opening", "item-<agenda item id>", "aob"), as in the latest revision
    sections: so.Mapped[dict[str, str]] = so.mapped_column(sa.JSON, default=dict)
    #: the sections and the meeting's title, folded for search (lower case, no accents)
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: how many times the draft was circulated; each circulation mails once
    circulation: so.Mapped[int] = so.mapped_column(default=0)
    #: the revision last circulated; circulating again needs a newer one
    circulated_version: so.Mapped[int] = so.mapped_column(default=0)
    #: when the last circulation went out
    circulated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: last day for comments on the circulated draft
    comments_due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    #: the agenda item of the meeting that is to approve them, added once at the first circulation
    approval_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    #: day of approval
    approved_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    #: the meeting that approved them; empty when the coordination team approves
    approved_at_meeting_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL")
    )
    #: how they were approved: at a meeting, by written procedure, or by the coordinator
    approved_how: so.Mapped[MinutesApproval | None] = so.mapped_column(
        enum_column(MinutesApproval, "approved_how")
    )
    #: the revision approved: the one circulated, or a later one approved knowingly with its differences
    approved_version: so.Mapped[int | None] = so.mapped_column()
    #: who recorded the approval
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when the record was created
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: last change of anything
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: so.Mapped[Meeting] = so.relationship(foreign_keys=[meeting_id])
    approved_at_meeting: so.Mapped[Meeting | None] = so.relationship(foreign_keys=[approved_at_meeting_id])
    approval_item: so.Mapped[AgendaItem | None] = so.relationship()
    approved_by: so.Mapped[Member | None] = so.relationship()

    @property
    def approved_with_later_changes(self) -> bool:
        """Approved in a revision newer than the one circulated, knowingly."""
        return self.approved_version is not None and self.approved_version != self.circulated_version


class MinutesRevision(db.Model):
    """One save of the minutes: nothing is overwritten, every text ever saved stays."""

    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the minutes
    minutes_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... in the order of saving
    number: so.Mapped[int] = so.mapped_column()
    #: the text of every section as saved
    sections: so.Mapped[dict[str, str]] = so.mapped_column(sa.JSON, default=dict)
    #: an edit, a restore of an older revision, or an erratum after approval
    kind: so.Mapped[RevisionKind] = so.mapped_column(
        enum_column(RevisionKind, "revision_kind"), default=RevisionKind.EDIT
    )
    #: why: the reason for an erratum, the revision restored
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: who saved it
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    saved_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[Member | None] = so.relationship()


class MinutesPrint(db.Model):
    """The minutes' PDF as last made in one language, served again while the page it shows is the same."""

    __table_args__ = (sa.UniqueConstraint("minutes_id", "language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the minutes
    minutes_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    #: the language of the page
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: the revision printed
    version: so.Mapped[int] = so.mapped_column()
    #: SHA-256 of the printable page: a revision, decision, action, attendance or status change alters it
    digest: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: the PDF; empty while it is being made, and when the page is too large to print
    pdf: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    #: the CPU or memory limit stopped the making: the same page is refused without trying again
    too_large: so.Mapped[bool] = so.mapped_column(default=False)
    #: since when a request is making it; empty when none is
    making_since: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: raised by each request that takes the making on: only the latest one records what it made
    claim: so.Mapped[int] = so.mapped_column(default=0)


class MinutesComment(db.Model):
    """A member's comment on one section of circulated minutes, until the coordination team resolves it;
    or the team's reply under such a comment (one level: a reply is not answered in turn)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the minutes
    minutes_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    #: the section commented on
    section: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: the comment, Markdown
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: who wrote it
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: when the coordination team resolved it
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: who resolved it
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: the comment this reply answers; none for a member's comment
    reply_to_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("minutes_comment.id", ondelete="CASCADE"), index=True
    )

    author: so.Mapped[Member] = so.relationship(foreign_keys=[author_id])
    resolved_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[resolved_by_id])
    replies: so.Mapped[list[MinutesComment]] = so.relationship(
        order_by="MinutesComment.id", passive_deletes=True
    )


class Decision(db.Model):
    """A decision of a meeting, numbered within the year of the meeting (2026/07)."""

    __table_args__ = (sa.UniqueConstraint("year", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the year of the meeting, in the NMG's zone
    year: so.Mapped[int] = so.mapped_column()
    #: 1, 2, ... within the year
    number: so.Mapped[int] = so.mapped_column()
    #: the meeting that took it
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: the minutes section it was recorded in
    section: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    #: what was decided
    text: so.Mapped[str] = so.mapped_column(sa.String(1000))
    #: the text and the number, folded for search
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: who recorded it
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    meeting: so.Mapped[Meeting] = so.relationship()
    #: whether the decision stands: the minutes it was recorded in are approved. Until then it is
    #: provisional wherever it is shown, and member-wide outputs (e-news, annual report) leave it out.
    #: Read with every decision, so that no page, export or report can miss it.
    stands: so.Mapped[bool] = so.column_property(
        sa.select(Minutes.id)
        .where(Minutes.meeting_id == meeting_id, Minutes.status == MinutesStatus.APPROVED)
        .correlate_except(Minutes)
        .exists()
    )

    @property
    def code(self) -> str:
        return f"{self.year}/{self.number:02d}"


action_owner = sa.Table(
    "action_owner",
    db.metadata,
    sa.Column("action_id", sa.ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ActionItem(db.Model):
    """Something agreed to be done, by one or more members or by the coordination team."""

    __table_args__ = (
        sa.Index("ix_action_item_status_due_on", "status", "due_on"),
        sa.CheckConstraint("status <> 'dropped' OR dropped_reason <> ''", name="dropped_has_reason"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: what is to be done
    title: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: background, Markdown
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: when it is due; empty for "as soon as possible"
    due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    #: open, in progress, done or dropped
    status: so.Mapped[ActionStatus] = so.mapped_column(
        enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    #: why it was dropped
    dropped_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: the coordination team as a whole owns it
    is_team_owned: so.Mapped[bool] = so.mapped_column(default=False)
    #: the meeting that agreed it; empty for an action recorded on its own
    meeting_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    #: the minutes section it was recorded in
    section: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    #: the agenda item it came from
    agenda_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    #: title, notes and owners, folded for search
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: who recorded it
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: last change of anything
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owners: so.Mapped[list[Member]] = so.relationship(secondary=action_owner, order_by="Member.full_name")
    meeting: so.Mapped[Meeting | None] = so.relationship()
    agenda_item: so.Mapped[AgendaItem | None] = so.relationship()
    events: so.Mapped[list[ActionEvent]] = so.relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionEvent.id"
    )

    def is_overdue(self, today: date) -> bool:
        return self.status.is_open and self.due_on is not None and self.due_on < today


class ActionEvent(db.Model):
    """One line of an action's history: recorded, changed, a status change, a note, carried to a meeting."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the action
    action_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("action_item.id", ondelete="CASCADE"), index=True
    )
    #: what happened
    kind: so.Mapped[ActionEventKind] = so.mapped_column(enum_column(ActionEventKind, "action_event_kind"))
    #: the status before and after a status change
    status_from: so.Mapped[ActionStatus | None] = so.mapped_column(enum_column(ActionStatus, "status_from"))
    status_to: so.Mapped[ActionStatus | None] = so.mapped_column(enum_column(ActionStatus, "status_to"))
    #: a note, or the reason for dropping
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the meeting it was carried to, as a matter arising
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"))
    #: who did it; empty for the system
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    action: so.Mapped[ActionItem] = so.relationship(back_populates="events")
    author: so.Mapped[Member | None] = so.relationship()
    meeting: so.Mapped[Meeting | None] = so.relationship()


class ProcedureStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    OBJECTED = "objected"

    @property
    def label(self) -> str:
        return str(_PROCEDURE_STATUS_LABELS[self])


_PROCEDURE_STATUS_LABELS = {
    ProcedureStatus.OPEN: _l("Open"),
    ProcedureStatus.APPROVED: _l("Approved"),
    ProcedureStatus.OBJECTED: _l("Ended by an objection"),
}


class WrittenProcedure(db.Model):
    """Approval of circulated minutes by written procedure: those present are asked, silence until the
    deadline is consent, and one objection ends it without approval."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the minutes to approve
    minutes_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    #: the revision put to approval, as circulated
    version: so.Mapped[int] = so.mapped_column()
    #: open, approved or ended by an objection
    status: so.Mapped[ProcedureStatus] = so.mapped_column(
        enum_column(ProcedureStatus, "procedure_status"), default=ProcedureStatus.OPEN
    )
    #: the last day to object, in the NMG's zone; approved by tacit consent the day after
    deadline_on: so.Mapped[date] = so.mapped_column(sa.Date)
    #: who started it
    started_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: when it was approved or ended by an objection
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: the agenda item an objection was put on
    objection_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="SET NULL")
    )

    minutes: so.Mapped[Minutes] = so.relationship()
    started_by: so.Mapped[Member | None] = so.relationship()
    objection_item: so.Mapped[AgendaItem | None] = so.relationship()
    answers: so.Mapped[list[ProcedureAnswer]] = so.relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProcedureAnswer.id"
    )


class ProcedureAnswer(db.Model):
    """One person asked in a written procedure, and their answer once given."""

    __table_args__ = (
        sa.UniqueConstraint("procedure_id", "member_id"),
        sa.CheckConstraint("NOT is_objection OR reason <> ''", name="objection_has_reason"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the procedure
    procedure_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("written_procedure.id", ondelete="CASCADE"), index=True
    )
    #: the member asked: one present at the meeting
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    #: when they answered; empty until then
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: they object to the minutes as written
    is_objection: so.Mapped[bool] = so.mapped_column(default=False)
    #: why they object
    reason: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")

    procedure: so.Mapped[WrittenProcedure] = so.relationship(back_populates="answers")
    member: so.Mapped[Member] = so.relationship()
