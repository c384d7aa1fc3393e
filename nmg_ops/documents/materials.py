"""What an agenda item is to be read with (a document of the group's library or a link elsewhere), and the
meeting pack: the agenda and those materials as one PDF, for reading before the meeting or printing.

Each reader sees only the materials they may read: a library document shows to those who may read it, in
the version they may read (the current approved one; the team also sees drafts). The pack is made for its
reader in the same way, so a member's pack never holds a document kept for the team.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from .. import printing
from ..errors import RuleError
from ..extensions import db
from ..models import AgendaItem, AgendaMaterial, Document, DocumentVersion, Meeting, VersionStatus
from ..text import is_single_line
from . import library

URL_MAX = AgendaMaterial.__table__.c.url.type.length
LABEL_MAX = AgendaMaterial.__table__.c.label.type.length
#: pages the pack holds at most: materials beyond them are listed, not bound in
PACK_PAGES_MAX = 400


class MaterialError(RuleError):
    pass


@dataclass(frozen=True)
class Shown:
    """A material as one reader sees it."""

    id: int
    label: str
    href: str
    #: the version bound into the pack, for a library document in PDF; None for links and other formats
    version: DocumentVersion | None


def _readable_version(document: Document) -> DocumentVersion | None:
    """The version this reader gets: the approved one, else (for the team) the latest."""
    versions = library.readable_versions(document)
    approved = next((v for v in versions if v.status is VersionStatus.APPROVED), None)
    return approved or (versions[-1] if versions else None)


def materials_of(meeting: Meeting) -> dict[int, list[Shown]]:
    """Each agenda item's materials the current reader may read, in the order they were added."""
    item_ids = [item.id for item in meeting.agenda_items]
    if not item_ids:
        return {}
    rows = db.session.scalars(
        sa.select(AgendaMaterial)
        .where(AgendaMaterial.agenda_item_id.in_(item_ids))
        .options(sa.orm.selectinload(AgendaMaterial.document).selectinload(Document.versions))
        .order_by(AgendaMaterial.added_at, AgendaMaterial.id)
    )
    shown: dict[int, list[Shown]] = {}
    for material in rows:
        if material.document is None:
            entry = Shown(material.id, material.label, material.url or "", None)
        else:
            version = _readable_version(material.document)
            if version is None:
                continue
            # Whole, so that the pack's printed address leads back here too.
            href = url_for("documents.document_page", document_id=material.document.id, _external=True)
            bound = version if version.content_type == "application/pdf" else None
            entry = Shown(material.id, material.document.title, href, bound)
        shown.setdefault(material.agenda_item_id, []).append(entry)
    return shown


def add_document(item: AgendaItem, document_id: int | None) -> AgendaMaterial:
    document = db.session.get(Document, document_id) if document_id else None
    if document is None:
        raise MaterialError(_l("Choose a document of the library."), "document_id")
    taken = sa.select(AgendaMaterial.id).where(
        AgendaMaterial.agenda_item_id == item.id, AgendaMaterial.document_id == document.id
    )
    if db.session.scalar(taken) is not None:
        raise MaterialError(_l("This document is already among the item's materials."), "document_id")
    material = AgendaMaterial(agenda_item_id=item.id, document_id=document.id, label="")
    db.session.add(material)
    return material


def add_link(item: AgendaItem, url: str, label: str) -> AgendaMaterial:
    url, label = (url or "").strip(), (label or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or len(url) > URL_MAX or any(c.isspace() for c in url):
        raise MaterialError(_l("Give a link that starts with https://."), "url")
    if not label or len(label) > LABEL_MAX or not is_single_line(label):
        raise MaterialError(_l("Say in a few words what the link is (200 characters at most)."), "label")
    material = AgendaMaterial(agenda_item_id=item.id, url=url, label=label)
    db.session.add(material)
    return material


def remove(item: AgendaItem, material_id: int) -> bool:
    """Take a material off the item; False when the item has no such material."""
    return bool(
        db.session.execute(
            sa.delete(AgendaMaterial).where(
                AgendaMaterial.id == material_id, AgendaMaterial.agenda_item_id == item.id
            )
        ).rowcount
    )


def _bind(pack: PdfWriter, version: DocumentVersion, room: int) -> int:
    """Append the version's pages if they fit in `room`; the pages added, 0 when it was left out. The files
    are the team's own uploads, already checked to be PDF when stored."""
    try:
        reader = PdfReader(io.BytesIO(library.read(version)))
        if reader.is_encrypted or len(reader.pages) > room:
            return 0
        pack.append(reader)
        return len(reader.pages)
    except (PyPdfError, ValueError, OSError):
        return 0


def pack_pdf(meeting: Meeting) -> bytes:
    """The agenda with each item's materials listed, then every readable PDF material bound in, in the
    agenda's order; materials in other formats, links and what would pass the page limit are listed only,
    with their address, so that the pack says what it does not hold."""
    materials = materials_of(meeting)
    bound_in: set[int] = set()
    pack = PdfWriter()
    room = PACK_PAGES_MAX
    for item in meeting.agenda_items:
        for shown in materials.get(item.id, []):
            if shown.version is not None and room > 0:
                added = _bind(pack, shown.version, room)
                if added:
                    bound_in.add(shown.id)
                    room -= added
    page = render_template(
        "documents/meeting_pack.html", meeting=meeting, materials=materials, bound_in=bound_in
    )
    agenda = PdfReader(io.BytesIO(printing.html_pdf(page)))
    whole = PdfWriter()
    whole.append(agenda)
    if bound_in:
        whole.append(pack)
    out = io.BytesIO()
    whole.write(out)
    return out.getvalue()
