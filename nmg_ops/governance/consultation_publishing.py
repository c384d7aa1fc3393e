"""Published results: once a consultation has closed, the coordinator writes a short summary and publishes
the results page, to the members or to anyone, and can take it back.

One rule says who reads a published page and its downloads (`readable`): a page published to anyone is
read without an account, one published to the members only by those signed in, and an unpublished one by
nobody, all alike for the page, the CSV and the XLSX. What the page shows is counted by
`consultation_results.results(published=True)`: small groups and the groups that would give them away
are hidden whatever the survey was, and free texts are never shown.

Publishing and taking back are recorded in the audit trail in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..errors import RuleError
from ..extensions import db
from ..models import AuditAction, AuditSubject, Survey

#: the summary's length limit, the column's
SUMMARY_MAX = 4000


class PublishingError(RuleError):
    pass


@dataclass(frozen=True)
class Publication:
    #: the coordinator's summary, Markdown
    summary: str
    #: to anyone without an account; otherwise to the members only
    is_public: bool


def is_closed(survey: Survey) -> bool:
    """Opened, and its deadline has passed: its answers are final."""
    return survey.opened_at is not None and clock.now() >= survey.deadline_at


def is_published(survey: Survey) -> bool:
    return survey.results_published_at is not None


def check_publishable(survey: Survey) -> None:
    """Only final answers are published: a draft survey has none, an open one may still change."""
    if survey.opened_at is None:
        raise PublishingError(_l("The survey has not been opened: it has no results to publish."))
    if not is_closed(survey):
        raise PublishingError(
            _l("The survey is still open: its results can be published once it has closed.")
        )


def publish(survey: Survey, publication: Publication) -> None:
    """Publish the results page with its summary, or change the summary or the readers of one published."""
    check_publishable(survey)
    summary = publication.summary.strip()
    if not summary:
        raise PublishingError(_l("Write a short summary of the results."), "summary")
    if len(summary) > SUMMARY_MAX:
        raise PublishingError(_l("Keep the summary under %(max)d characters.", max=SUMMARY_MAX), "summary")
    before = _state(survey)
    survey.results_summary = summary
    survey.results_are_public = publication.is_public
    if survey.results_published_at is None:
        survey.results_published_at = clock.now()
    audit.record(
        AuditAction.PUBLISHED,
        AuditSubject.CONSULTATION,
        survey.id,
        survey.title,
        audit.diff(before, _state(survey)),
    )
    db.session.commit()


def unpublish(survey: Survey) -> None:
    """Take the results page back: nobody reads it (nor its downloads) until it is published again. The
    summary is kept for that day."""
    if not is_published(survey):
        raise PublishingError(_l("The results are not published."))
    before = _state(survey)
    survey.results_published_at = None
    survey.results_are_public = False
    audit.record(
        AuditAction.UNPUBLISHED,
        AuditSubject.CONSULTATION,
        survey.id,
        survey.title,
        audit.diff(before, _state(survey)),
    )
    db.session.commit()


def _state(survey: Survey) -> dict[str, object]:
    readers = "public" if survey.results_are_public else "members"
    return {"published": readers if is_published(survey) else None, "summary": survey.results_summary}


def readable(survey_id: int, signed_in: bool) -> Survey | None:
    """The survey whose published results the reader may read, or None: the one rule for the page and its
    downloads. A page for members is not there for a visitor (404, not a sign-in), as an unpublished one
    is not there for anyone."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not is_published(survey):
        return None
    return survey if survey.results_are_public or signed_in else None


def latest_public(count: int) -> list[Survey]:
    """The newest results published to anyone, for the landing page."""
    return list(
        db.session.scalars(
            sa.select(Survey)
            .where(Survey.results_published_at.is_not(None), Survey.results_are_public)
            .order_by(Survey.results_published_at.desc(), Survey.id.desc())
            .limit(count)
        )
    )
