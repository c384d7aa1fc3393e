"""Publishing a year's self-assessment: the document is kept as it was when the coordinator published it,
so that its public address answers with the same bytes (and the same ETag) until it is published again."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from flask_babel import gettext as _

from ... import audit, clock
from ...errors import RuleError, flush_or_refuse
from ...extensions import db
from ...models import AuditAction, AuditSubject, Member, PublishedSelfAssessment
from .document import document
from .trend import assessed_years


class PublishingError(RuleError):
    """A year the self-assessment cannot publish or take back."""


def publish(year: int, by: Member) -> PublishedSelfAssessment:
    """Publish the year's document as the data stands now, replacing what was published for it before."""
    if year not in assessed_years():
        raise PublishingError(_("There is no self-assessment for %(year)d.", year=year))
    content = document(year)
    row = db.session.scalar(
        sa.select(PublishedSelfAssessment).where(PublishedSelfAssessment.year == year).with_for_update()
    )
    if row is None:
        row = PublishedSelfAssessment(year=year)
        db.session.add(row)
    row.document = json.dumps(content, ensure_ascii=False, indent=2)
    row.published_at = clock.now()
    row.published_by = by
    flush_or_refuse(PublishingError(_("The self-assessment was published at the same moment; try again.")))
    audit.record(AuditAction.PUBLISHED, AuditSubject.PUBLISHED_SELF_ASSESSMENT, row.id, str(year))
    return row


def unpublish(year: int) -> None:
    """Take the year's document off its public address."""
    row = published(year)
    if row is None:
        raise PublishingError(_("The self-assessment for %(year)d is not published.", year=year))
    audit.record(AuditAction.UNPUBLISHED, AuditSubject.PUBLISHED_SELF_ASSESSMENT, row.id, str(year))
    db.session.delete(row)
    db.session.flush()


def published(year: int) -> PublishedSelfAssessment | None:
    return db.session.scalar(sa.select(PublishedSelfAssessment).where(PublishedSelfAssessment.year == year))


def latest() -> PublishedSelfAssessment | None:
    """The published document of the latest year published."""
    return db.session.scalar(
        sa.select(PublishedSelfAssessment).order_by(PublishedSelfAssessment.year.desc()).limit(1)
    )


def published_years() -> dict[int, PublishedSelfAssessment]:
    rows = db.session.scalars(sa.select(PublishedSelfAssessment).order_by(PublishedSelfAssessment.year))
    return {row.year: row for row in rows}


def etag(row: PublishedSelfAssessment) -> str:
    return hashlib.sha256(row.document.encode("utf-8")).hexdigest()[:32]
