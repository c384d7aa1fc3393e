"""The annual report: choose a year and preview its figures, download it as PDF or DOCX, and publish it as
a new version of the document "Annual report <year>"."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import RuleError
from ..extensions import db
from ..permissions import Right, require
from . import bp
from .annual_report import docx_file, figures, gathering, pdf, publishing
from .self_assessment_forms import YearForm


def _missing_year(year: int, years: list[int]):
    """The chooser, answering 404 with the reason and the years there are."""
    reason = _(
        "There is no annual report for %(year)d: the NMG has data from %(first)d to %(last)d.",
        year=year,
        first=years[0],
        last=years[-1],
    )
    return _page(None, years, reason), 404


def _page(report: figures.AnnualReport | None, years: list[int], reason: str | None = None):
    return render_template(
        "governance/annual_report_page.html",
        report=report,
        years=years,
        reason=reason,
        section_titles=figures.section_titles(),
        document=publishing.report_document(report.year) if report else None,
    )


def _default_year(years: list[int]) -> int:
    """The last year that has ended, which is the one a coordinator reports on; else the current one."""
    this_year = clock.local(clock.now()).year
    ended = [y for y in years if y < this_year]
    return ended[-1] if ended else years[-1]


@bp.route("/governance/annual-report")
@require(Right.VIEW_ANNUAL_REPORT)
def annual_report_page():
    """Choose a year and preview the figures of its annual report."""
    form = YearForm(formdata=request.args)
    if not form.validate():
        abort(400, _("Give the year as four digits, for example 2025."))
    years = gathering.report_years()
    year = form.year.data or _default_year(years)
    if year not in years:
        return _missing_year(year, years)
    return _page(gathering.report_for(year), years)


@bp.route("/governance/annual-report/<int:year>.<any(pdf, docx):extension>")
@require(Right.VIEW_ANNUAL_REPORT)
def annual_report_file(year: int, extension: str):
    """The year's annual report as a PDF to read or a DOCX to edit."""
    years = gathering.report_years()
    if year not in years:
        return _missing_year(year, years)
    language = request.args.get("language") or str(get_locale())
    if language not in current_app.config["LANGUAGES"]:
        abort(
            400,
            _(
                "The report is written in %(languages)s.",
                languages=", ".join(current_app.config["LANGUAGES"]),
            ),
        )
    # The partnership may want it in English from an Italian coordinator, and the other way round.
    with force_locale(language):
        report = gathering.report_for(year)
        if extension == "pdf":
            data, mimetype, disposition = pdf.report_pdf(report), pdf.PDF_TYPE, "inline"
        else:
            data, mimetype, disposition = docx_file.report_docx(report), docx_file.DOCX_TYPE, "attachment"
    return current_app.response_class(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'{disposition}; filename="annual-report-{year}-{language}.{extension}"',
            "Content-Language": language,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.post("/governance/annual-report/<int:year>/publish")
@require(Right.MANAGE_GOVERNANCE)
def publish_annual_report(year: int):
    """Add the year's report, as made now, as a new draft version of its document."""
    years = gathering.report_years()
    if year not in years:
        return _missing_year(year, years)
    try:
        version = publishing.publish(year, current_user)
    except RuleError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("governance.annual_report_page", year=year))
    db.session.commit()
    flash(
        _(
            "The annual report %(year)d is version %(number)d of its document, a draft until it is approved.",
            year=year,
            number=version.number,
        ),
        "success",
    )
    return redirect(url_for("documents.document_page", document_id=version.document_id))
