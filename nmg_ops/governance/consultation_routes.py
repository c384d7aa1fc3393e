"""Consultations: the list, building and opening a survey, answering it, and its results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import show_on_form
from ..extensions import db
from ..minutes.exports import to_csv, to_xlsx
from ..models import QuestionKind, StakeholderType, Survey, SurveyAudience, SurveyReach, WorkingGroup
from ..permissions import Right, can, require
from . import bp, consultations
from .charts import Row, bar_chart
from .consultation_forms import (
    KIND_LABELS,
    PublicationForm,
    QuestionEditForm,
    QuestionForm,
    SurveyForm,
    answer_form,
    answer_values,
)
from .consultation_publishing import is_closed, is_published
from .consultation_results import (
    MIN_ANONYMOUS_GROUP,
    PublicQuestionResult,
    QuestionResult,
    Results,
    results,
    results_table,
)
from .consultations import ConsultationError


def _survey_form() -> SurveyForm:
    form = SurveyForm()
    groups = db.session.scalars(
        sa.select(WorkingGroup).where(WorkingGroup.is_active).order_by(WorkingGroup.code)
    ).all()
    form.set_choices([(group.id, group.display_name) for group in groups])
    return form


def _survey(survey_id: int) -> Survey:
    return db.get_or_404(Survey, survey_id)


@bp.route("/consultations")
@require(Right.ANSWER_CONSULTATIONS)
def consultations_list():
    """The surveys addressed to me; every survey for those who build them."""
    may_manage = can(Right.MANAGE_CONSULTATIONS)
    surveys = consultations.surveys_for(current_user, may_manage)
    return render_template(
        "governance/consultations.html",
        surveys=surveys,
        answered={s.id for s in surveys if consultations.has_answered(s, current_user)},
        now=clock.now(),
        may_manage=may_manage,
        may_see_results=can(Right.VIEW_CONSULTATION_RESULTS),
    )


@bp.route("/consultations/new", methods=["GET", "POST"])
@require(Right.MANAGE_CONSULTATIONS)
def new_consultation():
    """Start a survey: title, audience, deadline, named or anonymous."""
    form = _survey_form()
    if form.validate_on_submit():
        draft = consultations.SurveyDraft(
            title=form.title.data,
            description=form.description.data or None,
            audience=SurveyAudience(form.audience.data),
            deadline_at=clock.from_local(form.deadline_on.data + timedelta(days=1), time(0)),
            is_anonymous=form.is_anonymous.data,
            reach=SurveyReach(form.reach.data),
            working_group_id=form.working_group_id.data,
            stakeholder_type=StakeholderType(form.stakeholder_type.data)
            if form.stakeholder_type.data
            else None,
        )
        try:
            survey = consultations.create_survey(draft)
        except ConsultationError as error:
            show_on_form(form, error)
        else:
            flash(_("Survey created. Add its questions, then open it."), "success")
            return redirect(url_for("governance.consultation", survey_id=survey.id))
    status = 400 if form.errors else 200
    return render_template("governance/consultation_new.html", form=form), status


def _survey_page(survey: Survey, form=None, question_form=None, status: int = 200):
    may_manage = can(Right.MANAGE_CONSULTATIONS)
    is_asked = survey.opened_at is not None and consultations.is_asked(survey, current_user)
    if not may_manage and not is_asked:
        abort(404)
    answered = consultations.has_answered(survey, current_user)
    accepting = consultations.is_accepting(survey)
    may_answer = is_asked and accepting and not (answered and survey.is_anonymous)
    if form is None and may_answer:
        form = answer_form(survey, consultations.named_answers(survey, current_user))
    if question_form is None and may_manage and survey.is_open_for_building:
        question_form = QuestionForm()
    return (
        render_template(
            "governance/consultation.html",
            survey=survey,
            form=form if may_answer else None,
            question_form=question_form,
            answered=answered,
            accepting=accepting,
            is_asked=is_asked,
            may_manage=may_manage,
            may_see_results=can(Right.VIEW_CONSULTATION_RESULTS),
            kind_names=KIND_LABELS,
        ),
        status,
    )


@bp.route("/consultations/<int:survey_id>")
@require(Right.ANSWER_CONSULTATIONS)
def consultation(survey_id: int):
    """A survey: its answer form for the members asked, its questions for those who build it."""
    return _survey_page(_survey(survey_id))


def _question_draft(form: QuestionForm) -> consultations.QuestionDraft:
    kind = QuestionKind(form.kind.data)
    options = [form.scale_low.data or "", form.scale_high.data or ""] if kind is QuestionKind.SCALE else []
    return consultations.QuestionDraft(
        kind=kind,
        text=form.text.data,
        options=options or (form.options.data or "").splitlines(),
        is_required=form.is_required.data,
    )


@bp.post("/consultations/<int:survey_id>/questions")
@require(Right.MANAGE_CONSULTATIONS)
def add_consultation_question(survey_id: int):
    """Add a question to a survey not yet open."""
    survey = _survey(survey_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            consultations.add_question(survey, _question_draft(form))
        except ConsultationError as error:
            show_on_form(form, error)
        else:
            flash(_("Question added."), "success")
            return redirect(url_for("governance.consultation", survey_id=survey.id))
    return _survey_page(survey, question_form=form, status=400)


@bp.route("/consultations/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@require(Right.MANAGE_CONSULTATIONS)
def edit_consultation_question(survey_id: int, question_id: int):
    """Write a question again, while the survey is not yet open."""
    survey = _survey(survey_id)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    back = redirect(
        url_for("governance.consultation", survey_id=survey.id, _anchor=f"question-{question.id}")
    )
    if not survey.is_open_for_building:
        flash(_("The survey is open: its questions can no longer change."), "warning")
        return back
    form = QuestionEditForm() if request.method == "POST" else QuestionEditForm.of(question)
    if form.validate_on_submit():
        try:
            consultations.change_question(survey, question.id, _question_draft(form))
        except ConsultationError as error:
            show_on_form(form, error)
        else:
            flash(_("Question saved."), "success")
            return back
    page = render_template(
        "governance/consultation_question.html", survey=survey, question=question, form=form
    )
    return page, 400 if request.method == "POST" else 200


@bp.post("/consultations/<int:survey_id>/questions/<int:question_id>/move/<any(up, down):direction>")
@require(Right.MANAGE_CONSULTATIONS)
def move_consultation_question(survey_id: int, question_id: int, direction: str):
    """One place up or down, while the survey is not yet open."""
    survey = _survey(survey_id)
    try:
        consultations.move_question(survey, question_id, -1 if direction == "up" else 1)
    except ConsultationError as error:
        flash(str(error), "danger")
    return redirect(
        url_for("governance.consultation", survey_id=survey.id, _anchor=f"question-{question_id}")
    )


@bp.post("/consultations/<int:survey_id>/questions/<int:question_id>/remove")
@require(Right.MANAGE_CONSULTATIONS)
def remove_consultation_question(survey_id: int, question_id: int):
    """Take a question out of a survey not yet open."""
    survey = _survey(survey_id)
    try:
        consultations.remove_question(survey, question_id)
    except ConsultationError as error:
        flash(str(error), "danger")
    else:
        flash(_("Question removed."), "success")
    return redirect(url_for("governance.consultation", survey_id=survey.id))


@bp.post("/consultations/<int:survey_id>/open")
@require(Right.MANAGE_CONSULTATIONS)
def open_consultation(survey_id: int):
    """Open the survey to its audience."""
    survey = _survey(survey_id)
    try:
        consultations.open_survey(survey)
    except ConsultationError as error:
        flash(str(error), "danger")
    else:
        flash(_("The survey is open."), "success")
    return redirect(url_for("governance.consultation", survey_id=survey.id))


@bp.post("/consultations/<int:survey_id>/answer")
@require(Right.ANSWER_CONSULTATIONS)
def answer_consultation(survey_id: int):
    """Send or change my answers."""
    survey = _survey(survey_id)
    if survey.opened_at is None or not consultations.is_asked(survey, current_user):
        abort(404)
    form = answer_form(survey, {})
    if form.validate_on_submit():
        try:
            consultations.answer(survey, current_user, answer_values(survey, form))
        except ConsultationError as error:
            if error.field and error.field in form:
                show_on_form(form, error)
            else:
                flash(str(error), "danger")
                return redirect(url_for("governance.consultation", survey_id=survey.id))
        else:
            flash(_("Thank you: your answers are recorded."), "success")
            return redirect(url_for("governance.consultation", survey_id=survey.id))
    return _survey_page(survey, form=form, status=400)


def charts(result: Results) -> dict[str, dict[int, object]]:
    """The overall chart of each question shown, the members' (`members`) and the public's (`public`)."""
    public = result.public.questions if result.public and not result.public.is_withheld else []
    return {
        "members": _overall_charts(result.questions),
        "public": _overall_charts(public),
    }


def _overall_charts(items: Sequence[QuestionResult | PublicQuestionResult]) -> dict[int, object]:
    return {
        item.question.id: bar_chart(
            item.question.text,
            (Row(item.question.choice_label(c), n) for c, n in item.overall.counts.items()),
        )
        for item in items
        if item.question.kind is not QuestionKind.TEXT and not item.overall.is_hidden
    }


def results_page(survey: Survey, publication_form: PublicationForm | None = None, status: int = 200):
    """The team's results page; once the survey has closed, the coordinator's form to publish them."""
    result = results(survey)
    if publication_form is None and can(Right.MANAGE_CONSULTATIONS) and is_closed(survey):
        publication_form = PublicationForm(
            summary=survey.results_summary,
            # Anyone reads a page only when the coordinator says so: members is where the form starts.
            readers="public" if is_published(survey) and survey.results_are_public else "members",
        )
    return (
        render_template(
            "governance/consultation_results.html",
            result=result,
            charts=charts(result),
            minimum=MIN_ANONYMOUS_GROUP,
            publication_form=publication_form,
            is_published=is_published(survey),
        ),
        status,
    )


@bp.route("/consultations/<int:survey_id>/results")
@require(Right.VIEW_CONSULTATION_RESULTS)
def consultation_results(survey_id: int):
    """Answers counted per question, overall and by stakeholder type and region."""
    return results_page(_survey(survey_id))


def spreadsheet(result: Results, extension: str) -> Response:
    """The results as a CSV or XLSX download, as the page that links to it counted them."""
    table = results_table(result)
    if extension == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    else:
        body = to_xlsx(table)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"survey-{result.survey.id}-results.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/consultations/<int:survey_id>/results.<any(csv, xlsx):extension>")
@require(Right.VIEW_CONSULTATION_RESULTS)
def consultation_results_file(survey_id: int, extension: str):
    """The results as a spreadsheet."""
    result = results(_survey(survey_id))
    if result.is_withheld:
        flash(_("The results of an anonymous survey are shown once it has closed."), "info")
        return redirect(url_for("governance.consultation_results", survey_id=survey_id))
    return spreadsheet(result, extension)
