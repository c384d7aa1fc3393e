"""The self-assessment page: every B1MG measure for a year, the trend over the years, and the coordinator's
answers to the questions the data cannot tell."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import show_on_form
from ..extensions import db
from ..models import AnsweredMeasure
from ..permissions import Right, can, require
from . import bp, figures_cache
from .charts import Row, bar_chart
from .self_assessment import publishing
from .self_assessment.answers import SelfAssessmentError, answer, previous_answers
from .self_assessment.definitions import QUESTIONS, Light
from .self_assessment.trend import assessed_years
from .self_assessment_forms import AnswerForm, YearForm, answer_form


def _forms(year: int, measures: list, posted: AnswerForm | None) -> dict[str, AnswerForm]:
    """The coordinator's form for each question, filled with this year's answer, else the last one given."""
    if not can(Right.MANAGE_GOVERNANCE):
        return {}
    given = {m.answer.measure: m.answer for m in measures if m.answer is not None}
    earlier = previous_answers(year) if len(given) < len(QUESTIONS) else {}
    forms = {}
    for measure, question in QUESTIONS.items():
        if posted is not None and posted.choice.name == f"{measure.value}-choice":
            forms[measure.value] = posted
            continue
        start = given.get(measure) or earlier.get(measure)
        forms[measure.value] = answer_form(
            question,
            formdata=None,
            data={
                "year": year,
                "choice": start.choice if start else None,
                "note": start.note if start else "",
            },
        )
    return forms


def _page(year: int, years: list[int], posted: AnswerForm | None = None, status: int = 200):
    table = figures_cache.trend(years)
    measures = table[year]
    chart = bar_chart(
        _("Measures that meet the recommendation, per year"),
        (Row(str(y), sum(m.light is Light.GREEN for m in table[y])) for y in years),
    )
    return render_template(
        "governance/self_assessment.html",
        year=year,
        years=years,
        this_year=clock.local(clock.now()).year,
        measures=measures,
        table=table,
        rows=[(measure, [table[y][i] for y in years]) for i, measure in enumerate(measures)],
        chart=chart,
        forms=_forms(year, measures, posted),
        published=publishing.published(year),
        Light=Light,
    ), status


@bp.route("/governance")
@require(Right.VIEW_SELF_ASSESSMENT)
def self_assessment_page():
    """The NMG's answers to every B1MG measure for a year, with the recommendations and the trend."""
    form = YearForm(formdata=request.args)
    if not form.validate():
        abort(400, _("Give the year as four digits, for example 2025."))
    years = assessed_years()
    year = form.year.data or years[-1]
    if year not in years:
        # 400, not 404: the error page shows a 400's reason, and the reason names the years there are.
        abort(
            400,
            _(
                "There is no self-assessment for %(year)d: the NMG has data from %(first)d to %(last)d.",
                year=year,
                first=years[0],
                last=years[-1],
            ),
        )
    return _page(year, years)


@bp.post("/governance/answers/<measure>")
@require(Right.MANAGE_GOVERNANCE)
def answer_measure(measure: str):
    """The coordinator answers one question of the self-assessment for one year."""
    try:
        answered = AnsweredMeasure(measure)
    except ValueError:
        abort(404, _("The self-assessment has no question “%(measure)s”.", measure=measure[:60]))
    form = answer_form(QUESTIONS[answered])
    years = assessed_years()
    if form.validate_on_submit():
        try:
            answer(form.year.data, answered, form.choice.data, form.note.data or "", current_user)
        except SelfAssessmentError as exc:
            show_on_form(form, exc, fallback="choice")
        else:
            db.session.commit()
            flash(_("The answer for %(year)d has been saved.", year=form.year.data), "success")
            return redirect(url_for("governance.self_assessment_page", year=form.year.data, _anchor=measure))
    year = form.year.data if form.year.data in years else years[-1]
    return _page(year, years, form, 400)
