"""The partnership view's sources: another NMG's self-assessment, fetched from its published address by the
scheduler or uploaded by the coordinator, and the documents kept from it, one per year."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .people import Member, enum_column
from .types import UTCDateTime, utcnow


class SourceOutcome(StrEnum):
    """What the last reading of a source gave."""

    #: added, not read yet
    WAITING = "waiting"
    #: a valid document (fetched with 200, or uploaded)
    READ = "read"
    #: 304: the document kept is still the one published
    UNCHANGED = "unchanged"
    #: a network error, a refused answer or an invalid document; `error` says which
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(_SOURCE_OUTCOME_LABELS[self])


_SOURCE_OUTCOME_LABELS = {
    SourceOutcome.WAITING: _l("Not read yet"),
    SourceOutcome.READ: _l("Read"),
    SourceOutcome.UNCHANGED: _l("Unchanged since the last reading"),
    SourceOutcome.FAILED: _l("Not readable"),
}


class PartnershipSource(db.Model):
    """Where one NMG's self-assessment comes from: a published address (fetched by the scheduler with the
    validators last seen) or a file the coordinator uploaded (no address)."""

    __table_args__ = (
        sa.CheckConstraint("url IS NOT NULL OR country IS NOT NULL", name="named_by_url_or_country"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the published document's http(s) address; NULL for an uploaded file
    url: so.Mapped[str | None] = so.mapped_column(sa.String(2000), unique=True)
    #: the NMG's country (ISO 3166-1 alpha-2) from its last valid document; an upload of the same country
    #: replaces the uploaded source's documents of the same years
    country: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    #: the ETag of the last 200, sent back as If-None-Match
    etag: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    #: the Last-Modified of the last 200, as received, sent back as If-Modified-Since
    last_modified: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: when it was last fetched or uploaded
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: what that reading gave
    outcome: so.Mapped[SourceOutcome] = so.mapped_column(
        enum_column(SourceOutcome, "source_outcome"), default=SourceOutcome.WAITING
    )
    #: why the last reading failed, in words, for the page's "Could not be read"
    error: so.Mapped[str] = so.mapped_column(sa.String(1000), default="", server_default="")
    #: who added the address or uploaded the file
    added_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))
    #: when
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    added_by: so.Mapped[Member | None] = so.relationship()
    documents: so.WriteOnlyMapped[PartnershipDocument] = so.relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<PartnershipSource {self.url or self.country}>"


class PartnershipDocument(db.Model):
    """The last valid document a source gave for one year; a 304 or a failed reading keeps it."""

    __table_args__ = (
        sa.UniqueConstraint("source_id", "year"),
        sa.CheckConstraint("year BETWEEN 1900 AND 2199", name="year_in_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership_source.id", ondelete="CASCADE"))
    #: the year the document describes
    year: so.Mapped[int] = so.mapped_column()
    #: the JSON document, valid against the schema when it was stored
    document: so.Mapped[str] = so.mapped_column(sa.Text)
    #: what the view reads of it (JSON): the NMG, the year and the measures it compares
    #: (`governance.partnership.sources.summary`)
    summary: so.Mapped[str] = so.mapped_column(sa.Text)
    #: when it was received
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    source: so.Mapped[PartnershipSource] = so.relationship(back_populates="documents")

    def __repr__(self) -> str:
        return f"<PartnershipDocument {self.source_id} {self.year}>"
