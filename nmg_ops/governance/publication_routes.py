"""Published results: the coordinator publishes a closed consultation's results with a summary, to the
members or to anyone, after a page that says what will happen; the published page and its downloads."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import confirmation
from ..confirmation import Question
from ..errors import show_on_form
from ..extensions import db
from ..models import Survey
from ..permissions import Right, require
from . import bp
from .consultation_forms import PublicationForm
from .consultation_publishing import (
    Publication,
    PublishingError,
    check_publishable,
    is_published,
    publish,
    readable,
    unpublish,
)
from .consultation_results import MIN_ANONYMOUS_GROUP, results
from .consultation_routes import charts, results_page, spreadsheet


def _to_results(survey: Survey):
    return redirect(url_for("governance.consultation_results", survey_id=survey.id))


def _publish_question(survey: Survey, is_public: bool) -> Question:
    readers = (
        [
            _("Anyone reads the results page, without an account, with its CSV and Excel downloads."),
            _("The home page lists it, and the next e-news draft links to it."),
        ]
        if is_public
        else [
            _("Signed-in members read the results page, with its CSV and Excel downloads."),
            _("Visitors do not find it: it is not public."),
        ]
    )
    return Question(
        title=_("Publish the results of “%(title)s”?", title=survey.title),
        summary=[
            *readers,
            _(
                "The page shows your summary, and charts and tables without any group of fewer than "
                "%(num)d respondents nor the groups that would reveal one; free-text answers are not "
                "published.",
                num=MIN_ANONYMOUS_GROUP,
            ),
            _("Nobody is mailed."),
        ],
        button=_("Publish"),
        back=url_for("governance.consultation_results", survey_id=survey.id),
        style="success",
    )


@bp.post("/consultations/<int:survey_id>/publish")
@require(Right.MANAGE_CONSULTATIONS)
def publish_consultation_results(survey_id: int):
    """Publish a closed survey's results with a summary, or change the summary or the readers."""
    survey = db.get_or_404(Survey, survey_id)
    try:
        check_publishable(survey)
    except PublishingError as error:
        flash(str(error), "danger")
        return _to_results(survey)
    form = PublicationForm()
    if form.validate_on_submit():
        publication = Publication(summary=form.summary.data, is_public=form.readers.data == "public")
        if not confirmation.is_confirmed():
            return confirmation.ask(_publish_question(survey, publication.is_public))
        try:
            publish(survey, publication)
        except PublishingError as error:
            show_on_form(form, error)
        else:
            flash(_("The results are published."), "success")
            return redirect(url_for("governance.published_results", survey_id=survey.id))
    return results_page(survey, publication_form=form, status=400)


@bp.post("/consultations/<int:survey_id>/unpublish")
@require(Right.MANAGE_CONSULTATIONS)
def unpublish_consultation_results(survey_id: int):
    """Take the published results back, after a page that says so."""
    survey = db.get_or_404(Survey, survey_id)
    if not is_published(survey):
        flash(_("The results are not published."), "danger")
        return _to_results(survey)
    if not confirmation.is_confirmed():
        return confirmation.ask(
            Question(
                title=_("Take back the results of “%(title)s”?", title=survey.title),
                summary=[
                    _(
                        "Nobody reads the results page nor its downloads any more, until you publish "
                        "it again."
                    ),
                    _("Your summary is kept for that day."),
                ],
                button=_("Take back"),
                back=url_for("governance.consultation_results", survey_id=survey.id),
                style="danger",
            )
        )
    unpublish(survey)
    flash(_("The results are no longer published."), "success")
    return _to_results(survey)


def _readable_or_404(survey_id: int) -> Survey:
    survey = readable(survey_id, current_user.is_authenticated)
    if survey is None:
        abort(404)
    return survey


@bp.route("/consultations/<int:survey_id>/published")
def published_results(survey_id: int):
    """A consultation's published results: the summary, charts with their tables, the downloads."""
    survey = _readable_or_404(survey_id)
    result = results(survey, published=True)
    return render_template(
        "governance/consultation_published.html",
        result=result,
        charts=charts(result),
        minimum=MIN_ANONYMOUS_GROUP,
    )


@bp.route("/consultations/<int:survey_id>/published.<any(csv, xlsx):extension>")
def published_results_file(survey_id: int, extension: str):
    """The published results as a spreadsheet, counted as the published page shows them."""
    return spreadsheet(results(_readable_or_404(survey_id), published=True), extension)
