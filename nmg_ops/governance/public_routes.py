"""A consultation's public page: anyone answers without an account and confirms by the link mailed."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from ..after_response import run_after_response
from ..delivery.dispatcher import dispatch
from ..extensions import db
from ..forms import Form
from ..models import PublicCapacity, Survey
from . import bp, public_answers
from .consultation_forms import answer_values
from .consultations import is_accepting
from .public_answers import PublicAnswerDraft, PublicAnswerError
from .public_forms import ConfirmAnswerForm, WithdrawAnswerForm, public_answer_form


def _public_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or not public_answers.is_public(survey):
        abort(404, _("There is no public consultation at this address."))
    return survey


def _page(survey: Survey, form: Form | None, status: int = 200, problem: str | None = None):
    accepting = is_accepting(survey)
    if form is None and accepting:
        form = public_answer_form(survey, public_answers.shown_stamp(survey))
    return render_template(
        "governance/public_consultation.html",
        survey=survey,
        form=form if accepting else None,
        questions=[form[f"q{q.id}"] for q in survey.questions] if form is not None and accepting else [],
        problem=problem,
    ), status


@bp.get("/public-consultations/<int:survey_id>")
def public_consultation(survey_id: int):
    """The consultation's introduction, the privacy notice and its questions, for anyone."""
    return _page(_public_survey(survey_id), None)


@bp.post("/public-consultations/<int:survey_id>")
def answer_public_consultation(survey_id: int):
    """Send an answer; it counts once confirmed from the link mailed to the address given."""
    survey = _public_survey(survey_id)
    if not is_accepting(survey):
        return _page(survey, None, 410, _("The consultation is closed: answers are no longer accepted."))
    form = public_answer_form(survey)
    if not form.validate_on_submit():
        return _page(survey, form, 400)
    if form.is_from_a_program:
        return _page(survey, form, 400, _("The form was filled in by a program. Nothing was recorded."))
    draft = PublicAnswerDraft(
        email=form.email.data,
        capacity=PublicCapacity(form.capacity.data),
        region=form.region.data or None,
        values=answer_values(survey, form),
    )
    try:
        public_answers.check_time_on_page(survey, form.shown.data or "")
        message_id = public_answers.request_answer(survey, draft, request.remote_addr or "unknown")
    except PublicAnswerError as error:
        db.session.rollback()
        if error.field and error.field in form:
            form[error.field].errors.append(str(error))
            return _page(survey, form, error.status)
        return _page(survey, form, error.status, str(error))
    if message_id is not None:
        run_after_response(lambda: dispatch(only_ids=[message_id]))
    return render_template(
        "governance/public_check_your_mail.html",
        survey=survey,
        valid_days=int(current_app.config["PUBLIC_CONSULTATION_CONFIRM_DAYS"]),
    )


@bp.route("/public-consultations/confirm/<token>", methods=["GET", "POST"])
def confirm_public_answer(token: str):
    """Confirm an answer: the link shows a button, since mail scanners open links on their own."""
    try:
        waiting = public_answers.request_for_link(token)
        survey = db.session.get(Survey, waiting.survey_id)
        form = ConfirmAnswerForm()
        if form.validate_on_submit():
            replaced = public_answers.confirm(waiting)
            return render_template(
                "governance/public_answer_confirmed.html",
                survey=survey,
                replaced=replaced,
                withdraw_link=public_answers.withdraw_url(survey.id, waiting.nonce),
            )
    except PublicAnswerError as error:
        return _link_problem(error)
    return render_template(
        "governance/public_answer_confirm.html",
        form=form,
        survey=survey,
        token=token,
    )


def _link_problem(error: PublicAnswerError):
    return render_template(
        "governance/public_link_problem.html", message=str(error), status=error.status
    ), error.status


@bp.route("/public-consultations/withdraw/<token>", methods=["GET", "POST"])
def withdraw_public_answer(token: str):
    """Withdraw a confirmed answer while the consultation is open: a button again, for the mail scanners."""
    try:
        response, nonce = public_answers.response_for_link(token)
        survey = db.session.get(Survey, response.survey_id)
        form = WithdrawAnswerForm()
        if form.validate_on_submit():
            public_answers.withdraw(response, nonce)
            return render_template("governance/public_answer_withdrawn.html", survey=survey)
    except PublicAnswerError as error:
        return _link_problem(error)
    return render_template("governance/public_answer_withdraw.html", form=form, survey=survey, token=token)
