"""The group's documents: uploading versions, approving one, and who may read what.

Who reads what is one rule, `readable_versions`, used by the list, the document page and both downloads:
the coordination team reads every version of every document; members read the approved (and once
approved, now superseded) versions of documents for members or the public; anyone else, signed in or not,
those of public documents. A document with nothing a reader may read is, to that reader, not there.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import IntEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..errors import RuleError, flush_or_refuse, lock_row
from ..extensions import db
from ..models import (
    AuditAction,
    AuditSubject,
    Document,
    DocumentKind,
    DocumentVersion,
    DocumentVisibility,
    Meeting,
    MeetingStatus,
    Member,
    VersionStatus,
)
from ..permissions import Right, can
from .content import identify, safe_filename
from .storage import StoreError, store

#: held meetings offered as the approving meeting, newest first
APPROVING_MEETINGS_SHOWN = 50


class DocumentError(RuleError):
    pass


class Reader(IntEnum):
    PUBLIC = 0
    MEMBER = 1
    TEAM = 2


_VISIBLE_TO = {
    Reader.PUBLIC: (DocumentVisibility.PUBLIC,),
    Reader.MEMBER: (DocumentVisibility.PUBLIC, DocumentVisibility.MEMBERS),
    Reader.TEAM: tuple(DocumentVisibility),
}


@dataclass(frozen=True)
class NewDocument:
    title: str
    kind: DocumentKind
    visibility: DocumentVisibility


def reader() -> Reader:
    if can(Right.MANAGE_DOCUMENTS):
        return Reader.TEAM
    if can(Right.VIEW_DOCUMENTS):
        return Reader.MEMBER
    return Reader.PUBLIC


def readable_versions(document: Document) -> list[DocumentVersion]:
    """The versions of the document the current reader may see and download, oldest first."""
    level = reader()
    if level is Reader.TEAM:
        return list(document.versions)
    if document.visibility not in _VISIBLE_TO[level]:
        return []
    return [v for v in document.versions if v.status is not VersionStatus.DRAFT]


def visible_documents() -> list[Document]:
    """The documents the current reader may read something of, by kind and title."""
    level = reader()
    query = (
        sa.select(Document)
        .where(Document.visibility.in_(_VISIBLE_TO[level]))
        .options(so.selectinload(Document.versions))
        .order_by(Document.kind, Document.title, Document.id)
    )
    if level is not Reader.TEAM:
        query = query.where(
            Document.versions.any(DocumentVersion.status != VersionStatus.DRAFT)  # type: ignore[attr-defined]
        )
    return list(db.session.scalars(query))


def _checked(data: bytes, filename: str) -> tuple[str, str]:
    limit = int(current_app.config["DOCUMENT_MAX_BYTES"])
    if len(data) > limit:
        raise DocumentError(too_large_message(), "file")
    content = identify(data)
    return content.content_type, safe_filename(filename, content)


def too_large_message() -> str:
    megabytes = int(current_app.config["DOCUMENT_MAX_BYTES"]) / 1_048_576
    return _("The file is larger than %(size)s MB, the largest document accepted.", size=f"{megabytes:g}")


def create_document(draft: NewDocument, data: bytes, filename: str, note: str, by: Member | None) -> Document:
    """A new document with its first version, a draft."""
    title = " ".join(draft.title.split())
    if not title:
        raise DocumentError(_l("Give the document a title."), "title")
    _checked(data, filename)
    document = Document(title=title, kind=draft.kind, visibility=draft.visibility, created_by=by)
    db.session.add(document)
    db.session.flush()
    audit.record(AuditAction.CREATED, AuditSubject.DOCUMENT, document.id, document.title)
    add_version(document, data, filename, note, by)
    return document


def add_version(
    document: Document, data: bytes, filename: str, note: str, by: Member | None
) -> DocumentVersion:
    """Check the content, keep the bytes in the store and add them as the document's next version, a draft."""
    content_type, name = _checked(data, filename)
    lock_row(Document, document.id)
    number = (
        db.session.scalar(
            sa.select(sa.func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)
        )
        or 0
    ) + 1
    key = f"documents/{document.id}/{secrets.token_hex(16)}"
    version = DocumentVersion(
        document=document,
        number=number,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        note=" ".join((note or "").split())[:500],
        uploaded_by=by,
        uploaded_at=clock.now(),
        status=VersionStatus.DRAFT,
    )
    db.session.add(version)
    try:
        store().put(key, data, content_type)
    except StoreError as exc:
        current_app.logger.error("document store: %s", exc)
        db.session.rollback()
        raise DocumentError(_l("The file could not be stored; try again later."), "file") from exc
    try:
        flush_or_refuse(
            DocumentError(_l("Another version was uploaded at the same time; try again."), "file")
        )
    except DocumentError:
        store().delete(key)
        raise
    audit.record(
        AuditAction.UPLOADED,
        AuditSubject.DOCUMENT,
        document.id,
        document.title,
        {"version": [None, number], "filename": [None, name]},
    )
    return version


def approving_meetings() -> list[Meeting]:
    """Held meetings, newest first: what an approval can point to."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.starts_at.desc())
            .limit(APPROVING_MEETINGS_SHOWN)
        )
    )


def approve(
    version: DocumentVersion, by: Member | None, meeting: Meeting | None = None, note: str = ""
) -> None:
    """Approve the version at a held meeting, or by the coordinator with a note; the version approved
    until now becomes superseded."""
    note = " ".join((note or "").split())
    if version.status is not VersionStatus.DRAFT:
        raise DocumentError(_l("Only a draft version can be approved."))
    if meeting is None and not note:
        raise DocumentError(_l("Choose the meeting that approved it, or write a note."), "note")
    if meeting is not None and meeting.status is not MeetingStatus.HELD:
        raise DocumentError(_l("Choose a meeting that has been held."), "meeting_id")
    if len(note) > 500:
        raise DocumentError(_l("The note is longer than 500 characters."), "note")
    document = version.document
    lock_row(Document, document.id)
    previous = document.approved_version
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        # The partial unique index holds one approved version per document at every statement.
        db.session.flush()
    version.status = VersionStatus.APPROVED
    version.approved_meeting = meeting
    version.approved_at = clock.now()
    version.approved_by_id = by.id if by is not None else None
    version.approval_note = note
    flush_or_refuse(DocumentError(_l("Another version was approved at the same time; reload the page.")))
    audit.record(
        AuditAction.APPROVED,
        AuditSubject.DOCUMENT,
        document.id,
        document.title,
        {"approved_version": [previous.number if previous else None, version.number]},
    )


def set_visibility(document: Document, visibility: DocumentVisibility) -> None:
    if document.visibility is visibility:
        return
    before = document.visibility
    document.visibility = visibility
    audit.record(
        AuditAction.UPDATED,
        AuditSubject.DOCUMENT,
        document.id,
        document.title,
        {"visibility": [before.value, visibility.value]},
    )


def read(version: DocumentVersion) -> bytes:
    """The version's bytes, as stored."""
    return store().get(version.storage_key)


def current_approved(kind: DocumentKind) -> DocumentVersion | None:
    """The approved version of the newest document of the kind, or None (none, or none approved)."""
    newest = db.session.scalar(
        sa.select(Document)
        .where(Document.kind == kind)
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return newest.approved_version if newest is not None else None


def documents_awaiting_approval() -> list[Document]:
    """Documents whose newest version is a draft, oldest upload first: what the coordinator has to take to
    a meeting (or approve) before handing over."""
    newest = (
        sa.select(DocumentVersion.document_id, sa.func.max(DocumentVersion.number).label("number"))
        .group_by(DocumentVersion.document_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Document)
            .join(newest, newest.c.document_id == Document.id)
            .join(
                DocumentVersion,
                sa.and_(
                    DocumentVersion.document_id == Document.id, DocumentVersion.number == newest.c.number
                ),
            )
            .where(DocumentVersion.status == VersionStatus.DRAFT)
            .options(so.selectinload(Document.versions))
            .order_by(DocumentVersion.uploaded_at, Document.id)
        )
    )
