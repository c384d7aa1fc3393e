"""What anyone may read through the API: the same things the public pages show, by the same rules.

Events are the meetings `meetings.visibility.is_published` lets anyone see (never their video link), the
e-news is its sent issues in their public edition, consultations are those the public answers or whose
results are published to anyone, self-assessments are the years the coordinator published, documents are
the public ones' approved versions, and the composition hides small groups as consultation results do
(`consultation_results.suppressed`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, url_for

from .. import clock
from ..governance.composition import composition_on
from ..governance.consultation_results import MIN_ANONYMOUS_GROUP, suppressed
from ..meetings import visibility
from ..models import (
    Document,
    DocumentVersion,
    DocumentVisibility,
    Meeting,
    NewsEdition,
    NewsIssueStatus,
    Survey,
    SurveyReach,
    VersionStatus,
)
from ..models import NewsIssue as NewsIssueRow
from ..models import PublishedSelfAssessment as PublishedSelfAssessmentRow
from ..permissions import term_on
from . import schemas

Listing = tuple[sa.Select, Callable[[Any], Any]]


def group_profile() -> schemas.GroupProfile:
    config = current_app.config
    term = term_on(clock.today())
    return schemas.GroupProfile(
        name=config["NMG_NAME"],
        short_name=config["NMG_SHORT_NAME"],
        country=config["NMG_COUNTRY"],
        partnership=config["NMG_PARTNERSHIP"],
        coordinator_organisation=term.member.organisation.name if term else None,
        website=config["PUBLIC_URL"],
    )


def composition() -> schemas.Composition:
    """Current members by stakeholder type; a type with members but fewer than the minimum is hidden, and
    the smallest others with it, so that no hidden count can be worked out from the total."""
    today = clock.today()
    counts = composition_on(today).by_stakeholder_type
    hidden = suppressed({kind: count for kind, count in counts.items() if count})
    return schemas.Composition(
        on=today,
        total=sum(counts.values()),
        hidden_below=MIN_ANONYMOUS_GROUP,
        by_stakeholder_type=[
            schemas.StakeholderCount(
                code=kind.value,
                name=kind.b1mg_name,
                count=None if kind in hidden else count,
                is_hidden=kind in hidden,
            )
            for kind, count in counts.items()
        ],
    )


def events() -> Listing:
    """Published meetings, the latest first."""
    query = (
        sa.select(Meeting)
        .where(visibility.published_clause())
        .options(so.joinedload(Meeting.type))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return query, _event


def _event(meeting: Meeting) -> schemas.PublicEvent:
    return schemas.PublicEvent(
        id=meeting.id,
        title=meeting.title,
        type=meeting.type.code,
        type_name=meeting.type.name,
        status=meeting.status.value,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        mode=meeting.mode.value,
        venue=meeting.venue,
        page_url=url_for("calendar.public_event", meeting_id=meeting.id, _external=True),
        ics_url=url_for("calendar.download_meeting", meeting_id=meeting.id, _external=True),
    )


def news_issues() -> Listing:
    """Sent issues, the newest first, each with its permanent page's public edition."""
    query = (
        sa.select(NewsIssueRow)
        .where(NewsIssueRow.status == NewsIssueStatus.SENT)
        .order_by(NewsIssueRow.number.desc())
    )
    return query, _issue


def _issue(issue: NewsIssueRow) -> schemas.NewsIssue:
    return schemas.NewsIssue(
        number=issue.number,
        title=issue.title,
        month=issue.month,
        sent_at=issue.sent_at,
        url=url_for("news.issue_page", number=issue.number, edition=NewsEdition.PUBLIC.value, _external=True),
    )


def consultations() -> Listing:
    """Consultations opened to the public, and any whose results are published to anyone, the latest
    opened first: the public page while it takes answers, the results page once published."""
    query = (
        sa.select(Survey)
        .where(
            Survey.opened_at.is_not(None),
            sa.or_(
                Survey.reach.in_((SurveyReach.PUBLIC, SurveyReach.BOTH)),
                sa.and_(Survey.results_are_public, Survey.results_published_at.is_not(None)),
            ),
        )
        .order_by(Survey.opened_at.desc(), Survey.id.desc())
    )
    return query, _consultation


def _consultation(survey: Survey) -> schemas.PublicConsultation:
    is_open = survey.asks_public and survey.deadline_at > clock.now()
    published = survey.results_are_public and survey.results_published_at is not None
    return schemas.PublicConsultation(
        id=survey.id,
        title=survey.title,
        opened_at=survey.opened_at,
        deadline_at=survey.deadline_at,
        is_open=is_open,
        page_url=url_for("governance.public_consultation", survey_id=survey.id, _external=True)
        if is_open
        else None,
        results_url=url_for("governance.published_results", survey_id=survey.id, _external=True)
        if published
        else None,
    )


def self_assessments() -> Listing:
    """The years whose self-assessment the coordinator published, the latest first."""
    query = sa.select(PublishedSelfAssessmentRow).order_by(PublishedSelfAssessmentRow.year.desc())
    return query, _self_assessment


def _self_assessment(row: PublishedSelfAssessmentRow) -> schemas.PublishedSelfAssessment:
    return schemas.PublishedSelfAssessment(
        year=row.year,
        published_at=row.published_at,
        url=url_for("governance.published_self_assessment", year=row.year, _external=True),
        schema_url=url_for("governance.self_assessment_schema", _external=True),
    )


def documents() -> Listing:
    """Public documents with a version approved now, by title; each with that version."""
    query = (
        sa.select(DocumentVersion)
        .join(DocumentVersion.document)
        .where(
            Document.visibility == DocumentVisibility.PUBLIC,
            DocumentVersion.status == VersionStatus.APPROVED,
        )
        .options(so.contains_eager(DocumentVersion.document))
        .order_by(Document.title, Document.id)
    )
    return query, _document


def _document(version: DocumentVersion) -> schemas.PublicDocument:
    document = version.document
    return schemas.PublicDocument(
        id=document.id,
        title=document.title,
        kind=document.kind.value,
        version=version.number,
        filename=version.filename,
        content_type=version.content_type,
        size=version.size,
        sha256=version.sha256,
        approved_at=version.approved_at,
        download_url=url_for("documents.current_version", document_id=document.id, _external=True),
    )
