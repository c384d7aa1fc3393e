"""The group's documents (terms of reference, NMG plan, work plans, reports), each with numbered versions.

A version's bytes live in the document store (files under `instance/documents/` or an S3 bucket) under its
`storage_key`; the row holds what the store cannot say: who uploaded it, when, why, and whether the group
approved it. At most one version of a document is approved at a time (a partial unique index says so in the
database): approving another supersedes it, and the permanent link of the document serves it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .meetings import Meeting
from .people import Member, enum_column
from .types import UTCDateTime, utcnow


class DocumentKind(StrEnum):
    TERMS_OF_REFERENCE = "terms_of_reference"
    NMG_PLAN = "nmg_plan"
    WORK_PLAN = "work_plan"
    REPORT = "report"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(_DOCUMENT_KIND_LABELS[self])


_DOCUMENT_KIND_LABELS = {
    DocumentKind.TERMS_OF_REFERENCE: _l("Terms of reference"),
    DocumentKind.NMG_PLAN: _l("NMG plan"),
    DocumentKind.WORK_PLAN: _l("Annual work plan"),
    DocumentKind.REPORT: _l("Report"),
    DocumentKind.OTHER: _l("Other document"),
}


class DocumentVisibility(StrEnum):
    TEAM = "team"
    MEMBERS = "members"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return str(_DOCUMENT_VISIBILITY_LABELS[self])


_DOCUMENT_VISIBILITY_LABELS = {
    DocumentVisibility.TEAM: _l("Coordination team"),
    DocumentVisibility.MEMBERS: _l("Members"),
    DocumentVisibility.PUBLIC: _l("Public"),
}


class VersionStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return str(_VERSION_STATUS_LABELS[self])


_VERSION_STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Draft"),
    VersionStatus.APPROVED: _l("Approved"),
    VersionStatus.SUPERSEDED: _l("Superseded"),
}


class Document(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: what the document is, as lists show it
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: terms of reference, NMG plan, work plan, report or other
    kind: so.Mapped[DocumentKind] = so.mapped_column(enum_column(DocumentKind, "document_kind"), index=True)
    #: who may read it: the coordination team, every member, or anyone
    visibility: so.Mapped[DocumentVisibility] = so.mapped_column(
        enum_column(DocumentVisibility, "document_visibility")
    )
    #: when the record was created
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: who created it; empty for the command line
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))

    created_by: so.Mapped[Member | None] = so.relationship()
    versions: so.Mapped[list[DocumentVersion]] = so.relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )

    @property
    def approved_version(self) -> DocumentVersion | None:
        return next((v for v in self.versions if v.status is VersionStatus.APPROVED), None)

    @property
    def latest_version(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class DocumentVersion(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("document_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("size >= 0", name="size_not_negative"),
        sa.CheckConstraint("status = 'draft' OR approved_at IS NOT NULL", name="approval_dated"),
        sa.Index(
            "uq_document_version_one_approved",
            "document_id",
            unique=True,
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the document this is a version of
    document_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    #: 1 for the first upload, then 2, 3, ...
    number: so.Mapped[int] = so.mapped_column()
    #: the uploaded file's name, sanitised: what a download is saved as
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: the type found by reading the content, never the one the browser claimed
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: bytes
    size: so.Mapped[int] = so.mapped_column()
    #: hex digest of the content, to tell identical uploads apart and check the store
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: where the document store keeps the bytes
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    #: what changed in this version, in the uploader's words
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: who uploaded it; empty for the command line
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when it was uploaded
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: draft, approved (the current text) or superseded (approved once, replaced since)
    status: so.Mapped[VersionStatus] = so.mapped_column(
        enum_column(VersionStatus, "document_version_status"), default=VersionStatus.DRAFT
    )
    #: the meeting that approved it; empty when the coordinator approved it
    approved_meeting_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL")
    )
    #: when it was approved
    approved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: who recorded the approval
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: why the coordinator approved it outside a meeting, or what the meeting said
    approval_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    document: so.Mapped[Document] = so.relationship(back_populates="versions")
    uploaded_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[uploaded_by_id])
    approved_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[approved_by_id])
    approved_meeting: so.Mapped[Meeting | None] = so.relationship()

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.document_id}/{self.number} {self.status}>"


class AgendaMaterial(db.Model):
    """What an agenda item is to be read with: a document of the group's library, or a link elsewhere."""

    __table_args__ = (
        sa.UniqueConstraint("agenda_item_id", "document_id"),
        sa.CheckConstraint("(document_id IS NULL) <> (url IS NULL)", name="document_or_link"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the item
    agenda_item_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    #: a document of the library, read in its current approved version (or the latest, for the team)
    document_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("document.id", ondelete="CASCADE"))
    #: or an https link, with the words shown for it
    url: so.Mapped[str | None] = so.mapped_column(sa.String(2000))
    label: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: when it was added, which orders an item's materials
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    document: so.Mapped[Document | None] = so.relationship()
