"""The year's report as a version of the document "Annual report <year>"."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ...documents import library
from ...extensions import db
from ...models import Document, DocumentKind, DocumentVersion, DocumentVisibility, Member
from .figures import generated_line
from .gathering import report_for
from .pdf import report_pdf


def document_title(year: int) -> str:
    """The document's title, in the NMG's own language whoever publishes, so that every version of a
    year's report lands on the same document."""
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        return _("Annual report %(year)d", year=year)


def report_document(year: int) -> Document | None:
    return db.session.scalar(
        sa.select(Document)
        .where(Document.kind == DocumentKind.REPORT, Document.title == document_title(year))
        .order_by(Document.id)
        .limit(1)
    )


def publish(year: int, by: Member | None, now: datetime | None = None) -> DocumentVersion:
    """Make the year's report and add it as a new draft version of "Annual report <year>", a report for
    the coordination team until it is approved (and the team opens it wider on the document page)."""
    report = report_for(year, now)
    data = report_pdf(report)
    filename = f"annual-report-{year}.pdf"
    note = generated_line(report)
    document = report_document(year)
    if document is None:
        draft = library.NewDocument(document_title(year), DocumentKind.REPORT, DocumentVisibility.TEAM)
        return library.create_document(draft, data, filename, note, by).versions[-1]
    return library.add_version(document, data, filename, note, by)
